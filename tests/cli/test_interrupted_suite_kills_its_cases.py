"""SIGINT (or SIGTERM) to the suite kills the running cases with their
process groups, reports the cases that never ran, and exits 130."""
import os
import signal
import subprocess
import time
from clicase import *

path = make_suite("""
case hangs
  sh echo $$ > sh.pid; sleep 300
case never-starts
  run true
""")
d = os.path.dirname(path)
p = subprocess.Popen([CLI, "suite", path, "-j", "1", "--tap"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                     text=True, env=clean_env())
pidfile = os.path.join(d, "sh.pid")
for _ in range(500):
    if os.path.exists(pidfile) and os.path.getsize(pidfile):
        break
    time.sleep(0.02)
with open(pidfile) as f:
    pid = int(f.read())
p.send_signal(signal.SIGINT)
out, err = p.communicate(timeout=60)
expect(p.returncode == 130, f"exit {p.returncode}\n{out}\n{err}")
expect("not ok 1 - hangs" in out and "ok 2 - never-starts # SKIP" in out, out)
expect("interrupted" in err and "1 not run" in err, err)
try:
    os.kill(pid, 0)
    fail(f"the case's shell {pid} survived")
except ProcessLookupError:
    pass
print("ok")
