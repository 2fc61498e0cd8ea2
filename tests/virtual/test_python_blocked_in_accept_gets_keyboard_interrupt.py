"""Python blocked in a virtual socket's accept and recv is interrupted by
signals as on the kernel: SIGINT raises KeyboardInterrupt, an alarm
handler's exception comes out of recv, and a handler that returns lets the
call go on (PEP 475 retries it after EINTR).  Runs under the shim with
SOCKFAULT_NET=virtual (ctest's ENVIRONMENT)."""
import os
import signal
import socket
import sys
import threading
import time


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


if os.environ.get("SOCKFAULT_NET") != "virtual":
    fail("run me with SOCKFAULT_NET=virtual under the shim")

ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen()
port = ls.getsockname()[1]

# 1. SIGINT: KeyboardInterrupt out of accept.
threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    ls.accept()
    fail("accept returned")
except KeyboardInterrupt:
    pass

# 2. An alarm handler's exception out of recv.
c = socket.create_connection(("127.0.0.1", port))
s, _ = ls.accept()


class Alarm(Exception):
    pass


def raise_alarm(*_):
    raise Alarm()


signal.signal(signal.SIGALRM, raise_alarm)
signal.setitimer(signal.ITIMER_REAL, 0.2)
try:
    s.recv(10)
    fail("recv returned")
except Alarm:
    pass

# 3. A handler that returns: recv goes on and gets the data sent later.
hits = []
signal.signal(signal.SIGALRM, lambda *_: hits.append(1))
signal.setitimer(signal.ITIMER_REAL, 0.1)
threading.Timer(0.4, c.sendall, (b"late",)).start()
data = s.recv(10)
if data != b"late" or hits != [1]:
    fail(f"recv after a returning handler: {data!r}, handler ran {len(hits)} times")
print("ok")
