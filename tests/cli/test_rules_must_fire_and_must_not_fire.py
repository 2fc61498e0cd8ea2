"""`fires` and `never` are checked against the case's event log: by rule
number (N, rule:N) or by the line the rule is on (line:N)."""
from clicase import *

scenario = """# refuse the local server; the second rule can never match
connect peer=127.0.0.1 -> refuse

connect peer=192.0.2.1 -> refuse
"""
cmd = f"run {PY} {FAULTDEMO} refuse"
path = make_suite(f"""
case fires-and-never-hold
  scenario refuse.sf
  {cmd}
  exit 3
  fires 1 line:2
  never rule:2 line:4
case must-fire-but-did-not
  scenario refuse.sf
  {cmd}
  exit 3
  fires line:4
case must-not-fire-but-did
  scenario refuse.sf
  {cmd}
  exit 3
  never 1
""", {"refuse.sf": scenario})
r = suite(path, "--tap")
expect(r.returncode == 1, show(r))
got = tap_results(r.stdout)
expect(got == {"fires-and-never-hold": True, "must-fire-but-did-not": False, "must-not-fire-but-did": False},
       f"{got}\n{show(r)}")
expect("the rule on line 4 never fired, but must" in r.stderr, show(r))
expect("rule 1 fired 1 time, but must never" in r.stderr, show(r))
print("ok")
