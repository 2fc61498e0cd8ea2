"""On the virtual network, an injected reset is an RST: the client sends
1000 bytes to a server thread of the same program, then its next send is
reset (`send port=40124 bytes=1000.. -> reset`).  The capture has exactly
those 1000 bytes from the client, even though the server reads them only
after the reset, then one RST from the client at relative sequence number
1001 and nothing from the client after it; the server's recv of the RST
adds no second one.  tshark flags nothing but the RST itself."""
import os
from capcase import *

PROG = r"""
import socket, threading
ls = socket.socket()
ls.bind(("10.0.0.5", 40124))
ls.listen(1)
reset = threading.Event()
seen = []
def serve():
    c, _ = ls.accept()
    reset.wait()  # the bytes are read only after the client's RST
    n = 0
    try:
        while True:
            b = c.recv(300)
            if not b: break
            n += len(b)
    except OSError as e:
        seen.append(f"{n} {type(e).__name__}")
t = threading.Thread(target=serve); t.start()
s = socket.create_connection(("10.0.0.5", 40124))
try:
    s.sendall(b"x" * 1000)
    s.sendall(b"y" * 1000)
except OSError as e:
    print(type(e).__name__)
reset.set(); t.join()
print(seen[0])
"""
pcap = os.path.join(tmpdir(), "vreset.pcap")
r = run([PY, "-c", PROG], pcap, "host web.test 10.0.0.5\nsend port=40124 bytes=1000.. -> reset\n",
        extra=["--net", "virtual"])
expect(r.stdout.split("\n")[:2] == ["ConnectionResetError", "1000 ConnectionResetError"], r.stdout + r.stderr)
rows = fields(pcap, "tcp", "frame.number", "tcp.srcport", "tcp.flags.reset", "tcp.seq", "tcp.len", "ip.src")
expect(all(row[5] == "10.0.0.5" for row in rows), f"addresses: {rows}")
rst = [row for row in rows if row[2] == "1"]
expect(len(rst) == 1, f"expected one RST, got {rst}")
expect(rst[0][1] != "40124", f"the RST must come from the client: {rst[0]}")
expect(rst[0][3] == "1001", f"RST at relative seq {rst[0][3]}, expected 1001")
expect(not [x for x in rows[rows.index(rst[0]) + 1:] if x[1] == rst[0][1]],
       f"frames from the client after the RST: {rows[rows.index(rst[0]) + 1:]}")
n0, b0, n1, b1 = follow(pcap, 0)
expect(b0 == b"x" * 1000, f"client sent {len(b0)} bytes before the RST, expected 1000 x")
expect_clean(pcap, allow="tcp.flags.reset == 1")
print("ok")
