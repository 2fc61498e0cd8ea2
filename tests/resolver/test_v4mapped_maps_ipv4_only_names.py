"""AF_INET6 lookups of a virtual name with only IPv4 addresses: with
AI_V4MAPPED (and AI_ALL) the answer is the IPv4-mapped address, shaped
exactly as glibc shapes its own mapping of 127.0.0.1; without it the name
has no IPv6 address, which /etc/hosts-style lookups report as EAI_NONAME."""
import socket
from rcase import *

PROBE = r'''
import json, socket, sys
out = []
for flags in [socket.AI_V4MAPPED, socket.AI_V4MAPPED | socket.AI_ALL, 0]:
    try:
        out.append([[int(f), int(t), p, cn, list(sa)]
                    for f, t, p, cn, sa in socket.getaddrinfo(sys.argv[1], 443, socket.AF_INET6, 0, 0, flags)])
    except socket.gaierror as e:
        out.append(["gaierror", e.errno])
print(json.dumps(out))
'''
want = json_of(native(python(PROBE, "127.0.0.1")), "native mapping of 127.0.0.1")
got = json_of(run(python(PROBE, "v4only.test"), "host v4only.test 127.0.0.1\n"), "v4only.test")
expect_equal(got[:2], want[:2], "AI_V4MAPPED and AI_V4MAPPED|AI_ALL answers")
expect_equal(got[2], ["gaierror", socket.EAI_NONAME], "AF_INET6 without AI_V4MAPPED")
print("ok:", got[0][0])
