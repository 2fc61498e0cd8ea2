"""bandwidth paces a transfer (lower bound only); truncate ends the stream
after N bytes: the peer gets exactly N, later sends fail with EPIPE."""
import time
from sfcase import *

with Server("sink") as srv:
    t0 = time.monotonic()
    bw = run(peer("sendall", "127.0.0.1", srv.port, 300000), scenario="send -> bandwidth 1M/s\n")
    took = time.monotonic() - t0
    tr = run(peer("sendall", "127.0.0.1", srv.port, 5000), scenario="send -> truncate 1000\n")
expect(bw.returncode == 0 and bw.stdout.split()[1] == bw.stdout.split()[4], bw.stdout + bw.stderr)
expect(took >= 0.25, f"1 MB/s should take >= 0.28 s for 300 kB, took {took:.3f}")
expect(tr.stdout.strip() == "BrokenPipeError EPIPE", tr.stdout + tr.stderr)
with Server("sink") as srv:
    # The server's digest line tells how much arrived before the FIN.
    r = run(["sh", "-c", f"exec {PY} -c \"import socket,sys;s=socket.create_connection(('127.0.0.1',{srv.port}));"
             "n=0\ntry:\n  s.sendall(b'x'*5000)\nexcept BrokenPipeError: pass\n"
             "print(s.recv(200).decode().split()[1])\""], scenario="send -> truncate 1000\n")
expect(r.stdout.strip() == "1000", f"peer got {r.stdout!r} {r.stderr}")
print("ok")
