"""On the virtual network, a refused connect is a SYN answered by RST,ACK
between the virtual addresses, whether the refusal is injected (blocking
connect, and Python's connect with a timeout: non-blocking + poll +
SO_ERROR) or the virtual network's own (a port nobody listens on, on a
scenario `host` address), IPv4 and IPv6."""
import os
from capcase import *

PROG = r"""
import socket, sys
host, port, timeout = sys.argv[1], int(sys.argv[2]), sys.argv[3]
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
ls = socket.socket(fam)
ls.bind((host, 40125))  # a listener: only the injected refusal refuses here
ls.listen(1)
try:
    socket.create_connection((host, port), timeout=None if timeout == "-" else float(timeout))
    print("connected")
except OSError as e:
    print(type(e).__name__)
"""


def syn_rst(pcap, host, port):
    ip = "ipv6" if ":" in host else "ip"
    rows = fields(pcap, "tcp", "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack",
                  "tcp.flags.reset", "tcp.ack", f"{ip}.src", f"{ip}.dst")
    expect(len(rows) == 2, f"{pcap}: expected SYN and RST, got {rows}")
    syn, rst = rows
    expect(syn[1] == str(port) and syn[2:5] == ["1", "0", "0"], f"{pcap}: first frame is not a SYN: {syn}")
    expect(rst[0] == str(port) and rst[1] == syn[0] and rst[3:5] == ["1", "1"],
           f"{pcap}: second frame is not the server's RST,ACK: {rst}")
    expect(rst[5] == "1", f"{pcap}: the RST must acknowledge the SYN: {rst}")
    expect(syn[6:] == [host, host] and rst[6:] == [host, host], f"{pcap}: addresses {syn[6:]} / {rst[6:]}")
    expect_clean(pcap, allow="tcp.flags.reset == 1")


d = tmpdir()
for host in ("10.0.0.5", "2001:db8::5"):
    for port, sc in ((40125, "connect port=40125 -> refuse\n"), (40126, "")):
        for timeout in ("-", "2"):
            pcap = os.path.join(d, f"{port}-{timeout}.pcap")
            r = run([PY, "-c", PROG, host, str(port), timeout], pcap,
                    "host web.test 10.0.0.5 2001:db8::5\n" + sc, extra=["--net", "virtual"])
            expect(r.stdout.strip() == "ConnectionRefusedError", f"{host} {port} {timeout}: {r.stdout} {r.stderr}")
            syn_rst(pcap, host, port)
print("ok")
