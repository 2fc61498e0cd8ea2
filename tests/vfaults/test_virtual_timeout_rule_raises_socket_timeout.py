"""timeout on a virtual socket: with settimeout the receive raises
TimeoutError although data is waiting; the next receive gets the data."""
from vcase import *

r = run(r'''
srv, t = server(lambda c: (c.sendall(b"hello"), c.recv(1)))
c = socket.create_connection(("127.0.0.1", 8080))
c.settimeout(0.3)
try:
    c.recv(5)
    print("no timeout")
except TimeoutError:
    print("TimeoutError")
print(c.recv(5))
c.close()
''', "recv port=8080 nth=1 -> timeout\n")
expect_lines(r, ["TimeoutError", "b'hello'"])
