"""A virtual name with an IPv4 and an IPv6 address is ordered as glibc
orders addresses (RFC 3484 with its default tables), not as listed: with
`host dual.test 127.0.0.1 ::1` the answer is the one glibc itself gives for
its own two loopback addresses (getaddrinfo(None, port)), whatever this
machine's IPv6 setup makes of them."""
import socket
from rcase import *

PROBE = r'''
import json, socket, sys
name = None if sys.argv[1] == "-" else sys.argv[1]
print(json.dumps([[int(f), int(t), p, list(sa)] for f, t, p, cn, sa in socket.getaddrinfo(name, 8080)]))
'''
want = json_of(native(python(PROBE, "-")), "native getaddrinfo(None, 8080)")
expect(sorted({e[3][0] for e in want}) == ["127.0.0.1", "::1"],
       f"glibc's loopback answer is not ::1 and 127.0.0.1 here: {want}")
got = json_of(run(python(PROBE, "dual.test"), "host dual.test 127.0.0.1 ::1\n"),
              "getaddrinfo('dual.test')")
expect_equal(got, want, "dual.test ordered like glibc's own loopback answer")
print("ok: order", [e[3][0] for e in got[::3]])
