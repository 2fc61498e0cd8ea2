"""On the virtual network, a datagram read with recv() (no address buffer)
on an unconnected socket is still recorded from its real source
(the network knows it); with `drop` and `duplicate` on the sending side, the
capture has exactly what the receiver read: d1 d3 d3 d4."""
import os
from capcase import *

PROG = r"""
import socket
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); rx.bind(("127.0.0.1", 40131))
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(1, 5):
    tx.sendto(b"d%d" % i, ("127.0.0.1", 40131))
rx.settimeout(0.2); got = []
try:
    while True:
        got.append(rx.recv(100).decode())
except TimeoutError:
    pass
print(tx.getsockname()[1], " ".join(got))
"""
pcap = os.path.join(tmpdir(), "vrecv.pcap")
r = run([PY, "-c", PROG], pcap, "send proto=udp port=40131 nth=2 -> drop\nsend proto=udp port=40131 nth=3 -> duplicate\n",
        extra=["--net", "virtual"])
expect(r.stdout.split()[1:] == ["d1", "d3", "d3", "d4"], r.stdout + r.stderr)
txport = r.stdout.split()[0]
rows = fields(pcap, "udp", "ip.src", "udp.srcport", "ip.dst", "udp.dstport", "udp.payload")
want = [["127.0.0.1", txport, "127.0.0.1", "40131", b.hex()] for b in (b"d1", b"d3", b"d3", b"d4")]
expect(rows == want, f"datagrams {rows}, expected {want}")
expect_clean(pcap)
print("ok")
