"""A forked child that records nothing and then exits the usual way
(sys.exit: Python's finalisation, atexit, the library destructors) leaves
no FILE.<pid>; the parent's capture is whole."""
import os
from capcase import *
from servers import TcpEcho

PROG = r"""
import os, socket, sys
port = int(sys.argv[1])
a = socket.create_connection(("127.0.0.1", port))
a.sendall(b"P" * 500)
pid = os.fork()
if pid == 0:
    sys.exit(0)  # destructors run; nothing was recorded here
os.waitpid(pid, 0)
got = 0
while got < 500:
    got += len(a.recv(500))
a.close()
print(pid)
"""
srv = TcpEcho()
d = tmpdir()
pcap = os.path.join(d, "fork.pcap")
r = run([PY, "-c", PROG, str(srv.port)], pcap)
expect(r.returncode == 0, r.stderr)
files = sorted(os.listdir(d))
expect(files == ["fork.pcap"], f"capture files: {files}")
_, b0, _, b1 = follow(pcap, 0)
expect(b0 == b"P" * 500 and b1 == b"P" * 500, f"parent stream: {len(b0)} {len(b1)}")
expect_clean(pcap)
print("ok")
