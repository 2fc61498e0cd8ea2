"""A case that outlives its timeout is killed together with everything it
started (its process group), reported failed as timed out, and the other
cases still run.  The hanging case writes the pids of its shell and of a
background child; after the suite, neither exists."""
import os
import time
from clicase import *

path = make_suite("""
case hangs
  timeout 1
  sh sleep 300 & echo $! > bg.pid; echo $$ > sh.pid; wait
case runs-anyway
  run true
""")
d = os.path.dirname(path)
t0 = time.monotonic()
r = suite(path, "--tap", timeout=120)
took = time.monotonic() - t0
expect(r.returncode == 1, show(r))
expect(tap_results(r.stdout) == {"hangs": False, "runs-anyway": True}, show(r))
expect("timed out after 1 s" in r.stderr, show(r))
expect(took < 60, f"the suite waited {took:.1f} s for a case with a 1 s timeout")


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie not yet reaped by init counts as gone, but it should not
    # happen: the suite reaps what it kills.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] == "Z"


for name in ("sh.pid", "bg.pid"):
    with open(os.path.join(d, name)) as f:
        pid = int(f.read())
    expect(gone(pid), f"{name}: process {pid} still runs after the suite")
with open(os.path.join(d, "sh.pid")) as f:
    pgid = int(f.read())
try:
    os.killpg(pgid, 0)
    fail(f"process group {pgid} still has members")
except ProcessLookupError:
    pass
print("ok", f"{took:.1f} s")
