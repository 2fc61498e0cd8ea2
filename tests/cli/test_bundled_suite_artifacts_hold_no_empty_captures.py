"""scenarios/suite.sfs with --artifacts: every case's folder holds its
capture.pcap (header-only when the case's faults kept every packet off the
wire: that file is the case's record either way), and no child capture
capture.pcap.PID there is header-only -- the helpers a case's program runs
(a shell's ls, an interpreter behind a wrapper) leave none."""
import os
from clicase import *

PCAP_HEADER = 24  # a pcap file's global header: a file with nothing recorded
art = os.path.join(scratch(), "art")
r = suite(os.path.join(SRC, "scenarios", "suite.sfs"), "--artifacts", art, timeout=900)
expect(r.returncode == 0, show(r))
cases = sorted(n for n in os.listdir(art) if os.path.isdir(os.path.join(art, n)))  # and index.html
expect(len(cases) >= 17, f"case folders: {cases}")
empty, missing = [], []
for case in cases:
    folder = os.path.join(art, case)
    caps = [n for n in os.listdir(folder) if n.startswith("capture.pcap")]
    if "capture.pcap" not in caps:
        missing.append(case)
    empty += [f"{case}/{n}" for n in caps
              if n != "capture.pcap" and os.path.getsize(os.path.join(folder, n)) <= PCAP_HEADER]
expect(not missing, f"cases without capture.pcap: {missing}")
expect(not empty, f"header-only child capture files: {empty}")
print("ok", len(cases), "cases")
