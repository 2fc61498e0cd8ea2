"""The README's first command -- the bundled example a new user runs first --
works and warns about nothing: the program's data arrives intact and every
rule of the scenario fires (no "never fired" warning in the summary).  The
scenario and the program are read from the README's command itself."""
import os
import re
import subprocess
from clicase import *

readme = open(os.path.join(SRC, "README.md"), encoding="utf-8").read()
m = re.search(r"sockfault run -s (\S+) -- (\S+) (\S+)\n", readme)
expect(m, "README: no `sockfault run -s SCENARIO -- PROGRAM ARG` in the first commands")
scenario, program, arg = m.groups()
r = subprocess.run([CLI, "run", "-s", os.path.join(SRC, scenario), "--", program, os.path.join(SRC, arg)],
                   capture_output=True, text=True, timeout=300, env=clean_env(), cwd=SRC)
expect(r.returncode == 0 and r.stdout.strip() == "1048576 bytes intact", show(r))
expect("summary for pid" in r.stderr, f"no summary on stderr:\n{r.stderr}")
warnings = [l for l in r.stderr.splitlines() if "warning" in l]
expect(not warnings, f"the first command warns:\n" + "\n".join(warnings))
print("ok")
