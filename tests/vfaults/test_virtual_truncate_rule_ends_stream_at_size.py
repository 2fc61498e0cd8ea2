"""truncate 1000 on a virtual stream: the server receives exactly 1000 of
the 5000 bytes and then end of stream; the client's further sends fail
with EPIPE."""
from vcase import *

r = run(r'''
n = []
def srv_side(c):
    total = 0
    while True:
        d = c.recv(65536)
        if not d:
            break
        total += len(d)
    n.append(total)
srv, t = server(srv_side)
c = socket.create_connection(("127.0.0.1", 8080))
try:
    c.sendall(b"x" * 5000)
    print("sent all")
except OSError as e:
    print(name(e))
t.join(5)
print("server got", n[0])
''', "send port=8080 -> truncate 1000\n")
expect_lines(r, ["BrokenPipeError EPIPE", "server got 1000"])
