"""A child forked after its parent rewrote the environment block
(setproctitle) writes its capture to FILE.<pid> next to FILE, not to a file
named after whatever the old SOCKFAULT_PCAP string reads now."""
import os
from capcase import *

prog = os.path.join(PROGRAMS, "sf_setproctitle")
d = tmpdir()
cwd = tmpdir()
pcap = os.path.join(d, "p.pcap")
r = run([prog, "fork-send"], pcap, cwd=cwd)
expect(r.returncode == 0, f"rc={r.returncode} {r.stderr}")
expect_equal(r.stdout, "environment rewritten\nreceived hello\n", "program output")
expect_equal(os.listdir(cwd), [], "files in the program's directory")
files = sorted(os.listdir(d))
expect(len(files) == 2 and files[0] == "p.pcap" and files[1].startswith("p.pcap."), f"files: {files}")
_, sent, _, _ = follow(os.path.join(d, files[1]), 0)
expect_equal(sent, b"hello", "what the child's capture holds")
print("ok")
