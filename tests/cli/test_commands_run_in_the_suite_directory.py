"""Commands run in the suite file's directory, wherever the suite is run
from; `cwd` (relative to the suite file) changes that, suite-wide or per
case; scenario paths stay relative to the suite file."""
import os
import subprocess
from clicase import *

path = make_suite("""
case default
  run pwd
case own-cwd
  cwd sub
  run pwd
  scenario sc/one.sf
""", {"sub/x": "", "sc/one.sf": "recv -> eintr\n"})
d = os.path.realpath(os.path.dirname(path))
elsewhere = scratch()
r = subprocess.run([CLI, "suite", path, "--artifacts", "art"], capture_output=True, text=True, cwd=elsewhere,
                   env=clean_env())
expect(r.returncode == 0, show(r))
for case, want in (("default", d), ("own-cwd", os.path.join(d, "sub"))):
    # --artifacts is relative to where the suite runs, not to the suite file.
    with open(os.path.join(elsewhere, "art", case, "stdout")) as f:
        got = f.read().strip()
    expect(got == want, f"{case}: ran in {got}, want {want}")

# A suite-wide cwd, before the first case.
path = make_suite("cwd sub\ncase a\n  run pwd\n  stdout ~ /sub$\n", {"sub/x": ""})
r = suite(path)
expect(r.returncode == 0, show(r))
print("ok")
