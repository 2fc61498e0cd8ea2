"""Without a scenario, and with one that has no host entry, no
unknown-hosts and no resolver rule, every resolver call is libc's own:
resolver_probe.py's answers are identical to native ones, and so is what a
C program sees, errno and h_errno included (resolve_client dump)."""
import os
from rcase import *

PROBE = [PY, os.path.join(os.path.dirname(os.path.abspath(__file__)), "resolver_probe.py")]
DUMP = [CLIENT, "dump", "localhost", "LocalHost", "127.0.0.1", "::1"]
want = json_of(native(PROBE), "native probe")
want_dump = ok(native(DUMP), "native resolve_client dump")
for scenario in [None, "connect port=9 -> refuse\n"]:
    what = "no scenario" if scenario is None else "`%s`" % scenario.strip()
    got = json_of(run(PROBE, scenario), "probe under " + what)
    diff = [k for k in want if got.get(k) != want[k]]
    expect(not diff and len(got) == len(want),
           "%s: %d answers differ, e.g.\n%s" % (
               what, len(diff), "\n".join("  %s: got %r, native %r" % (k, got.get(k), want[k])
                                          for k in diff[:10])))
    expect_equal(ok(run(DUMP, scenario), "resolve_client dump under " + what), want_dump,
                 "resolve_client dump under " + what)
print("ok: %d Python answers and %d C lines identical to native" % (len(want), len(want_dump.splitlines())))
