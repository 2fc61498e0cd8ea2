"""A scenario `host` line gives the virtual machine an address: a server
binds 10.20.30.40:80 and 2001:db8::7 port 80 (no interface, no root), a
client reaches each by the host's name, and the server sees the client
coming from that address."""
from vcase import *

r = run(r'''
for fam, ip in ((socket.AF_INET, "10.20.30.40"), (socket.AF_INET6, "2001:db8::7")):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.bind((ip, 80))
    s.listen()
    (f, _, _, _, addr), = socket.getaddrinfo("web.test", 80, fam, socket.SOCK_STREAM)
    c = socket.create_connection(addr[:2])
    a, peer = s.accept()
    print(fam.name, a.getsockname()[:2], peer[0])
    c.close(); a.close(); s.close()
''', "host web.test 10.20.30.40 2001:db8::7\n")
expect_lines(r, ["AF_INET ('10.20.30.40', 80) 10.20.30.40", "AF_INET6 ('2001:db8::7', 80) 2001:db8::7"])
