"""On a terminal the suite redraws a status line in place (\\r, erase to
end of line) between its per-case lines; in a pipe it prints plain lines
only, one per case."""
import os
import pty
import re
import subprocess
from clicase import *

path = make_suite("case a\n  sh sleep 0.6\ncase b\n  run true\n")
# In a pipe: no escape sequences, one line per case, then the summary.
r = suite(path, "-j", "1")
expect(r.returncode == 0 and "\r" not in r.stdout and "\033" not in r.stdout, repr(r.stdout))
expect(re.search(r"^\[1/2\] PASS a \(", r.stdout, re.M) and re.search(r"^\[2/2\] PASS b \(", r.stdout, re.M),
       r.stdout)

# On a terminal.
pid, fd = pty.fork()
if pid == 0:
    os.execve(CLI, [CLI, "suite", path, "-j", "1"], clean_env(NO_COLOR="1"))
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
text = out.decode()
expect(os.waitstatus_to_exitcode(status) == 0, text)
expect("\r\033[K[0/2]" in text and "running: a" in text, repr(text))
expect("PASS a" in text and "PASS b" in text and "2 cases: 2 passed" in text, repr(text))
print("ok")
