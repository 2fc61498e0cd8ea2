"""refuse on a virtual connect: ConnectionRefusedError although a listener
is there, blocking and with a timeout (non-blocking connect, poll, SO_ERROR);
the third connect is not matched and gets through."""
from vcase import *

r = run(r'''
srv, t = server(lambda c: c.recv(1))
for timeout in (None, 2.0):
    try:
        socket.create_connection(("127.0.0.1", 8080), timeout=timeout)
        print("connected")
    except OSError as e:
        print(name(e))
c = socket.create_connection(("127.0.0.1", 8080))
print("third connected", c.getpeername()[1])
c.close()
''', "connect port=8080 first=2 -> refuse\n")
expect_lines(r, ["ConnectionRefusedError ECONNREFUSED", "ConnectionRefusedError ECONNREFUSED",
                 "third connected 8080"])
