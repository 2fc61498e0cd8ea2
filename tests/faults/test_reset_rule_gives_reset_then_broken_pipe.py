"""reset: the call gets ECONNRESET (ConnectionResetError), a later send
EPIPE (BrokenPipeError), and the peer sees a real RST."""
from sfcase import *

with Server("source:100000") as srv:
    r = run(peer("recv-send", "127.0.0.1", srv.port), scenario="recv -> reset\n")
    r2 = run(peer("recvall", "127.0.0.1", srv.port), scenario="recv nth=3 -> reset\n")
expect(r.stdout.split("\n")[:2] == ["ConnectionResetError ECONNRESET", "BrokenPipeError EPIPE"],
       f"{r.stdout!r} {r.stderr}")
expect(r2.stdout.strip() == "ConnectionResetError ECONNRESET", r2.stdout + r2.stderr)
print("ok")
