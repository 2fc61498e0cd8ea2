"""wget downloading 1 MiB with every send and recv of its cut short: the
file is byte-exact."""
from rwcase import *

wget = need("wget")
root = scratch()
want = payload(os.path.join(root, "f"), 1 << 20, seed=10)
srv, port = http_server(root)
with srv:
    out, log = tmp_path("got"), tmp_path("log")
    r = run_bytes([wget, "-q", "-O", out, f"http://127.0.0.1:{port}/f"], scenario=SHORTS, log=log)
expect(r.returncode == 0, describe(r))
expect_equal(sha256_file(out), want, "SHA-256 of what wget saved")
expect(len(log_events(log)) > 100, "the shorts hardly fired")
print("ok")
