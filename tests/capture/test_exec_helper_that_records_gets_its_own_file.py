"""A helper the run's program starts (not execs) that does open a
connection records it in its own FILE.<pid>, not in FILE."""
import os
from capcase import *
from servers import TcpEcho

TALK = r"""
import os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"h" * 300)
got = 0
while got < 300:
    got += len(s.recv(300))
s.close()
print(os.getpid())
"""
srv = TcpEcho()
d = tmpdir()
pcap = os.path.join(d, "run.pcap")
prog = os.path.join(d, "talk.py")
with open(prog, "w") as f:
    f.write(TALK)
r = run(["sh", "-c", f'ls / >/dev/null; "{PY}" "{prog}" {srv.port}'], pcap)
expect(r.returncode == 0, r.stderr)
helper = r.stdout.strip()
files = sorted(n for n in os.listdir(d) if n.startswith("run.pcap"))
expect(files == ["run.pcap", f"run.pcap.{helper}"], f"capture files: {files}")
own = f"{pcap}.{helper}"
_, b0, _, b1 = follow(own, 0)
expect(b0 == b"h" * 300 and b1 == b"h" * 300, f"the helper's stream: {len(b0)} {len(b1)}")
expect(not fields(pcap, "tcp", "frame.number"), "the helper's connection is in FILE")
expect_clean(own)
print("ok")
