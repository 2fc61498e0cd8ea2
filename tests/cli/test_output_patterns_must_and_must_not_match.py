"""`stdout ~ RE` must match, `stdout !~ RE` must not, and the same for
stderr; ^ and $ anchor at line ends; a failure names the pattern (and the
offending line)."""
from clicase import *

path = make_suite(r"""
case stdout-matches
  sh printf 'first\nsecond line\n'
  stdout ~ ^second line$
  stdout !~ ^line
case stdout-does-not-match
  run echo hello
  stdout ~ goodbye
case stdout-matches-but-must-not
  sh printf 'ok\nTraceback (most recent call last)\n'
  stdout !~ Traceback
case stderr-matches
  sh echo "warning: disk" >&2
  stderr ~ ^warning: .*$
  stdout !~ warning
case stderr-does-not-match
  sh echo oops >&2
  stderr ~ ^fine$
case stderr-matches-but-must-not
  sh echo "panic: now" >&2
  stderr !~ panic
""")
r = suite(path, "--tap")
expect(r.returncode == 1, show(r))
got = tap_results(r.stdout)
want = {"stdout-matches": True, "stdout-does-not-match": False, "stdout-matches-but-must-not": False,
        "stderr-matches": True, "stderr-does-not-match": False, "stderr-matches-but-must-not": False}
expect(got == want, f"{got}\n{show(r)}")
for msg in ("stdout does not match /goodbye/",
            "stdout matches /Traceback/ but must not: Traceback (most recent call last)",
            "stderr does not match /^fine$/",
            "stderr matches /panic/ but must not: panic: now"):
    expect(msg in r.stderr, f"missing {msg!r}\n{show(r)}")
print("ok")
