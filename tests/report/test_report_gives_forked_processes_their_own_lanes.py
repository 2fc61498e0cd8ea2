"""A pre-fork server (the parent listens, a forked child accepts and
serves) and its client: the report has a process lane for each process,
the child's under its parent, and the listening socket they share stays
one lane."""
from reportcase import *

chromium_or_skip()
prog = r'''
import os, socket
ls = socket.create_server(("127.0.0.1", 0))
pid = os.fork()
if pid == 0:
    c, _ = ls.accept()
    while True:
        b = c.recv(4096)
        if not b:
            break
        c.sendall(b)
    c.close()
    os._exit(0)
s = socket.create_connection(ls.getsockname())
for _ in range(5):
    s.sendall(b"x" * 100)
    s.recv(100)
s.close()
os.waitpid(pid, 0)
print("done")
'''
html, log, p = run_report([sftest.PY, "-c", prog], scenario="recv -> short 1..10\n")
sftest.ok(p, "the program")
events = log_all(log)
pids = {o["pid"] for o in events}
expect(len(pids) == 2, f"the parent and the child both logged: {pids}")
listens = {o["sock"] for o in events if o.get("ev") == "listen"}
with Browser() as b:
    b.open(html)
    lanes = b.eval("[...document.querySelectorAll('g.lane')].map(g => [g.dataset.kind, "
                   "g.querySelector('text.label').textContent])")
    procs = [l for l in lanes if l[0] == "process"]
    sftest.expect_equal(len(procs), 2, "process lanes")
    expect(lanes[0][0] == "process" and procs[1] in lanes[1:], f"the child follows its parent: {lanes}")
    sftest.expect_equal(count(b, "g.lane[data-kind=listener]"), len(listens), "listener lanes")
    sftest.expect_equal(count(b, "g.lane[data-kind=conn]"), len(connections(log)), "connection lanes")
    sftest.expect_equal(fault_total(b), len(log_events(log)), "faults drawn")
    expect_clean(b, html)
    keep_screenshot(b)
# each process's exit line counts its own calls: their sum is what the
# rule matched in the run, at least one call for each fault it fired
with open(log) as f:
    exits = [o for o in map(__import__("json").loads, f) if o.get("ev") == "exit"]
sftest.expect_equal(len(exits), 2, "exit lines")
matched = sum(r["matched"] for o in exits for r in o["rules"])
expect(len(log_events(log)) <= matched < 10_000, f"matched counts: {[o['rules'] for o in exits]}")
