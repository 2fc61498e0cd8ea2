"""Each failed case gets the command line that replays it, with the seed it
ran with; run by sh, it reproduces the case's output exactly.  The seed is
the case's own, else --seed, else the scenario's."""
import os
import re
import subprocess
from clicase import *

files = {"lossy.sf": "seed 5\nsendto proto=udp prob=0.5 -> drop\n"}
udp = f"run {PY} {FAULTDEMO} udp 12"
path = make_suite(f"""
case scenario-seed
  scenario lossy.sf
  {udp}
  stdout ~ ^never printed$
case own-seed
  scenario lossy.sf
  seed 99
  {udp}
  stdout ~ ^never printed$
case no-scenario
  sh echo "it's here"; exit 1
""", files)
d = os.path.dirname(path)
art = os.path.join(d, "artifacts")
r = suite(path, "--artifacts", art)
expect(r.returncode == 1, show(r))
replays = dict(re.findall(r"^FAIL (\S+).*:\n(?:  .*\n)*?  replay: (.*)$", r.stdout, re.M))
expect(set(replays) == {"scenario-seed", "own-seed", "no-scenario"}, f"{replays}\n{show(r)}")
expect(" --seed 5 -- " in replays["scenario-seed"], replays["scenario-seed"])
expect(" --seed 99 -- " in replays["own-seed"], replays["own-seed"])
expect("--seed" not in replays["no-scenario"] and " -s " not in replays["no-scenario"], replays["no-scenario"])
expect(replays["scenario-seed"].startswith(f"cd {d} && {CLI} run -s {d}/lossy.sf --seed 5 -- "),
       replays["scenario-seed"])

# Replayed by hand (from another directory), each case prints what it
# printed in the suite: the same datagrams lost.
for name, line in replays.items():
    with open(os.path.join(art, name, "stdout")) as f:
        want = f.read()
    got = subprocess.run(["sh", "-c", line], capture_output=True, text=True, cwd="/", env=clean_env())
    expect(got.stdout == want, f"{name}: replay printed {got.stdout!r}, the suite's run {want!r}")
    with open(os.path.join(art, name, "replay.sh")) as f:
        expect(line in f.read(), f"{name}: replay.sh differs")
expect(replays["scenario-seed"] != replays["own-seed"], "seeds")

# --seed overrides the scenario's seed, not the case's own.
r = suite(path, "--seed", "1234")
expect(" --seed 1234 -- " in r.stdout and " --seed 99 -- " in r.stdout and " --seed 5 -- " not in r.stdout,
       show(r))
print("ok")
