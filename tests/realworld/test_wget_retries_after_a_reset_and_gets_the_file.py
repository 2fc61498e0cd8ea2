"""The first connection reset after 100 kB: wget (--tries=3, --waitretry=0)
reconnects, continues with a Range request where the transfer broke off
(http.server ignores Range and sends it all again; wget starts over) and
ends with the file byte-exact."""
from rwcase import *

wget = need("wget")
root = scratch()
want = payload(os.path.join(root, "f"), 1 << 20, seed=11)
srv, port = http_server(root)
with srv:
    out, log = tmp_path("got"), tmp_path("log")
    r = run_bytes([wget, "--tries=3", "--waitretry=0", "-O", out, f"http://127.0.0.1:{port}/f"],
                  scenario="recv conn=1 bytes=100000.. -> reset\n", log=log)
expect(r.returncode == 0, describe(r))
expect(b"Connection reset by peer" in r.stderr and b"Retrying" in r.stderr, describe(r))
expect_equal(sha256_file(out), want, "SHA-256 of what wget saved")
expect_equal([e["action"] for e in log_events(log)], ["reset"], "faults injected")
print("ok")
