"""short + eintr on virtual sockets: every send moves 1..100 bytes and every
other receive is interrupted, yet sendall/recv loops deliver 256 KiB intact
(the fault engine sits in front of the virtual backend too)."""
from vcase import *

r = run(r'''
data = os.urandom(256 * 1024)
got = []
def echo(c):
    while True:
        d = c.recv(65536)
        if not d:
            break
        got.append(d)
srv, t = server(echo)
c = socket.create_connection(("127.0.0.1", 8080))
c.sendall(data)
c.close()
t.join()
print("intact", b"".join(got) == data)
''', "send port=8080 -> short 1..100\nrecv every=2 -> eintr\n")
expect_lines(r, ["intact True"])
