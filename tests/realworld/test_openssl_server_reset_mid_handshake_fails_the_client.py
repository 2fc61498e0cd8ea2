"""The server's second connection (its first is the test's probe for its
port) reset as soon as it has sent 100 bytes (inside
its handshake flight): s_client fails the handshake and exits 1; s_server
carries on and serves the next client (-WWW)."""
from rwcase import *

openssl = need("openssl")
root = scratch()
want = payload(os.path.join(root, "f"), 1000, seed=7)
srv, port = tls_server(root, "send conn=2 bytes=100.. -> reset\n")
with srv:
    r1 = run_bytes([openssl, "s_client", "-connect", f"127.0.0.1:{port}", "-quiet"], stdin=b"")
    r2 = run_bytes([openssl, "s_client", "-connect", f"127.0.0.1:{port}", "-quiet", "-ign_eof"],
                   stdin=b"GET /f HTTP/1.0\r\n\r\n")
expect_equal(r1.returncode, 1, f"the first client ({describe(r1)})")
expect(r2.returncode == 0, describe(r2))
expect_equal(sha256(r2.stdout.partition(b"\r\n\r\n")[2]), want, "SHA-256 for the second client")
print("ok")
