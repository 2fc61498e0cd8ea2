"""Two UDP sockets of one program talking to each other: each datagram is
recorded once (when sent), not a second time when the other socket
receives it."""
import os
from capcase import *

PROG = r"""
import socket
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b.bind(("127.0.0.1", 0))
for i in range(10):
    a.sendto(bytes([i]) * (i + 1), b.getsockname())
    data, src = b.recvfrom(100)
    b.sendto(data * 2, src)
    a.recvfrom(100)
print(a.getsockname()[1], b.getsockname()[1])
"""
pcap = os.path.join(tmpdir(), "udp2.pcap")
r = run([PY, "-c", PROG], pcap)
expect(r.returncode == 0, r.stderr)
aport, bport = r.stdout.split()
rows = fields(pcap, "udp", "udp.srcport", "udp.dstport", "udp.length")
want = []
for i in range(10):
    want += [[aport, bport, str(8 + i + 1)], [bport, aport, str(8 + 2 * (i + 1))]]
expect(rows == want, f"datagrams: {rows}")
expect_clean(pcap)
print("ok")
