"""Names the table does not own -- localhost from /etc/hosts, numeric
addresses, no name -- resolve exactly as natively, for every hints
combination in resolver_probe.py (and for a C program, errno and h_errno
included: resolve_client dump), when the scenario has a host entry for
an unrelated name (the resolver paths are engaged) and also a resolver rule
that never fires (the fault paths are engaged too)."""
import os
from rcase import *

PROBE = [PY, os.path.join(os.path.dirname(os.path.abspath(__file__)), "resolver_probe.py")]
DUMP = [CLIENT, "dump", "localhost", "LocalHost", "127.0.0.1", "::1"]
want = json_of(native(PROBE), "native probe")
want_dump = ok(native(DUMP), "native resolve_client dump")
for scenario in ["host unrelated.test 10.9.8.7 2001:db8::9\n",
                 "host unrelated.test 10.9.8.7\nresolve nth=4000000000 -> delay 1s\n"]:
    got = json_of(run(PROBE, scenario), "probe under " + scenario)
    diff = [k for k in want if got.get(k) != want[k]]
    expect(not diff and len(got) == len(want),
           "under `%s`: %d of %d answers differ, e.g.\n%s" % (
               scenario.strip(), len(diff), len(want),
               "\n".join("  %s: got %r, native %r" % (k, got.get(k), want[k]) for k in diff[:10])))
    expect_equal(ok(run(DUMP, scenario), "resolve_client dump under " + scenario), want_dump,
                 "resolve_client dump under `%s`" % scenario.strip())
print("ok: %d Python answers and %d C lines identical to native" % (len(want), len(want_dump.splitlines())))
