"""`exit N` (default 0) and `exit any`: a case passes only with the status
it expects, a signal death always fails, and the suite's own status is 1
when any case failed."""
from clicase import *

path = make_suite("""
case zero-by-default
  run true
case three-as-expected
  sh exit 3
  exit 3
case three-but-zero-expected
  sh exit 3
case any-status
  sh exit 7
  exit any
case killed-by-a-signal
  sh kill -KILL $$
  exit any
""")
r = suite(path, "--tap")
expect(r.returncode == 1, show(r))
got = tap_results(r.stdout)
expect(got == {"zero-by-default": True, "three-as-expected": True, "three-but-zero-expected": False,
               "any-status": True, "killed-by-a-signal": False}, f"{got}\n{show(r)}")
expect("exit status 3, expected 0" in r.stderr, show(r))
expect("killed by signal 9" in r.stderr, show(r))

ok = make_suite("case a\n  run true\ncase b\n  sh exit 4\n  exit 4\n")
r = suite(ok)
expect(r.returncode == 0, show(r))
expect("2 cases: 2 passed" in r.stdout, show(r))
print("ok")
