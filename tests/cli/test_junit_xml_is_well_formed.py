"""--junit FILE: XML that a parser accepts, whatever the programs printed
(markup characters, control bytes, invalid UTF-8), with one testcase per
case (classname, time), failures with a message, and the output."""
import os
import xml.etree.ElementTree as ET
from clicase import *

path = make_suite(r"""
case passes
  sh echo '<ok> & "fine"'
  stdout ~ fine
case fails-with-nasty-output
  sh printf 'a <b> & c ]]> "q" \047s\n\001\033[31m red \377\376 end\n'; echo 'to stderr </system-err>' >&2; exit 1
case times-out
  timeout 0.5s
  sh echo started; sleep 30
""")
report = os.path.join(os.path.dirname(path), "report.xml")
r = suite(path, "--junit", report)
expect(r.returncode == 1, show(r))
root = ET.parse(report).getroot()
expect(root.tag == "testsuites", root.tag)
suites = root.findall("testsuite")
expect(len(suites) == 1, f"{len(suites)} testsuite elements")
ts = suites[0]
for el in (root, ts):
    expect(el.get("tests") == "3" and el.get("failures") == "2" and el.get("errors") == "0",
           f"{el.tag} counts: {el.attrib}")
    float(el.get("time"))
expect(ts.get("name") == "suite" and ts.get("timestamp"), ts.attrib)
cases = {tc.get("name"): tc for tc in ts.findall("testcase")}
expect(list(cases) == ["passes", "fails-with-nasty-output", "times-out"], list(cases))
for name, tc in cases.items():
    expect(tc.get("classname") == "suite", f"{name}: classname {tc.get('classname')!r}")
    expect(float(tc.get("time")) >= 0, f"{name}: time {tc.get('time')!r}")

expect(cases["passes"].find("failure") is None, "passing case has a failure")
expect(cases["passes"].find("system-out").text == '<ok> & "fine"\n', cases["passes"].find("system-out").text)

nasty = cases["fails-with-nasty-output"]
f = nasty.find("failure")
expect(f is not None and f.get("message") == "exit status 1, expected 0", f.attrib if f is not None else None)
expect("replay: cd " in f.text and " run -- /bin/sh -c " in f.text, f.text)
out = nasty.find("system-out").text
expect(out.startswith("a <b> & c ]]> \"q\" 's\n"), repr(out))
expect("\ufffd" in out and " red " in out and out.endswith(" end\n"), repr(out))
expect(nasty.find("system-err").text == "to stderr </system-err>\n", nasty.find("system-err").text)

slow = cases["times-out"].find("failure")
expect(slow.get("message") == "timed out after 0.5 s (killed with its process group)", slow.attrib)
expect(slow.get("type") == "timeout", slow.attrib)
expect(cases["times-out"].find("system-out").text == "started\n", "output of the timed-out case")

# An unwritable report path is a usage error, found before anything runs.
r = suite(path, "--junit", "/nonexistent/dir/report.xml")
expect(r.returncode == 2 and "--junit /nonexistent/dir/report.xml" in r.stderr, show(r))
print("ok")
