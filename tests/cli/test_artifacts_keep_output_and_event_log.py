"""--artifacts DIR keeps, per case, DIR/CASE/stdout, stderr, events.jsonl
(the shim's event log: one JSON object per fault, with rule and line),
summary and replay.sh; a rerun replaces them.  Without --artifacts nothing
is left behind."""
import json
import os
from clicase import *

sc = {"eintr.sf": "recv every=2 -> eintr\nsend every=2 -> eintr\n"}
path = make_suite(f"""
case talks
  scenario eintr.sf
  run {PY} {FAULTDEMO} eintr
case quiet
  sh echo out; echo err >&2
""", sc)
art = os.path.join(scratch(), "new", "dir")
for attempt in (1, 2):
    r = suite(path, "--artifacts", art)
    expect(r.returncode == 0, show(r))
    talks = os.path.join(art, "talks")
    expect(sorted(os.listdir(talks)) == ["capture.pcap", "events.jsonl", "replay.sh", "report.html", "stderr",
                                          "stdout", "summary"],
           os.listdir(talks))
    with open(os.path.join(talks, "events.jsonl")) as f:
        lines = [json.loads(l) for l in f]
    expect(lines and "sockfault" in lines[0] and lines[0]["pid"] == lines[-1]["pid"],
           f"the log does not open with its header: {lines[:2]}")
    # the full log (the report draws it): faults, and every other event
    events = [e for e in lines if e.get("ev") == "fault"]
    expect({"connect", "send", "recv", "close"} <= {e.get("ev") for e in lines},
           f"the artifact log is not the full log: {sorted({e.get('ev', '') for e in lines})}")
    expect(len(events) > 2 and all(e["action"] == "eintr" and e["rule"] in (1, 2) and e["line"] in (1, 2)
                                   for e in events), events[:3])
    with open(os.path.join(talks, "stdout")) as f:
        expect(f.read() == "eintr: 1048576 bytes intact\n", "stdout artifact")
    with open(os.path.join(talks, "summary")) as f:
        expect("rule 1 (line 1) eintr: fired" in f.read(), "summary artifact")
    expect(os.access(os.path.join(talks, "replay.sh"), os.X_OK), "replay.sh not executable")
    quiet = os.path.join(art, "quiet")
    with open(os.path.join(quiet, "stdout")) as f, open(os.path.join(quiet, "stderr")) as g:
        expect((f.read(), g.read()) == ("out\n", "err\n"), "quiet artifacts")
    # One process made them all: a rerun's log is not appended to the last.
    expect(len({e["pid"] for e in events}) == 1, f"run {attempt}: events of several processes")

tmp = scratch()
r = suite(path, env=clean_env(TMPDIR=tmp))
expect(r.returncode == 0, show(r))
expect(os.listdir(tmp) == [], f"left behind in TMPDIR: {os.listdir(tmp)}")
print("ok", len(events), "events")
