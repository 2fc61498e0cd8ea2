"""blackhole: a connect never completes and data never arrives; Python's
timeouts fire."""
from sfcase import *

with Server("source:100") as srv:
    c = run(peer("connect", "127.0.0.1", srv.port, 0.3), scenario="connect -> blackhole\n")
    r = run(peer("recv", "127.0.0.1", srv.port, 0.3), scenario="recv -> blackhole\n")
    e = run(peer("connect", "127.0.0.1", srv.port), scenario="connect -> error ENETUNREACH\n")
    a = run(peer("recv", "127.0.0.1", srv.port, 5), scenario="recv first=3 -> eagain\n")
expect(c.stdout.strip() == "TimeoutError", c.stdout + c.stderr)
expect(r.stdout.strip() == "TimeoutError", r.stdout + r.stderr)
expect(e.stdout.strip() == "OSError ENETUNREACH", e.stdout + e.stderr)
# EAGAIN in timeout mode makes Python poll again: invisible.
expect(a.stdout.strip() == "recv 100", a.stdout + a.stderr)
print("ok")
