"""--tap: stdout is TAP version 13 and nothing else (progress goes to
stderr): the plan, one ok/not ok line per case in file order, a YAML block
with the reasons and the replay command for each failure."""
import re
from clicase import *

path = make_suite("""
case first
  sh sleep 0.3
case second-fails
  sh echo boom; exit 2
case third
  run true
""")
r = suite(path, "--tap", "-j", "3")
expect(r.returncode == 1, show(r))
lines = r.stdout.splitlines()
expect(lines[:2] == ["TAP version 13", "1..3"], show(r))
results = [l for l in lines if re.match(r"(not )?ok ", l)]
expect(results == ["ok 1 - first", "not ok 2 - second-fails", "ok 3 - third"], results)
# The YAML block follows its line, indented, between --- and ...
i = lines.index("not ok 2 - second-fails")
expect(lines[i + 1] == "  ---", lines[i + 1])
end = lines.index("  ...", i)
block = lines[i + 2:end]
expect("  message: |" in block and "    exit status 2, expected 0" in block, block)
expect(any(l.startswith("  replay: 'cd ") for l in block), block)
expect(all(l.startswith("  ") for l in block), block)
expect(not any(l.startswith(("[", "FAIL")) for l in lines), "progress on stdout")
expect("FAIL second-fails" in r.stderr, show(r))
print("ok")
