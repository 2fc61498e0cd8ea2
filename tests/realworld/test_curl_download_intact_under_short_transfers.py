"""curl downloading 2 MiB from a (native) threaded http.server while every
other send and recv of curl's is cut short: the file arrives byte-exact."""
from rwcase import *

curl = need("curl", under_shim=True)
root = scratch()
want = payload(os.path.join(root, "blob"), 2 << 20)
srv, port = http_server(root)
with srv:
    out = tmp_path("got")
    r = run([curl, "-sS", "-o", out, f"http://127.0.0.1:{port}/blob"], scenario=SHORTS,
            log=tmp_path("log"))
expect(r.returncode == 0, describe(r))
n = len(log_events(tmp_path("log")))
expect(n > 20, f"only {n} short transfers")
expect_equal(sha256_file(out), want, "SHA-256 of what curl saved")
print("ok")
