"""An injected reset is an RST: `send bytes=1000.. -> reset` gives the
capture exactly 1000 bytes from the client, then one RST from the client
at relative sequence number 1001, and nothing from the client after it.
tshark flags nothing but the RST itself."""
import os
from capcase import *

d = tmpdir()
pcap = os.path.join(d, "reset.pcap")
with Server("sink") as srv:
    r = run(peer("sendall", "127.0.0.1", srv.port, 100000), pcap, "send bytes=1000.. -> reset\n")
expect(r.stdout.strip() == "ConnectionResetError ECONNRESET", r.stdout + r.stderr)
client = None
rows = fields(pcap, "tcp", "frame.number", "tcp.srcport", "tcp.flags.reset", "tcp.seq", "tcp.len")
rst = [row for row in rows if row[2] == "1"]
expect(len(rst) == 1, f"expected one RST, got {rst}")
expect(rst[0][1] != str(srv.port), f"the RST must come from the client: {rst[0]}")
expect(rst[0][3] == "1001", f"RST at relative seq {rst[0][3]}, expected 1001")
expect(rows[-1] == rst[0], f"frames after the RST: {rows[rows.index(rst[0]) + 1:]}")
n0, b0, n1, b1 = follow(pcap, 0)
expect(len(b0) == 1000, f"client sent {len(b0)} bytes before the RST, expected 1000")
expect_clean(pcap, allow="tcp.flags.reset == 1")
print("ok")
