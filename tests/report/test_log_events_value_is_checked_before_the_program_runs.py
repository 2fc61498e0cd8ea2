"""SOCKFAULT_LOG_EVENTS takes faults or all; another value, or all without
SOCKFAULT_LOG, stops the program before it runs with a one-line error."""
import subprocess

from reportcase import *

marker = os.path.join(scratch(), "ran")
prog = [sftest.PY, "-c", f"open({marker!r}, 'w')"]
for env, want in (({"SOCKFAULT_LOG_EVENTS": "everything", "SOCKFAULT_LOG": "/dev/null"}, "expected faults or all"),
                  ({"SOCKFAULT_LOG_EVENTS": "all"}, "needs SOCKFAULT_LOG")):
    p = sftest.run(prog, env=env)
    expect(p.returncode != 0, f"{env}: exit {p.returncode}")
    expect(want in p.stderr and "SOCKFAULT_LOG_EVENTS" in p.stderr, f"{env}: {p.stderr!r}")
    expect(not os.path.exists(marker), f"{env}: the program ran")
p = sftest.run(prog, extra=["--log-events", "bogus", "--log", "/dev/null"])
expect(p.returncode != 0 and "expected faults or all" in p.stderr, f"--log-events bogus: {p.stderr!r}")
