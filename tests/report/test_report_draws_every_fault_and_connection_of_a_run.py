"""A report of a real run (roundtrip.py's client and server threads under a
flaky scenario) draws as many fault markers (counted with their data-count)
as the log has fault lines and a lane for every connection the log saw open,
with a process lane and a lane per thread; it fetches nothing and logs no
console error."""
from reportcase import *

chromium_or_skip()
html, log, p = run_report([sftest.PY, ROUNDTRIP, "300000"], scenario="""
recv -> short 1..1000
send -> eintr every=2
""")
sftest.ok(p, "roundtrip.py under the shim")
faults = len(log_events(log))
conns = connections(log)
expect(faults > 10, f"the scenario fired only {faults} times")
expect(len(conns) == 2, f"expected the client's and the server's sockets, got {conns}")
with Browser() as b:
    b.open(html)
    sftest.expect_equal(fault_total(b), faults, "faults on the page (sum of data-count)")
    sftest.expect_equal(count(b, "g.lane[data-kind=conn]"), len(conns), "connection lanes")
    sftest.expect_equal(count(b, "g.lane[data-kind=process]"), 1, "process lanes")
    expect(count(b, "g.lane[data-kind=thread]") == 2, "a lane for each of the two threads")
    expect(count(b, "path.bytes-out") >= 2, "bytes drawn on the connection lanes")
    expect_clean(b, html)
    keep_screenshot(b)
