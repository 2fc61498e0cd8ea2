"""drop and duplicate on virtual UDP: of datagrams 1..4, the second is lost
and the third arrives twice, boundaries intact."""
from vcase import *

r = run(r'''
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(("127.0.0.1", 9000))
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(1, 5):
    tx.sendto(b"d%d" % i, ("127.0.0.1", 9000))
rx.settimeout(0.2)
got = []
try:
    while True:
        got.append(rx.recv(100).decode())
except TimeoutError:
    pass
print(" ".join(got))
''', "send proto=udp port=9000 nth=2 -> drop\nsend proto=udp port=9000 nth=3 -> duplicate\n")
expect_lines(r, ["d1 d3 d3 d4"])
