"""A case that ends leaving a background process behind (a server it
started, say) does not leak it: the case's process group is killed when the
case ends."""
import os
from clicase import *

path = make_suite("""
case leaves-a-child
  sh sleep 300 & echo $! > bg.pid
""")
r = suite(path)
expect(r.returncode == 0, show(r))
with open(os.path.join(os.path.dirname(path), "bg.pid")) as f:
    pid = int(f.read())
try:
    os.kill(pid, 0)
    with open(f"/proc/{pid}/stat") as f:
        state = f.read().split(")")[-1].split()[0]
    expect(state == "Z", f"background process {pid} survived its case (state {state})")
except ProcessLookupError:
    pass
print("ok")
