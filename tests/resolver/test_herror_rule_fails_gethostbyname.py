"""An `herror` rule makes gethostbyname* fail with its h_errno: Python's
gethostbyname_ex (gethostbyname_r) raises socket.herror(2, 'Host name
lookup failure') for TRY_AGAIN, while getaddrinfo-based lookups of the same
name, which the rule does not name, resolve."""
from rcase import *

SCENARIO = "host legacy.test 127.0.0.1\ngethostbyname name=legacy.* -> herror TRY_AGAIN\n"
PROBE = r'''
import json, socket
out = []
try:
    out.append(socket.gethostbyname_ex("legacy.test"))
except socket.herror as e:
    out.append(["herror", e.errno, e.strerror])
out.append(socket.gethostbyname("legacy.test"))
print(json.dumps(out))
'''
got = json_of(run(python(PROBE), SCENARIO), "probe")
expect_equal(got, [["herror", 2, "Host name lookup failure"], "127.0.0.1"], "lookups")
print("ok:", got)
