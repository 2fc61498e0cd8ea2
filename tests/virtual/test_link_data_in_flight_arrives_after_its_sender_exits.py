"""Over a `link * latency 200ms` line, a process that connects, sends and
exits at once (no close: _exit) leaves its bytes and its FIN in flight; the
receiver, another process on the run's network, still reads every byte and
then EOF -- what is in flight is the network's, not the sender's."""
import os
import socket
import sys
import time

l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen()
port = l.getsockname()[1]
pid = os.fork()
if pid == 0:
    l.close()
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(b"x" * 100000)
    os._exit(0)
c, _ = l.accept()
c.settimeout(10)
got = 0
t0 = time.monotonic()
while True:
    d = c.recv(65536)
    if not d:
        break
    got += len(d)
_, status = os.waitpid(pid, 0)
if got != 100000 or status != 0:
    print("got", got, "status", status)
    sys.exit(1)
print("ok: %d bytes and EOF %.0f ms after accept" % (got, (time.monotonic() - t0) * 1000))
