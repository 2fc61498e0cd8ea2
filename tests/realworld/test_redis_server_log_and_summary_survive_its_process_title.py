"""The issue-16 report: redis-server rewrites its environment block to set
its process title; the event log and the summary (written at its exit,
after SIGTERM's clean shutdown) still land in the files named."""
from rwcase import *

cli = need("redis-cli")
log, summary = tmp_path("run.jsonl"), tmp_path("sum.txt")
srv, port = redis_server("recv every=2 -> short 1..5\n", log=log, summary=summary)
with srv:
    r = run_bytes([cli, "-p", str(port), "set", "k", "hello world"])
    expect(r.stdout == b"OK\n", describe(r))
    r = run_bytes([cli, "-p", str(port), "get", "k"])
    expect(r.stdout == b"hello world\n", describe(r))
    status = srv.stop()
expect_equal(status, 0, "redis-server's exit status after SIGTERM")
expect("SOCKFAULT" not in srv.stderr_text(), srv.stderr_text())
events = log_events(log)
expect(events and all(e["call"] in ("recv", "read") and e["action"] == "short" for e in events), f"log: {events}")
with open(summary) as f:
    text = f.read()
expect(f"rule 1 (line 1) short: fired {len(events)} of" in text, f"summary:\n{text}")
print("ok")
