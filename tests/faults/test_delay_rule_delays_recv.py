"""delay: the call happens, later (lower bound only: no timing upper bounds)."""
import time
from sfcase import *

with Server("source:100") as srv:
    t0 = time.monotonic()
    r = run(peer("recvall", "127.0.0.1", srv.port), scenario="recv first=1 -> delay 400ms\n")
    took = time.monotonic() - t0
expect(r.returncode == 0 and r.stdout.split()[1] == "100", r.stdout + r.stderr)
expect(took >= 0.4, f"no delay ({took:.3f} s)")
print("ok")
