"""With `unknown-hosts EAI_AGAIN`, every name the table lacks fails with
EAI_AGAIN -- even one /etc/hosts knows -- and an address no entry lists
has no name (TRY_AGAIN from gethostbyaddr), while table names and numeric
addresses resolve.  glibc's checks on the
hints and the service still come first, with their own codes."""
import socket
from rcase import *

SCENARIO = "host web.test 127.0.0.1\nunknown-hosts EAI_AGAIN\n"
PROBE = r'''
import json, socket
def q(f, *a):
    try:
        r = f(*a)
        return "ok"
    except socket.gaierror as e:
        return ["gaierror", e.errno]
    except socket.herror as e:
        return ["herror", e.errno]
print(json.dumps([
    q(socket.getaddrinfo, "nowhere.test", 80),
    q(socket.getaddrinfo, "localhost", 80),
    q(socket.getaddrinfo, "web.test", 80),
    q(socket.getaddrinfo, "127.0.0.1", 80),
    q(socket.getaddrinfo, "::1", 80),
    q(socket.getaddrinfo, "nowhere.test", "nosuchservice"),
    q(socket.getaddrinfo, "nowhere.test", 80, 0, socket.SOCK_RAW, 0, 0),
    q(socket.getaddrinfo, "nowhere.test", 80, 0, 0, 0, socket.AI_NUMERICHOST),
    q(socket.gethostbyname_ex, "nowhere.test"),
    q(socket.gethostbyname, "nowhere.test"),
    q(socket.gethostbyaddr, "192.0.2.99"),
]))
'''
got = json_of(run(python(PROBE), SCENARIO), "probe")
expect_equal(got, [
    ["gaierror", socket.EAI_AGAIN],
    ["gaierror", socket.EAI_AGAIN],
    "ok", "ok", "ok",
    ["gaierror", socket.EAI_SERVICE],
    ["gaierror", socket.EAI_SERVICE],  # SOCK_RAW takes no service
    ["gaierror", socket.EAI_NONAME],
    ["gaierror", socket.EAI_AGAIN],  # CPython checks the name with getaddrinfo first
    ["gaierror", socket.EAI_AGAIN],
    ["herror", 2],  # TRY_AGAIN from gethostbyaddr_r
], "lookups")
print("ok:", got)
