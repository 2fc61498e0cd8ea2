"""A program that rewrites its environment block to set its process title
(redis-server, nginx, PostgreSQL: the strings environ pointed at are
overwritten, environ points at a copy) still gets its event log and its
summary in the files --log and --summary named: the shim copied every
SOCKFAULT_* value before main."""
import os
from sfcase import *

prog = os.path.join(PROGRAMS, "sf_setproctitle")
log, summary = tmp_path("run.jsonl"), tmp_path("sum.txt")
r = run([prog, "connect", "9"], scenario="connect -> refuse\n",
        extra=["--summary", summary], log=log)
out = ok(r, "sf_setproctitle connect")
expect_equal(out, "environment rewritten\nconnect: ECONNREFUSED\n", "program output")
expect("sockfault" not in r.stderr, f"the shim complained:\n{r.stderr}")
events = log_events(log)
expect_equal([(e["call"], e["action"], e["errno"]) for e in events],
             [("connect", "refuse", "ECONNREFUSED")], "event log")
expect(os.path.exists(summary), "no summary file")
with open(summary) as f:
    text = f.read()
expect("rule 1 (line 1) refuse: fired 1 of 1 matching calls" in text, f"summary:\n{text}")
print("ok")
