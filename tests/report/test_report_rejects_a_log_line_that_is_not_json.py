"""A log with a line that is not JSON is an error naming FILE:LINE:COLUMN,
with a non-zero exit and no page written; so are a missing log and a
missing -o."""
import subprocess

from reportcase import *

d = scratch()
log, html = os.path.join(d, "bad.jsonl"), os.path.join(d, "r.html")
with open(log, "w") as f:
    f.write('{"time":0.1,"pid":1,"tid":1,"ev":"socket","fd":3,"sock":"1.1","result":3}\n')
    f.write('{"time":0.2,"pid":1,"tid":1,"ev":"close",\n')
r = subprocess.run([sftest.CLI, "report", "--log", log, "-o", html], capture_output=True, text=True)
expect(r.returncode != 0, "a bad line must fail the report")
expect(f"{log}:2:" in r.stderr and "not an event log line" in r.stderr, f"message: {r.stderr!r}")
expect(len(r.stderr.strip().splitlines()) == 1, f"one line: {r.stderr!r}")
expect(not os.path.exists(html), "no page for a bad log")
r = subprocess.run([sftest.CLI, "report", "--log", os.path.join(d, "missing"), "-o", html], capture_output=True, text=True)
expect(r.returncode != 0 and "missing" in r.stderr, f"missing log: {r.returncode} {r.stderr!r}")
r = subprocess.run([sftest.CLI, "report", "--log", log], capture_output=True, text=True)
expect(r.returncode == 2 and "-o" in r.stderr, f"missing -o: {r.returncode} {r.stderr!r}")
