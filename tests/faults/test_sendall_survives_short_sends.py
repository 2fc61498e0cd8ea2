"""Short sends really send a prefix and return its length: Python's sendall
loops and 50 MB arrive intact (SHA-256 compared at the server)."""
import os, tempfile
from sfcase import *

N = 50 * 1024 * 1024
log = os.path.join(tempfile.mkdtemp(), "log")
with Server("sink") as srv:
    r = run(peer("sendall", "127.0.0.1", srv.port, N), log=log,
            scenario="seed 7\nsend prob=0.9 -> short 1..65536\n")
expect(r.returncode == 0, f"client failed: {r.stdout} {r.stderr}")
words = r.stdout.split()
expect(words[0] == "local" and words[3] == "server", r.stdout)
expect(words[1] == words[4] and words[2] == words[5] == str(N),
       f"data changed in transit: {r.stdout}")
events = log_events(log)
expect(len(events) > 10, f"expected many short sends, log has {len(events)}")
expect(all(e["action"] == "short" and 1 <= e["result"] <= 65536 for e in events),
       "a short send returned more than it was allowed to")
print("ok", len(events), "short sends")
