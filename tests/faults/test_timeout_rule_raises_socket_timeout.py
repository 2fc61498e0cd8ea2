"""With settimeout(0.5), a timeout rule on recv makes Python's own timeout
fire (socket.timeout), although the data was there."""
import time
from sfcase import *

with Server("source:1000") as srv:
    ok = run(peer("recv", "127.0.0.1", srv.port, 0.5))
    t0 = time.monotonic()
    r = run(peer("recv", "127.0.0.1", srv.port, 0.5), scenario="recv first=1 -> timeout\n")
    took = time.monotonic() - t0
expect(ok.stdout.strip() == "recv 100", f"without the rule: {ok.stdout} {ok.stderr}")
expect(r.stdout.strip() == "TimeoutError", f"expected TimeoutError, got {r.stdout!r} {r.stderr}")
expect(took >= 0.5, f"the timeout fired early ({took:.3f} s)")
print("ok")
