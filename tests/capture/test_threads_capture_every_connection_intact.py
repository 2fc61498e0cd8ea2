"""Eight threads of one program, each with its own connection, sending and
receiving at once (with partial sends injected): the capture holds eight
TCP streams, each reproducing exactly what its thread sent and received,
and tshark flags nothing: records from different threads never interleave
inside a frame or a flow."""
import os, random
from capcase import *
from servers import TcpEcho

PROG = r"""
import random, socket, sys, threading
port, n = int(sys.argv[1]), int(sys.argv[2])
ok = []
def worker(k):
    data = random.Random(k).randbytes(n)
    s = socket.create_connection(("127.0.0.1", port))
    def send():
        for i in range(0, n, 7000):
            s.sendall(data[i:i + 7000])
        s.shutdown(socket.SHUT_WR)
    t = threading.Thread(target=send)
    t.start()
    got = bytearray()
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    t.join()
    ok.append((s.getsockname()[1], k, got == data))
    s.close()
ts = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
for t in ts: t.start()
for t in ts: t.join()
for port, k, good in sorted(ok):
    print(port, k, good)
"""
N = 256 * 1024
srv = TcpEcho()
pcap = os.path.join(tmpdir(), "threads.pcap")
r = run([PY, "-c", PROG, str(srv.port), str(N)], pcap, "send prob=0.3 -> short 1..5000\n")
expect(r.returncode == 0, r.stderr)
lines = [l.split() for l in r.stdout.splitlines()]
expect(len(lines) == 8 and all(l[2] == "True" for l in lines), r.stdout)
by_port = {int(l[0]): int(l[1]) for l in lines}
for stream in range(8):
    n0, b0, n1, b1 = follow(pcap, stream)
    port = int(n0.rsplit(":", 1)[1])
    data = random.Random(by_port[port]).randbytes(N)
    expect(b0 == data and b1 == data, f"stream {stream} (port {port}): {len(b0)}/{len(b1)} bytes of {N}")
expect_clean(pcap)
print("ok")
