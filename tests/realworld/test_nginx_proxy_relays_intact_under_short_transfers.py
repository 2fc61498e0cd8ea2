"""nginx as a reverse proxy, its workers' reads and writes cut short on
both connections (client and upstream): a 1 MiB file from a native
http.server arrives byte-exact at a native curl."""
from rwcase import *

curl = need("curl")
root = scratch()
want = payload(os.path.join(root, "f"), 1 << 20, seed=14)
web, wport = http_server(root)
log = tmp_path("log")
with web:
    srv, port = nginx(root, SHORTS, log=log,
                      extra=f"location / {{ proxy_pass http://127.0.0.1:{wport}; }}")
    with srv:
        out = tmp_path("got")
        r = run_bytes([curl, "-sS", "-o", out, f"http://127.0.0.1:{port}/f"])
expect(r.returncode == 0, describe(r))
expect_equal(sha256_file(out), want, "SHA-256 through nginx")
peers = {e["peer"] for e in log_events(log)}
expect(any(p.endswith(f":{wport}") for p in peers), f"no fault on the upstream side: {peers}")
print("ok")
