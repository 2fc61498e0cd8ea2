"""The program `sockfault run` starts is a shell script that runs helpers
opening no socket (ls, cat, a python3 that only prints) and then execs the
python3 that talks: one capture file, FILE, holding that connection.  Each
helper is a process of its own with the shim loaded, yet one that records
nothing must leave no header-only FILE.<pid> (README, Capture)."""
import os
from capcase import *
from servers import TcpEcho

TALK = r"""
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"x" * n)
got = 0
while got < n:
    got += len(s.recv(n))
s.close()
"""
srv = TcpEcho()
d = tmpdir()
pcap = os.path.join(d, "run.pcap")
prog = os.path.join(d, "talk.py")
with open(prog, "w") as f:
    f.write(TALK)
script = os.path.join(d, "wrapper.sh")
with open(script, "w") as f:
    # The shape of a version manager's shim (pyenv): helpers, then exec.
    f.write(f'ls / >/dev/null\ncat /dev/null\n"{PY}" -c "print(1)" >/dev/null\n'
            f'exec "{PY}" "{prog}" {srv.port} 100\n')
r = run(["sh", script], pcap)
expect(r.returncode == 0, r.stderr)
files = sorted(n for n in os.listdir(d) if n.startswith("run.pcap"))
expect(files == ["run.pcap"], f"capture files: {files}")
n0, b0, _, b1 = follow(pcap, 0)
expect(b0 == b"x" * 100 and b1 == b"x" * 100, f"the exec'd program's stream: {len(b0)} {len(b1)}")
expect_clean(pcap)
print("ok")
