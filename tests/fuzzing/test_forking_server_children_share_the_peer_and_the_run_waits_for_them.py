"""Fuzz-peer mode across processes: a server that forks a child per
connection is one program to the peer.  Each connection's data reaches the
child that serves it exactly once (the script's progress is the network's,
not a copy per process), and the end of input waits for every process: the
parent, blocked in accept with nothing to do, does not end the run while a
child that holds a connection is busy elsewhere (here: asleep for 1 s, a wait
the network cannot see)."""
import subprocess
from fzcase import *

server = r"""
import os, signal, socket, sys, time
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
out = sys.argv[1]
ls = socket.socket()
ls.bind(("0.0.0.0", 7000))
ls.listen()
while True:
    c, _ = ls.accept()
    if os.fork() == 0:
        ls.close()
        time.sleep(1)
        got = b""
        while True:
            b = c.recv(100)
            if not b:
                break
            got += b
        with open(out, "a") as f:
            f.write(f"served {got!r}\n")
        c.close()
        os._exit(0)
    c.close()
"""
inp = write_input("forking", structured(open_conn(), data(0, b"one"), fin(0), open_conn(), data(1, b"two"), fin(1)))
out = tmp_path("served.txt")
log = tmp_path("run.log")
with open(log, "wb") as lf:
    # Not a pipe: the run's end is when the parent ends, not when the last
    # holder of a pipe closes it.
    r = subprocess.run([CLI, "run", "--fuzz", inp, "--", PY, "-c", server, out], stdout=lf, stderr=lf,
                       env=clean_env(keep_preload=True), timeout=60)
with open(log) as f:
    text = f.read()
expect(r.returncode == 0, f"exit {r.returncode}: {text}")
served = open(out).read().splitlines() if os.path.exists(out) else []
expect_equal(sorted(served), ["served b'one'", "served b'two'"], "what the children served when the run ended")
print("ok")
