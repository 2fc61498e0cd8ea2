"""`sockfault report --log` of a log written without the full event stream
(plain `sockfault run --log`) still draws each fault, on a lane for the
connection it hit, and the rules from the scenario the log names."""
import subprocess

from reportcase import *

chromium_or_skip()
d = scratch()
log, html = os.path.join(d, "faults.jsonl"), os.path.join(d, "r.html")
p = sftest.run([sftest.PY, ROUNDTRIP, "100000"], scenario="recv -> short 1..500\n", log=log)
sftest.ok(p, "roundtrip.py")
faults = log_events(log)
expect(faults and all("sock" in o for o in faults), "fault lines name their socket")
expect(not [o for o in log_all(log) if o.get("ev", "fault") != "fault"], "a plain log has only faults")
r = subprocess.run([sftest.CLI, "report", "--log", log, "-o", html], capture_output=True, text=True, timeout=120)
expect(r.returncode == 0, f"sockfault report: {r.returncode} {r.stderr}")
with Browser() as b:
    b.open(html)
    sftest.expect_equal(fault_total(b), len(faults), "faults drawn")
    sftest.expect_equal(count(b, "g.lane[data-kind=conn]"), len({o["sock"] for o in faults}), "lanes of the sockets hit")
    sftest.expect_equal(b.eval("document.querySelector('#rules tr.rule code').textContent"), "recv -> short 1..500",
                        "the rule's text")
    expect_clean(b, html)
