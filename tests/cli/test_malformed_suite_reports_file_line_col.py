"""A malformed suite, or a case naming a bad scenario, stops everything with
FILE:LINE:COL: message and exit status 2, before any case runs (the first
case of each suite would create a marker file)."""
import os
import re
from clicase import *

first = "case first\n  run touch ran\n"
bad = {
    # suite text after the first case: (line, column, message regex)
    "  bogus x\n": (3, 3, "unknown keyword 'bogus'"),
    "case second\n  exit 0\n": (3, 6, "has no command"),
    "case x\n  run echo 'abc\n": (4, 12, "unterminated ' quote"),
    "case x\n  run true\n  stdout ~ a(\n": (5, 12, "bad regular expression"),
    "case x\n  run true\n  stdout matches\n": (5, 10, "expected '~ REGEX'"),
    "case x\n  run true\n  exit 300\n": (5, 8, "bad exit status '300'"),
    "case first\n  run true\n": (3, 6, "duplicate case name 'first' \\(first on line 1\\)"),
    "case x\n  run true\n  sh true\n": (5, 3, "already has a command"),
    "case x\n  run true\n  timeout soon\n": (5, 11, "bad timeout 'soon'"),
    "case x\n  run true\n  seed -1\n": (5, 8, "bad seed"),
    "case x\n  run true\n  fires 1\n": (5, 9, "need a scenario"),
    "case x\n  run true\n  scenario missing.sf\n": (5, 12, "scenario 'missing.sf': No such file"),
    "case x\n  run true\n  scenario one.sf\n  fires 2\n": (6, 9, "no rule 2 in .*one.sf \\(it has 1 rule\\)"),
    "case x\n  run true\n  scenario one.sf\n  never line:1\n": (6, 9, "no rule on line 1 of"),
    "case x\n  run true\n  cwd nowhere\n": (5, 7, "cwd 'nowhere': No such file"),
    "case bad/name\n  run true\n": (3, 6, "bad case name"),
}
for text, (line, col, msg) in bad.items():
    path = make_suite(first + text, {"one.sf": "# one rule\nrecv -> eintr\n", "bad.sf": "recv -> explode\n"})
    r = suite(path)
    want = re.escape(path) + f":{line}:{col}: .*" + msg
    expect(r.returncode == 2, f"{text!r}: {show(r)}")
    expect(re.match(want, r.stderr), f"{text!r}: want /{want}/\n{show(r)}")
    expect(r.stdout == "", f"{text!r}: printed {r.stdout!r}")
    expect(not os.path.exists(os.path.join(os.path.dirname(path), "ran")), f"{text!r}: a case ran")

# A bad scenario: its own FILE:LINE:COL first, then where the suite names it.
path = make_suite(first + "case x\n  run true\n  scenario bad.sf\n", {"bad.sf": "recv -> explode\n"})
r = suite(path)
lines = r.stderr.splitlines()
expect(r.returncode == 2 and len(lines) == 2, show(r))
expect(re.match(r".*/bad\.sf:1:9: ", lines[0]), show(r))
expect(lines[1].startswith(f"{path}:5:12: note: the scenario of case 'x'"), show(r))
expect(not os.path.exists(os.path.join(os.path.dirname(path), "ran")), "a case ran")

# No cases at all, and a file that is not there.
r = suite(make_suite("# nothing\n"))
expect(r.returncode == 2 and re.search(r":1:1: no cases", r.stderr), show(r))
r = suite("/nonexistent/suite.sfs")
expect(r.returncode == 2 and r.stderr.startswith("/nonexistent/suite.sfs: No such file"), show(r))
print("ok")
