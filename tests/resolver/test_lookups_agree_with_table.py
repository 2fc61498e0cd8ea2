"""socket.gethostbyname, gethostbyname_ex, gethostbyaddr and getnameinfo
agree with the host table, forward and reverse.  A glob entry answers
forward lookups but is never a reverse answer; with unknown-hosts set, an
address no entry lists has no name."""
import socket
from rcase import *

SCENARIO = """
host web.test 127.0.0.1
host *.glob.test 192.0.2.50
host v6.test 2001:db8::7 192.0.2.8
unknown-hosts EAI_NONAME
"""
PROBE = r'''
import json, socket
def q(f, *a):
    try:
        r = f(*a)
        return list(r) if isinstance(r, tuple) else r
    except socket.gaierror as e:
        return ["gaierror", e.errno]
    except socket.herror as e:
        return ["herror", e.errno]
NI = socket.NI_NAMEREQD
print(json.dumps([
    q(socket.gethostbyname, "web.test"),
    q(socket.gethostbyname_ex, "WEB.test"),
    q(socket.gethostbyaddr, "127.0.0.1"),
    q(socket.getnameinfo, ("127.0.0.1", 80), 0),
    q(socket.getnameinfo, ("127.0.0.1", 80), NI),
    q(socket.getnameinfo, ("127.0.0.1", 80), socket.NI_NUMERICHOST),
    q(socket.gethostbyname_ex, "a.glob.test"),
    q(socket.gethostbyaddr, "192.0.2.50"),
    q(socket.getnameinfo, ("192.0.2.50", 80), 0),
    q(socket.getnameinfo, ("192.0.2.50", 80), NI),
    q(socket.gethostbyname_ex, "v6.test"),
    q(socket.gethostbyaddr, "2001:db8::7"),
    q(socket.getnameinfo, ("2001:db8::7", 443, 0, 0), socket.NI_NUMERICSERV),
    q(socket.gethostbyname_ex, "nowhere.test"),
]))
'''
got = json_of(run(python(PROBE), SCENARIO), "probe")
want = [
    "127.0.0.1",
    ["WEB.test", [], ["127.0.0.1"]],
    ["web.test", [], ["127.0.0.1"]],
    ["web.test", "http"],
    ["web.test", "http"],
    ["127.0.0.1", "http"],
    ["a.glob.test", [], ["192.0.2.50"]],
    ["herror", 1],  # HOST_NOT_FOUND
    ["192.0.2.50", "http"],
    ["gaierror", socket.EAI_NONAME],
    ["v6.test", [], ["192.0.2.8"]],
    ["v6.test", [], ["2001:db8::7"]],
    ["v6.test", "443"],
    ["gaierror", socket.EAI_NONAME],  # CPython asks getaddrinfo first
]
for i, (g, w) in enumerate(zip(got, want)):
    expect_equal(g, w, f"lookup {i}")
expect_equal(len(got), len(want), "number of lookups")
print("ok:", got)
