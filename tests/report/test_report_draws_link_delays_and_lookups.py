"""On the virtual network with `link * latency 20ms`, the report draws the
link's delay on the connection lanes; getaddrinfo answers and an injected
EAI failure are marks on a resolver lane."""
from reportcase import *

chromium_or_skip()
prog = r'''
import socket, threading
print(socket.getaddrinfo("api.example.test", 80)[0][4][0])
try:
    socket.getaddrinfo("down.example.test", 80)
except socket.gaierror as e:
    print("gaierror", e.errno)
ls = socket.create_server(("10.0.0.1", 8080))
def serve():
    c, _ = ls.accept()
    while True:
        b = c.recv(4096)
        if not b:
            break
        c.sendall(b)
t = threading.Thread(target=serve)
t.start()
s = socket.create_connection(("api.example.test", 8080))
for _ in range(5):
    s.sendall(b"x" * 100)
    s.recv(100)
s.close()
t.join()
print("done")
'''
html, log, p = run_report([sftest.PY, "-c", prog], scenario="""
net virtual
host api.example.test 10.0.0.1
link * latency 20ms
getaddrinfo name=down.example.test -> eai EAI_NONAME
""")
out = sftest.ok(p, "the program")
expect("10.0.0.1" in out and "gaierror" in out and "done" in out, f"output: {out!r}")
events = log_all(log)
linked = [o for o in events if o.get("ev") == "send" and o.get("link_ns", 0) >= 20_000_000]
expect(linked, "no send line carries the link's delay")
lookups = [o for o in events if o.get("ev") == "lookup"]
expect(len(lookups) >= 2, f"lookup lines: {lookups}")
with Browser() as b:
    b.open(html)
    expect(count(b, "path.link-delay") >= 1, "no link delay drawn")
    expect(count(b, "g.lane[data-kind=resolver]") == 1, "one resolver lane")
    expect(count(b, "g.lane[data-kind=resolver] .mark-lookup") >= 1, "answered lookups drawn")
    sftest.expect_equal(fault_total(b), len(log_events(log)), "faults drawn")
    expect(count(b, "g.lane[data-kind=resolver] .fault") == 1, "the EAI fault on the resolver lane")
    sftest.expect_equal(count(b, "g.lane[data-kind=conn]"), len(connections(log)), "connection lanes")
    expect_clean(b, html)
    keep_screenshot(b)
