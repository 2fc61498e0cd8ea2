"""nginx under --pcap with short transfers: the master never touches a
connection, so its FILE has none; the worker that served writes
FILE.<pid>, and tshark reassembles the response there to the file's
bytes."""
from rwcase import *
from capcase import follow, expect_clean, fields

curl = need("curl")
need("tshark")
root = scratch()
want = payload(os.path.join(root, "f"), 200000, seed=16)
d = scratch()
pcap = os.path.join(d, "n.pcap")
srv, port = nginx(root, SHORTS, pcap=pcap)
with srv:
    out = tmp_path("got")
    r = run_bytes([curl, "-sS", "-o", out, f"http://127.0.0.1:{port}/f"])
expect(r.returncode == 0, describe(r))
expect_equal(sha256_file(out), want, "SHA-256 of the download")
workers = [f for f in os.listdir(d) if f.startswith("n.pcap.")]
served = []
for w in workers:
    p = os.path.join(d, w)
    for stream in {int(s[0]) for s in fields(p, "tcp", "tcp.stream")}:
        n0, a, n1, b = follow(p, stream)
        body = (a if a.startswith(b"HTTP/") else b).partition(b"\r\n\r\n")[2]
        if sha256(body) == want:
            served.append(p)
expect(served, f"no worker capture holds the response (files: {sorted(os.listdir(d))})")
expect_clean(served[0])
print("ok")
