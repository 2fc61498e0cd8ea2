"""`sockfault --version` and `sockfault version` print the same line: the
release from CMakeLists.txt's project(VERSION) and, in a git clone, the
revision it was built from.  A run's summary and its event log header name
the same build, so a report says which build made it."""
import os
import re
import subprocess
from clicase import *


def cli(*args, **kw):
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=clean_env(), **kw)


release = re.search(r"project\(sockfault VERSION (\S+)",
                    open(os.path.join(SRC, "CMakeLists.txt")).read()).group(1)
a, b = cli("--version"), cli("version")
expect(a.returncode == 0 and a.stdout == b.stdout and b.returncode == 0, f"{show(a)}\n{show(b)}")
m = re.fullmatch(r"sockfault (\S+)(?: \(git ([0-9a-f]{7,}(?:-dirty)?)\))?\n", a.stdout)
expect(m and m.group(1) == release, f"--version: {a.stdout!r}, release {release}")
rev = m.group(2)
if os.path.isdir(os.path.join(SRC, ".git")):
    head = subprocess.run(["git", "-C", SRC, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    expect(rev and head.startswith(rev.removesuffix("-dirty")), f"revision {rev!r}, HEAD {head}")
expect(cli("version", "extra").returncode == 2, "version with an argument")

d = scratch()
sc, log = os.path.join(d, "s.sf"), os.path.join(d, "log.jsonl")
with open(sc, "w") as f:
    f.write("recv first=1 -> eintr\n")
r = cli("run", "-s", sc, "--log", log, "--", PY, FAULTDEMO, "eintr", cwd=d, timeout=120)
expect(r.returncode == 0, show(r))
build = f"sockfault {release}" + (f", git {rev}" if rev else "")
expect(re.search(r"^sockfault: summary for pid \d+, .*\(" + re.escape(build) + r"\)$", r.stderr, re.M),
       f"the summary does not name {build!r}:\n{r.stderr}")
heads = sftest.log_headers(log)
expect(heads and all(h["sockfault"] == release and h.get("git") == rev for h in heads), heads)
print("ok", a.stdout.strip())
