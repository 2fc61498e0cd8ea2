"""Both ends of a connection in one process under the shim (a server
thread and a client): each segment is recorded once, by the end that sent
it, so tshark sees one connection, one handshake, both streams exactly,
and no retransmissions or duplicates."""
import os
from capcase import *

PROG = r"""
import hashlib, random, socket, sys, threading
n = int(sys.argv[1])
data = random.Random(9).randbytes(n)
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
def serve():
    c, _ = ls.accept()
    while True:
        b = c.recv(65536)
        if not b:
            break
        c.sendall(b)
    c.close()
t = threading.Thread(target=serve)
t.start()
s = socket.create_connection(ls.getsockname())
def send():
    for i in range(0, n, 50000):
        s.sendall(data[i:i + 50000])
    s.shutdown(socket.SHUT_WR)
u = threading.Thread(target=send)
u.start()
got = bytearray()
while True:
    b = s.recv(65536)
    if not b:
        break
    got += b
u.join(); t.join(); s.close()
print("same" if got == data else "differs")
"""
import random
N = 2 * 1024 * 1024
pcap = os.path.join(tmpdir(), "twins.pcap")
r = run([PY, "-c", PROG, str(N)], pcap)
expect(r.returncode == 0 and r.stdout.strip() == "same", r.stdout + r.stderr)
syns = fields(pcap, "tcp.flags.syn == 1", "tcp.flags.ack")
expect(sorted(syns) == [["0"], ["1"]], f"handshake frames: {syns}")
data = random.Random(9).randbytes(N)
n0, b0, n1, b1 = follow(pcap, 0)
expect(b0 == data and b1 == data, f"streams: {len(b0)} / {len(b1)} bytes of {N}")
fins = fields(pcap, "tcp.flags.fin == 1", "tcp.srcport")
expect(len(fins) == 2 and fins[0] != fins[1], f"FINs: {fins}")
expect_clean(pcap)
print("ok")
