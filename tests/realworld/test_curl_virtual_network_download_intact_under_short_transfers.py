"""curl on the virtual network (no kernel socket: the server is the
scenario's scripted peer), every send and recv cut short: the 200 kB body
it saves is byte-exact."""
from rwcase import *

curl = need("curl", under_shim=True)
body = os.urandom(200000)
head = b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
out = tmp_path("got")
r = run_bytes([curl, "-sS", "-o", out, "http://127.0.0.1:8080/f"],
              scenario=peer_server(head + body) + SHORTS, log=tmp_path("log"))
expect(r.returncode == 0, describe(r))
expect_equal(sha256_file(out), sha256(body), "SHA-256 of what curl saved")
expect(len(log_events(tmp_path("log"))) > 100, "the shorts hardly fired")
print("ok")
