"""Every other recv and send of curl's interrupted (EINTR): curl retries
them, the 2 MiB download is byte-exact."""
from rwcase import *

curl = need("curl", under_shim=True)
root = scratch()
want = payload(os.path.join(root, "f"), 2 << 20, seed=12)
srv, port = http_server(root)
with srv:
    out, log = tmp_path("got"), tmp_path("log")
    r = run_bytes([curl, "-sS", "-o", out, f"http://127.0.0.1:{port}/f"],
                  scenario="recv every=2 -> eintr\nsend every=2 -> eintr\n", log=log)
expect(r.returncode == 0, describe(r))
expect_equal(sha256_file(out), want, "SHA-256 of the download")
expect(len(log_events(log)) > 10, "the EINTRs hardly fired")
print("ok")
