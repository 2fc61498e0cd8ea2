"""On the virtual network, closing a connection with bytes still unread
resets it (tcp_close, RFC 2525 2.17): the capture shows the closer's RST,
acknowledging exactly the bytes it did read, and no FIN from it, even though
the peer never reads again.  A close with nothing unread stays a FIN (the control:
the same program with the unread bytes read first)."""
import os
from capcase import *

PROG = r"""
import socket, sys, threading
drain = sys.argv[1] == "drain"
ls = socket.socket()
ls.bind(("10.0.0.5", 40129))
ls.listen(1)
c = socket.create_connection(("10.0.0.5", 40129))
a, _ = ls.accept()
c.sendall(b"a" * 500)
print(len(a.recv(200)))          # 300 bytes left unread
if drain:
    a.recv(1000)
a.close()
if drain:
    print(len(c.recv(100)))      # the FIN is recorded when the client reads it
else:
    print("-")                   # the RST shows although the client never reads again
c.close()
"""
for mode, want in (("unread", "-"), ("drain", "0")):
    pcap = os.path.join(tmpdir(), mode + ".pcap")
    r = run([PY, "-c", PROG, mode], pcap, "host web.test 10.0.0.5\n", extra=["--net", "virtual"])
    expect(r.stdout.split() == ["200", want], f"{mode}: {r.stdout} {r.stderr}")
    rows = fields(pcap, "tcp", "tcp.srcport", "tcp.flags.reset", "tcp.flags.fin", "tcp.seq", "tcp.ack", "tcp.len")
    srv = [x for x in rows if x[0] == "40129"]
    rst = [x for x in rows if x[1] == "1"]
    if mode == "unread":
        expect(len(rst) == 1 and rst[0][0] == "40129", f"{mode}: RSTs {rst}, expected one from the closer")
        expect(rst[0][4] == "201", f"{mode}: the RST acknowledges {rst[0][4]}, expected what was read (201)")
        expect(not [x for x in srv if x[2] == "1"], f"{mode}: a FIN from the closer: {srv}")
        n0, b0, n1, b1 = follow(pcap, 0)
        expect(b0 == b"a" * 200, f"{mode}: client stream {len(b0)} bytes, expected the 200 read")
        expect_clean(pcap, allow="tcp.flags.reset == 1")
    else:
        expect(not rst, f"{mode}: RSTs {rst}")
        expect(len([x for x in srv if x[2] == "1"]) == 1, f"{mode}: FINs from the closer: {srv}")
        expect_clean(pcap)
print("ok")
