"""The sample server's bugs are real without the shim: over loopback TCP a
long name crashes it (bug 1); a blob header split across two reads crashes
it (bug 2) -- the split made certain by waiting for the reply to the message
before it, so the server's read ends right after the 'B'."""
import socket
from fzcase import *


def serve():
    p = subprocess.Popen([SERVER, "0", "--once"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=clean_env())
    port = int(p.stdout.readline().split()[1])
    return p, socket.create_connection(("127.0.0.1", port))


p, s = serve()
s.sendall(b"N\x14" + b"A" * 20)
p.wait(timeout=60)
expect(p.returncode == -SIGABRT and b"bug 1:" in p.stderr.read(), f"bug 1: status {p.returncode}")

p, s = serve()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.sendall(b"E\x01xB")
got = b""
while len(got) < 3:
    got += s.recv(3 - len(got))
s.sendall(b"\x28" + b"B" * 40)
p.wait(timeout=60)
expect(p.returncode == -SIGABRT and b"bug 2:" in p.stderr.read(), f"bug 2: status {p.returncode}")
print("ok")
