"""getaddrinfo on a virtual name answers with the shape glibc gives for a
real one: under `host api.example.test ADDRS`, where ADDRS are localhost's
addresses (listed in reverse, so glibc's ordering must be redone), every
hints combination of resolver_probe.py -- families, socket types,
protocols, flags, numeric and named and unknown services -- gives exactly
what glibc gives natively for 'localhost': one tuple per socket type and
protocol, the same ports, the same order, the same errors; so do
gethostbyname and gethostbyname_ex.  Only the name differs: the virtual
name is its own canonical name, and has no aliases."""
import json
import os
import socket
from rcase import *

PROBE = [PY, os.path.join(os.path.dirname(os.path.abspath(__file__)), "resolver_probe.py")]
addrs = []
for entry in socket.getaddrinfo("localhost", None, 0, socket.SOCK_STREAM):
    if entry[4][0] not in addrs:
        addrs.append(entry[4][0])
scenario = "host api.example.test %s\n" % " ".join(reversed(addrs))


def normalised(answers, name):
    text = json.dumps(answers, sort_keys=True).replace("'%s'" % name, "'NAME'").replace(
        '"%s"' % name, '"NAME"')
    out = json.loads(text)
    for k, v in out.items():
        if k.startswith("gethostbyname_ex") and isinstance(v, list) and len(v) == 3:
            v[1] = []  # aliases: /etc/hosts may list some, the table has none
    return out


want = normalised(json_of(native(PROBE + ["localhost"]), "native probe of localhost"), "localhost")
got = normalised(json_of(run(PROBE + ["api.example.test"], scenario), "probe of api.example.test"),
                 "api.example.test")
diff = [k for k in want if got.get(k) != want[k]]
expect(not diff and len(got) == len(want),
       "under `%s`: %d of %d answers differ from localhost's, e.g.\n%s" % (
           scenario.strip(), len(diff), len(want),
           "\n".join("  %s: got %r, glibc %r" % (k, got.get(k), want[k]) for k in diff[:10])))
print("ok: %d answers for api.example.test are glibc's for localhost (%s)" % (len(want), ", ".join(addrs)))
