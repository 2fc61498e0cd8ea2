"""The upstream connection reset after 100 kB of a 1 MiB response nginx
is relaying: the worker logs the reset ("recv() failed (104: Connection
reset by peer) while reading upstream") and closes the client's
connection early; curl sees a transfer cut short (exit 18)."""
from rwcase import *

curl = need("curl")
root = scratch()
payload(os.path.join(root, "f"), 1 << 20, seed=15)
web, wport = http_server(root)
with web:
    srv, port = nginx(root, f"recv port={wport} bytes=100000.. -> reset\n",
                      extra=f"location / {{ proxy_pass http://127.0.0.1:{wport}; }}")
    with srv:
        r = run_bytes([curl, "-sS", "-o", tmp_path("got"), f"http://127.0.0.1:{port}/f"])
        err = srv.stderr_text()
expect_equal(r.returncode, 18, f"curl's exit status ({describe(r)})")
expect("104: Connection reset by peer" in err and "upstream" in err, f"nginx's log:\n{err}")
print("ok")
