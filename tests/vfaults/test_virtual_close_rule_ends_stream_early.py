"""close on a virtual socket's second receive: the stream reads as ended
(b"") although the server sent more and is still connected."""
from vcase import *

r = run(r'''
done = threading.Event()
def srv_side(c):
    c.sendall(b"a" * 10)
    done.wait(5)
srv, t = server(srv_side)
c = socket.create_connection(("127.0.0.1", 8080))
print(len(c.recv(3)))
print(repr(c.recv(3)))
print(repr(c.recv(3)))
done.set()
''', "recv port=8080 nth=2 -> close\n")
expect_lines(r, ["3", "b''", "b''"])
