"""A refused connect is a SYN answered by RST,ACK, whether the refusal is
injected (blocking connect, and Python's connect with a timeout, which is
non-blocking + poll + SO_ERROR) or real (a port nobody listens on)."""
import os, socket
from capcase import *


def syn_rst(pcap, port):
    rows = fields(pcap, "tcp", "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack",
                  "tcp.flags.reset", "tcp.ack")
    expect(len(rows) == 2, f"{pcap}: expected SYN and RST, got {rows}")
    syn, rst = rows
    expect(syn[1] == str(port) and syn[2:5] == ["1", "0", "0"], f"{pcap}: first frame is not a SYN: {syn}")
    expect(rst[0] == str(port) and rst[1] == syn[0] and rst[3:5] == ["1", "1"],
           f"{pcap}: second frame is not the server's RST,ACK: {rst}")
    expect(rst[5] == "1", f"{pcap}: the RST must acknowledge the SYN: {rst}")
    expect_clean(pcap, allow="tcp.flags.reset == 1")


d = tmpdir()
with Server("sink") as srv:
    sc = f"connect peer=127.0.0.1:{srv.port} -> refuse\n"
    for how, extra in (("blocking", []), ("timeout", [2])):
        pcap = os.path.join(d, how + ".pcap")
        r = run(peer("connect", "127.0.0.1", srv.port, *extra), pcap, sc)
        expect(r.stdout.strip() == "ConnectionRefusedError ECONNREFUSED", r.stdout + r.stderr)
        syn_rst(pcap, srv.port)

# A real refusal: a port that was just free.
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
for how, extra in (("real-blocking", []), ("real-timeout", [2])):
    pcap = os.path.join(d, how + ".pcap")
    r = run(peer("connect", "127.0.0.1", port, *extra), pcap)
    expect(r.stdout.strip() == "ConnectionRefusedError ECONNREFUSED", r.stdout + r.stderr)
    syn_rst(pcap, port)
print("ok")
