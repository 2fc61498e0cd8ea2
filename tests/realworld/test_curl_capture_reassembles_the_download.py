"""curl's capture under short transfers: tshark reassembles the server's
side of the stream to the HTTP response whose body is the file."""
from rwcase import *
from capcase import follow, expect_clean

curl = need("curl", "tshark", under_shim=True)[0]
root = scratch()
want = payload(os.path.join(root, "f"), 300000)
srv, port = http_server(root)
with srv:
    out, pcap = tmp_path("got"), tmp_path("c.pcap")
    r = run([curl, "-sS", "-o", out, f"http://127.0.0.1:{port}/f"], scenario=SHORTS,
            extra=["--pcap", pcap])
expect(r.returncode == 0, describe(r))
n0, sent, n1, got = follow(pcap, 0)
expect(n1 == f"127.0.0.1:{port}", f"stream's server node: {n1}")
expect(sent.startswith(b"GET /f HTTP/1.1\r\n"), f"request: {sent[:40]!r}")
head, _, body = got.partition(b"\r\n\r\n")
expect(head.startswith(b"HTTP/1.0 200"), f"response: {head[:40]!r}")
expect_equal(sha256(body), want, "SHA-256 of the body tshark reassembled")
expect_equal(sha256_file(out), want, "SHA-256 of what curl saved")
expect_clean(pcap)
print("ok")
