"""A program waiting edge-triggered (EPOLLET) that, as nginx does, reads or
writes until a call comes back short or EAGAIN and then waits for the next
edge -- which a kernel does only with its buffer empty or full,
so an edge follows -- gets that edge after the shim's injected short or
EAGAIN too: every byte moves, nothing waits forever for a ready socket."""
from sfcase import *

PROG = r"""
import select, socket, sys, threading
mode = sys.argv[1]
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
c.setblocking(False)
N = 100000
ep = select.epoll()
if mode == "read":
    a.sendall(b"r" * 3000)  # all there before the first edge
    ep.register(c.fileno(), select.EPOLLIN | select.EPOLLET)
    got = 0
    while got < 3000:
        if not ep.poll(10):  # a lost edge: the data sits there unread
            sys.exit(f"no edge with {got} of 3000 bytes read")
        while got < 3000:  # until short (drained) or EAGAIN
            try:
                n = len(c.recv(100))
            except BlockingIOError:
                break
            except ConnectionResetError:
                print(f"reset after {got}")
                sys.exit(0)
            got += n
            if n < 100:
                break
else:
    got = []
    t = threading.Thread(target=lambda: got.append(len(a.recv(N, socket.MSG_WAITALL))))
    t.start()
    ep.register(c.fileno(), select.EPOLLOUT | select.EPOLLET)
    sent = 0
    while sent < N:
        if not ep.poll(10):
            sys.exit(f"no edge with {sent} of {N} bytes sent")
        while sent < N:  # until short (full) or EAGAIN
            want = min(N - sent, 4096)
            try:
                n = c.send(b"w" * want)
            except BlockingIOError:
                break
            sent += n
            if n < want:
                break
    t.join()
    assert got == [N], got
print("done")
"""
for mode, sc in (("read", "recv -> short 1..100\n"), ("read", "recv every=2 -> eagain\n"),
                 ("write", "send -> short 1..1000\n"), ("write", "send every=2 -> eagain\n")):
    log = tmp_path(f"{mode}.{len(sc)}.log")
    r = run(python(PROG, mode), scenario=sc, log=log)
    expect(r.returncode == 0 and r.stdout == "done\n", f"{mode} under {sc!r}: {r.stdout} {r.stderr}")
    expect(len(log_events(log)) > 2, f"{mode} under {sc!r}: the rule hardly fired")
# A byte threshold cuts the read that crosses it short too (1000 bytes, then
# 50 of the next 100): the edge after it lets the reader reach the reset.
r = run(python(PROG, "read"), scenario="recv bytes=1050.. -> reset\n")
expect_equal(r.stdout, "reset after 1050\n", f"reader under a reset at 1050 bytes ({r.stderr})")
print("ok")
