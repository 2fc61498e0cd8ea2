"""scenarios/suite.sfs, our sample programs under every fault kind, passes
as shipped, and its JUnit report says so."""
import os
import xml.etree.ElementTree as ET
from clicase import *

report = os.path.join(scratch(), "suite.xml")
r = suite(os.path.join(SRC, "scenarios", "suite.sfs"), "--junit", report, timeout=900)
expect(r.returncode == 0, show(r))
ts = ET.parse(report).getroot().find("testsuite")
n = int(ts.get("tests"))
expect(n >= 17 and ts.get("failures") == "0", ts.attrib)
print("ok", n, "cases")
