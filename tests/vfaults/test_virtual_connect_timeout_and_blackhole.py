"""timeout and blackhole on a virtual connect: with settimeout the connect
raises TimeoutError although a listener is there (the SYN "never
arrives"); a blackholed socket's sends are swallowed and its receives time
out; an unmatched connect afterwards gets through."""
from vcase import *

r = run(r'''
srv, t = server(lambda c: c.recv(1))
c = socket.socket()
c.settimeout(0.3)
try:
    c.connect(("127.0.0.1", 8080))
    print("connected")
except TimeoutError:
    print("connect TimeoutError")
d = socket.create_connection(("127.0.0.1", 8080), timeout=0.3)
d.sendall(b"swallowed")
try:
    d.recv(1)
    print("recv returned")
except TimeoutError:
    print("recv TimeoutError")
print("third", socket.create_connection(("127.0.0.1", 8080)).getpeername()[1])
''', "connect port=8080 nth=1 -> timeout\nrecv port=8080 first=1 -> blackhole\n")
expect_lines(r, ["connect TimeoutError", "recv TimeoutError", "third 8080"])
