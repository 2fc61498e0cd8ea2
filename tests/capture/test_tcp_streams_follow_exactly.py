"""10 MB each way through the shim, sent in random-size chunks with partial
sends and short reads injected: tshark's `follow,tcp,raw` reassembles both
byte streams exactly as sent, and its expert analysis flags nothing (no bad
checksum, malformed packet, lost, out-of-order or retransmitted segment)."""
import os
from capcase import *

N = 10 * 1024 * 1024
SCENARIO = """seed 7
send prob=0.5 -> short 1..65536
recv prob=0.3 -> short 1..1500
"""
d = tmpdir()
pcap = os.path.join(d, "bulk.pcap")
with Server("echo") as srv:
    r = run([PY, os.path.join(HERE, "bulk.py"), "127.0.0.1", str(srv.port), str(N), "3"], pcap, SCENARIO)
expect(r.returncode == 0, f"client failed: {r.returncode} {r.stderr}")
sent_len, sent_sha, got_len, got_sha = r.stdout.split()
expect(sent_len == str(N) and got_sha == sent_sha, f"echo mismatch: {r.stdout}")

import hashlib, random
data = random.Random(3).randbytes(N)
n0, b0, n1, b1 = follow(pcap, 0)
expect(n1 == f"127.0.0.1:{srv.port}", f"node 1 is {n1}, not the server")
expect(len(b0) == N and b0 == data, f"client->server stream: {len(b0)} bytes, differs from what was sent")
expect(len(b1) == N and b1 == data, f"server->client stream: {len(b1)} bytes, differs from what was echoed")
expect_clean(pcap)
# Segments are cut at the default MTU's MSS, never larger.
sizes = [int(x[0]) for x in fields(pcap, "tcp.len > 0", "tcp.len")]
expect(max(sizes) == 1460, f"largest segment {max(sizes)}, expected the MSS 1460")
print("ok")
