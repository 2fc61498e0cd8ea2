"""A socket inherited across exec (no O_CLOEXEC) keeps working in the new
image, whether the process that handed it over keeps its own copy
(subprocess with pass_fds) or closed it, leaving the exec'd program the only
holder (an inetd-style hand-over); a socket created close-on-exec is closed
by the exec (its peer reads EOF once the other holder closes too).  Run
natively and under SOCKFAULT_NET=virtual: the same script passes both
ways."""
import os
import socket
import subprocess
import sys

CHILD = r"""
import socket, sys
s = socket.socket(fileno=int(sys.argv[1]))
got = s.recv(100)
s.sendall(b"child got " + got)
s.close()
"""


def pair():
    l = socket.socket()
    l.bind(("127.0.0.1", 0))
    l.listen()
    c = socket.create_connection(l.getsockname(), timeout=10)
    s, _ = l.accept()
    l.close()
    c.settimeout(10)
    return c, s


def read_all(c):
    out = b""
    while True:
        d = c.recv(100)
        if not d:
            return out
        out += d


# 1. The parent keeps its copy while the exec'd child uses the socket.
c, s = pair()
p = subprocess.Popen([sys.executable, "-c", CHILD, str(s.fileno())], pass_fds=[s.fileno()])
c.sendall(b"one")
first = c.recv(100)
p.wait(timeout=20)
s.close()
assert first == b"child got one", first
assert read_all(c) == b"", "EOF once both holders closed"
c.close()

# 2. The hand-over: the forked child execs with the socket, the parent closes
# its copy at once; the exec'd image is the only holder.
c, s = pair()
fd = s.fileno()
os.set_inheritable(fd, True)
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-c", CHILD, str(fd)])
s.close()
c.sendall(b"two")
second = read_all(c)
_, status = os.waitpid(pid, 0)
assert second == b"child got two", second
assert status == 0, status
c.close()

# 3. Close-on-exec: the exec'd image does not have it, and the socket closes
# with its last holder.
c, s = pair()
assert not os.get_inheritable(s.fileno())
p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.2)"], close_fds=False)
s.close()
assert read_all(c) == b"", "the exec'd image held no copy"
p.wait(timeout=20)
c.close()
print("ok")
