"""UDP: each (socket, peer) pair the log saw datagrams for is a flow lane,
a connected UDP socket's sends without an address included; the bytes are
drawn on it, and a dropped datagram's fault sits on its flow."""
from reportcase import *

chromium_or_skip()
prog = r'''
import socket
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 0))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.1", 0))
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.connect(a.getsockname())
for i in range(4):
    b.sendto(b"ping %d" % i, a.getsockname())
    c.send(b"conn %d" % i)
a.settimeout(0.5)
got = 0
try:
    while True:
        a.recvfrom(100); got += 1
except TimeoutError:
    pass
print("received", got)
'''
html, log, p = run_report([sftest.PY, "-c", prog], scenario="sendto proto=udp first=1 -> drop\n")
out = sftest.ok(p, "the program")
expect("received 7" in out, f"one of the 8 datagrams dropped: {out!r}")
events = log_all(log)
socks = {o["sock"]: o for o in events if o.get("ev") == "socket"}
connected = {o["sock"]: o["to"] for o in events if o.get("ev") == "connect"}
flows = {(o["sock"], o.get("peer") or connected.get(o["sock"])) for o in events
         if o.get("ev") in ("send", "recv") and o.get("bytes", 0) > 0}
expect(len(flows) == 4, f"b->a, c->a (connected) and a's two peers: {flows}")
with Browser() as b:
    b.open(html)
    sftest.expect_equal(count(b, "g.lane[data-kind=flow]"), len(flows), "flow lanes")
    expect(count(b, "g.lane[data-kind=flow] path.bytes-out") >= 2, "bytes sent drawn on flows")
    expect(count(b, "g.lane[data-kind=flow] .fault") == 1, "the drop on a flow lane")
    expect_clean(b, html)
    keep_screenshot(b)
