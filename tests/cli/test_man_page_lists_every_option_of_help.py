"""sockfault(1) cannot drift from the program: every command of `sockfault
--help`, every option of each `sockfault COMMAND --help` and every
SOCKFAULT_* variable they name is in the man page; every keyword of a suite
file that `sockfault suite --help` lists is in sockfault-suite(5)."""
import os
import re
import subprocess
from clicase import *

mandir = os.path.join(os.environ["SF_BUILD_DIR"], "man")


def rendered(page):
    r = subprocess.run(["man", "-l", os.path.join(mandir, page)], capture_output=True, text=True,
                       env=clean_env(MANWIDTH="1000", MANPAGER="cat", PAGER="cat"))
    expect(r.returncode == 0, f"man -l {page}: {r.stderr}")
    return r.stdout


def help_of(*cmd):
    r = subprocess.run([CLI, *cmd, "--help"], capture_output=True, text=True, env=clean_env())
    expect(r.returncode == 0, f"{cmd} --help: {r.stderr}")
    return r.stdout


man1 = rendered("sockfault.1")
top = help_of()
commands = re.findall(r"^  ([a-z][a-z-]+) ", top, re.M)
expect(len(commands) >= 6, f"commands in --help: {commands}")
missing = []
for cmd in commands:
    if not re.search(rf"^\s+{re.escape(cmd)}\b", man1, re.M):
        missing.append(f"command {cmd}")
    text = help_of(cmd).split("\nSuite file:")[0]  # suite's file format: sockfault-suite(5)
    for opt in sorted(set(re.findall(r"(?<![\w-])(--?[a-z][a-z0-9-]*)", text))):
        if opt not in man1:
            missing.append(f"{cmd} {opt}")
    for var in sorted(set(re.findall(r"\bSOCKFAULT_[A-Z_]+", text))):
        if var not in man1:
            missing.append(f"{cmd}: {var}")
expect(not missing, f"in --help but not in sockfault(1): {missing}")

man5 = rendered("sockfault-suite.5")
suite = help_of("suite")
keywords = re.findall(r"^  ([a-z]+) [A-Z0-9.|~!]", suite.split("Suite file:", 1)[1], re.M)
expect(len(keywords) >= 10, f"suite keywords in --help: {keywords}")
absent = [k for k in keywords if not re.search(rf"\b{k}\b", man5)]
expect(not absent, f"suite keywords not in sockfault-suite(5): {absent}")
print("ok", len(commands), "commands,", len(keywords), "suite keywords")
