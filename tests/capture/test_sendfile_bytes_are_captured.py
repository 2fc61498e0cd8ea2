"""Bytes sent with sendfile(2) (Python's socket.sendfile) come from a file,
not a buffer: the capture reads them back from it, so tshark's follow shows
exactly the file's content."""
import os, random
from capcase import *
from servers import TcpEcho

d = tmpdir()
src = os.path.join(d, "src.bin")
data = random.Random(11).randbytes(3 * 1024 * 1024 + 17)
with open(src, "wb") as f:
    f.write(data)
PROG = r"""
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
with open(sys.argv[2], "rb") as f:
    n = s.sendfile(f, offset=17)
s.shutdown(socket.SHUT_WR)
got = 0
while True:
    b = s.recv(65536)
    if not b:
        break
    got += len(b)
print(n, got)
"""
srv = TcpEcho()
pcap = os.path.join(d, "sendfile.pcap")
r = run([PY, "-c", PROG, str(srv.port), src], pcap, "sendfile prob=0.5 -> short 1..100000\n")
expect(r.returncode == 0, r.stderr)
n, got = map(int, r.stdout.split())
expect(n == len(data) - 17 and got == n, r.stdout)
n0, b0, n1, b1 = follow(pcap, 0)
expect(b0 == data[17:], f"client stream: {len(b0)} bytes, expected the file's {len(data) - 17}")
expect(b1 == data[17:], "echo stream differs")
expect_clean(pcap)
print("ok")
