"""A child forked after its parent rewrote the environment block
(setproctitle, as a pre-fork server's master does before forking workers)
logs its faults to the --log file: the setting was copied before main, and
the copy is what the child inherits."""
import os
from sfcase import *

prog = os.path.join(PROGRAMS, "sf_setproctitle")
log = tmp_path("run.jsonl")
r = run([prog, "fork-connect", "9"], scenario="connect -> refuse\n", log=log)
out = ok(r, "sf_setproctitle fork-connect")
expect_equal(out, "environment rewritten\nconnect: ECONNREFUSED\n", "program output")
expect("SOCKFAULT_" not in r.stderr, f"the shim complained:\n{r.stderr}")
events = log_events(log)
expect_equal([(e["call"], e["action"]) for e in events], [("connect", "refuse")], "event log")
print("ok")
