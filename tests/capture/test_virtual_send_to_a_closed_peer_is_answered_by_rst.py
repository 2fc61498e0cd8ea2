"""On the virtual network, data sent after the peer closed (and its FIN was
read) is in the capture, answered by the peer's RST: the client's bytes
after the FIN, then one RST from the server acknowledging them; the
client's next send fails with EPIPE and adds nothing."""
import os
from capcase import *

PROG = r"""
import socket
ls = socket.socket()
ls.bind(("10.0.0.5", 40130))
ls.listen(1)
c = socket.create_connection(("10.0.0.5", 40130))
a, _ = ls.accept()
a.close()
print(len(c.recv(10)))        # the FIN
print(c.send(b"late" * 25))   # accepted; the RST comes back
try:
    c.send(b"x")
except OSError as e:
    print(type(e).__name__)
c.close()
"""
pcap = os.path.join(tmpdir(), "late.pcap")
r = run([PY, "-c", PROG], pcap, "host web.test 10.0.0.5\n", extra=["--net", "virtual"])
expect(r.stdout.split() == ["0", "100", "BrokenPipeError"], r.stdout + r.stderr)
rows = fields(pcap, "tcp", "tcp.srcport", "tcp.flags.fin", "tcp.flags.reset", "tcp.seq", "tcp.ack", "tcp.len")
data = [x for x in rows if x[5] != "0"]
expect(len(data) == 1 and data[0][0] != "40130" and data[0][5] == "100", f"client data: {data}")
rst = [x for x in rows if x[2] == "1"]
expect(len(rst) == 1 and rst[0][0] == "40130", f"RSTs {rst}, expected one from the server")
expect(rst[0][3] == "2" and rst[0][4] == "101", f"RST seq/ack {rst[0][3:5]}, expected 2/101 (after FIN and data)")
expect(rows.index(rst[0]) > rows.index(data[0]), f"the RST must follow the data: {rows}")
expect_clean(pcap, allow="tcp.flags.reset == 1")
print("ok")
