"""A program that does not exist fails its case (exit status 127, the
reason in its stderr) without stopping the other cases."""
from clicase import *

path = make_suite("""
case relative-path
  run ./no-such-program --flag
case not-on-path
  run sockfault-no-such-program-anywhere
case fine
  run true
""")
r = suite(path, "--tap")
expect(r.returncode == 1, show(r))
expect(tap_results(r.stdout) == {"relative-path": False, "not-on-path": False, "fine": True}, show(r))
for name in ("relative-path", "not-on-path"):
    expect(f"FAIL {name}:\n  exit status 127, expected 0 (program not found?)\n" in r.stderr, show(r))
expect("./no-such-program: No such file or directory" in r.stderr, show(r))
print("ok")
