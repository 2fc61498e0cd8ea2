"""An `eai` rule reaches Python as socket.gaierror with the scheduled code
and glibc's message for it; EAI_SYSTEM raises the OSError of its errno.
Names the rule does not match resolve as usual."""
import socket
from rcase import *

SCENARIO = """
getaddrinfo name=*.example.test -> eai EAI_AGAIN
getaddrinfo name=gone.example.org -> eai EAI_NONAME
getaddrinfo name=down.example.org -> eai EAI_SYSTEM errno=ECONNREFUSED
"""
PROBE = r'''
import json, socket
out = {}
for name in ["api.example.test", "gone.example.org", "down.example.org", "localhost"]:
    try:
        socket.getaddrinfo(name, 443)
        out[name] = "resolved"
    except socket.gaierror as e:
        out[name] = ["gaierror", e.errno, e.strerror]
    except OSError as e:
        out[name] = [type(e).__name__, e.errno]
print(json.dumps(out))
'''
got = json_of(run(python(PROBE), SCENARIO), "probe")
expect_equal(got["api.example.test"],
             ["gaierror", socket.EAI_AGAIN, "Temporary failure in name resolution"], "EAI_AGAIN")
expect_equal(got["gone.example.org"], ["gaierror", socket.EAI_NONAME, "Name or service not known"],
             "EAI_NONAME")
expect_equal(got["down.example.org"], ["ConnectionRefusedError", 111], "EAI_SYSTEM errno=ECONNREFUSED")
expect_equal(got["localhost"], "resolved", "a name no rule matches")
print("ok:", got)
