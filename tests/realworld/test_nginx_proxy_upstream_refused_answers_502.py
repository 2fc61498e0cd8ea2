"""nginx as a reverse proxy whose connect to its upstream is refused: the
worker logs "connect() failed (111: Connection refused)" and answers 502
Bad Gateway (curl -f exits 22); with the fault gone the same nginx
proxies the file intact."""
from rwcase import *

curl = need("curl")
root = scratch()
want = payload(os.path.join(root, "f"), 50000, seed=13)
web, wport = http_server(root)
with web:
    srv, port = nginx(root, f"connect port={wport} -> refuse\n",
                      extra=f"location / {{ proxy_pass http://127.0.0.1:{wport}; }}")
    with srv:
        r = run_bytes([curl, "-s", "-o", "/dev/null", "-w", "%{http_code}",
                       f"http://127.0.0.1:{port}/f"])
        err = srv.stderr_text()
    expect_equal(r.stdout, b"502", f"nginx's status ({describe(r)})")
    expect("connect() failed (111: Connection refused) while connecting to upstream" in err, err)
print("ok")
