"""reset on a virtual socket: the client's recv gets ECONNRESET, its next
send EPIPE, and the server end sees the RST (ECONNRESET) as from a peer."""
from vcase import *

r = run(r'''
seen = []
ready = threading.Event()
def srv_side(c):
    ready.wait()
    try:
        c.recv(10)
        seen.append("server recv ok")
    except OSError as e:
        seen.append("server " + name(e))
srv, t = server(srv_side)
c = socket.create_connection(("127.0.0.1", 8080))
try:
    c.recv(10)
except OSError as e:
    print("client recv", name(e))
try:
    c.send(b"x")
except OSError as e:
    print("client send", name(e))
ready.set()
t.join()
print(seen[0])
''', "recv port=8080 -> reset\n")
expect_lines(r, ["client recv ConnectionResetError ECONNRESET", "client send BrokenPipeError EPIPE",
                 "server ConnectionResetError ECONNRESET"])
