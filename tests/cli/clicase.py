"""Shared helpers for the CLI tests: suite files written to a fresh
directory and run with `sockfault suite`, and parsers for what it prints.

Environment (set by ctest): SF_CLI (the sockfault binary), SF_SOURCE_DIR
(the top of the source tree).  Built on tests/programs/sftest.py.
"""
import os
import re
import subprocess

import sftest
from sftest import CLI, PY, expect, fail, scratch

SRC = os.environ["SF_SOURCE_DIR"]
FAULTDEMO = os.path.join(SRC, "tests", "programs", "faultdemo.py")


def clean_env(**extra):
    # cases must see the sanitizer runtime a sanitized build preloads
    return sftest.clean_env(keep_preload=True, **extra)


def make_suite(text, files=None, name="suite.sfs"):
    """Writes the suite (and other files, {relative path: text}) into a new
    directory; returns the suite's path."""
    d = scratch()
    for rel, content in (files or {}).items():
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(content)
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def suite(path, *args, timeout=300, env=None):
    """Runs `sockfault suite PATH ARGS...`; returns the CompletedProcess."""
    return subprocess.run([CLI, "suite", path, *args], capture_output=True, text=True, errors="replace",
                          timeout=timeout, env=env or clean_env())


def tap_results(stdout):
    """{case name: True (ok) / False (not ok)} from TAP output, checking the
    numbering on the way."""
    out, n = {}, 0
    for line in stdout.splitlines():
        m = re.match(r"(not ok|ok) (\d+) - (\S+)", line)
        if m:
            n += 1
            expect(int(m.group(2)) == n, f"TAP numbers out of order at {line!r}")
            out[m.group(3)] = m.group(1) == "ok"
    return out


def show(r):
    return f"exit {r.returncode}\n--- stdout\n{r.stdout}\n--- stderr\n{r.stderr}"
