"""The exit summary says how often each rule fired and warns about rules
that never fired; --summary sends it to a file."""
import os, tempfile
from sfcase import *

sc = "# header\nrecv nth=1 -> eintr\nconnect peer=192.0.2.1 -> refuse\n"
with Server("source:100") as srv:
    r = run(peer("recvall", "127.0.0.1", srv.port), scenario=sc)
    path = os.path.join(tempfile.mkdtemp(), "summary")
    r2 = run(peer("recvall", "127.0.0.1", srv.port), scenario=sc, env={"SOCKFAULT_SUMMARY": path})
expect(r.returncode == 0, r.stderr)
expect("rule 1 (line 2) eintr: fired 1 of" in r.stderr, r.stderr)
expect("warning: rule 2 (line 3) refuse never fired" in r.stderr, r.stderr)
expect("sockfault" not in r2.stderr, r2.stderr)
with open(path) as f:
    expect("rule 1 (line 2)" in f.read(), "summary file")
print("ok")
