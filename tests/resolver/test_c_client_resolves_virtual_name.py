"""A C client resolves a virtual name with getaddrinfo and with
gethostbyname_r and connects both ways (resolve_client connect), under
`sockfault run`."""
from rcase import *

out = ok(run([CLIENT, "connect", "web.test"], "host web.test 127.0.0.1\n"), "resolve_client")
lines = out.splitlines()
expect(len(lines) == 2 and lines[0].startswith("getaddrinfo web.test -> 127.0.0.1 port ")
       and lines[0].endswith(": hello")
       and lines[1].startswith("gethostbyname_r web.test -> 127.0.0.1 (h_name web.test) port "),
       "unexpected output:\n" + out)
print(out, end="")
