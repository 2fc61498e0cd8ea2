"""wget on the virtual network against the scenario's scripted server,
every send and recv cut short: the 200 kB file is byte-exact."""
from rwcase import *

wget = need("wget")
body = os.urandom(200000)
head = b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
out = tmp_path("got")
r = run_bytes([wget, "-q", "--tries=1", "-O", out, "http://127.0.0.1:8080/f"],
              scenario=peer_server(head + body) + SHORTS)
expect(r.returncode == 0, describe(r))
expect_equal(sha256_file(out), sha256(body), "SHA-256 of what wget saved")
print("ok")
