"""TLS with both ends under short sends and reads (records arrive in
pieces, the handshake too): openssl s_client fetches a 300 kB file from
openssl s_server -WWW, byte-exact."""
from rwcase import *

openssl = need("openssl")
root = scratch()
want = payload(os.path.join(root, "f"), 300000, seed=6)
slog, clog = tmp_path("slog"), tmp_path("clog")
srv, port = tls_server(root, SHORTS, log=slog)
with srv:
    r = run_bytes([openssl, "s_client", "-connect", f"127.0.0.1:{port}", "-quiet", "-ign_eof"],
                  scenario=SHORTS, log=clog, stdin=b"GET /f HTTP/1.0\r\n\r\n")
expect(r.returncode == 0, describe(r))
head, _, body = r.stdout.partition(b"\r\n\r\n")
expect(head.startswith(b"HTTP/1.0 200"), describe(r))
expect_equal(sha256(body), want, "SHA-256 of the body through TLS")
expect(len(log_events(slog)) > 20 and len(log_events(clog)) > 20, "the shorts hardly fired")
print("ok")
