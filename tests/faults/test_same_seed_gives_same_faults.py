"""Two runs with one seed inject the same faults at the same calls (logs
equal but for time, pid, tid, fd and ephemeral ports); another seed differs."""
import os, tempfile
from sfcase import *

sc = "seed 5\nsend prob=0.9 -> short 1..4096\nrecv prob=0.5 -> eintr\n"
def logged(seed):
    log = os.path.join(tempfile.mkdtemp(), "log")
    with Server("sink") as srv:
        r = run(peer("sendall", "127.0.0.1", srv.port, 2000000), scenario=sc, seed=seed, log=log)
    expect(r.returncode == 0, r.stderr)
    return [(e["rule"], e["line"], e["call"], e["count"], e["action"], e["result"])
            for e in log_events(log)]
a, b, c = logged(11), logged(11), logged(12)
expect(len(a) > 5, f"too few faults to compare: {len(a)}")
expect(a == b, "same seed, different faults")
expect(a != c, "different seeds, same faults")
print("ok", len(a))
