"""A listening socket passed over an AF_UNIX socket with SCM_RIGHTS (unix(7))
to a process that never had it arrives as a working socket there: that
process accepts on it and serves, even though the sender closed its own copy
right after sending (a passed file stays open while in flight).  Under
SOCKFAULT_NET=virtual the listener is virtual; natively the kernel's: the
same script passes both ways."""
import array
import os
import socket
import sys

a, b = socket.socketpair(socket.AF_UNIX)
pid = os.fork()  # before the listener exists: the child gets it only by SCM_RIGHTS
if pid == 0:
    signal_ok = False
    try:
        b.close()
        msg, anc, _, _ = a.recvmsg(16, socket.CMSG_LEN(4))
        fd = array.array("i", anc[0][2])[0]
        listener = socket.socket(fileno=fd)
        assert listener.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1
        conn, _ = listener.accept()
        conn.sendall(b"served by the receiver: " + msg)
        conn.close()
        listener.close()
        os._exit(0)
    except BaseException as e:  # report, never fall through into the parent's code
        print("child:", repr(e), file=sys.stderr)
        os._exit(1)
a.close()
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
port = listener.getsockname()[1]
b.sendmsg([b"hello"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [listener.fileno()]))])
listener.close()
c = socket.create_connection(("127.0.0.1", port), timeout=10)
c.settimeout(10)
got = b""
while True:
    d = c.recv(100)
    if not d:
        break
    got += d
_, status = os.waitpid(pid, 0)
if got != b"served by the receiver: hello" or status != 0:
    print("got", got, "child status", status)
    sys.exit(1)
print("ok")
