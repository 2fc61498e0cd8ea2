"""close: the peer's FIN arrives early; recv returns 0, the program sees a
clean, shorter stream."""
from sfcase import *

with Server("source:1000000") as srv:
    full = run(peer("recvall", "127.0.0.1", srv.port))
    cut = run(peer("recvall", "127.0.0.1", srv.port), scenario="recv nth=3 -> close\n")
expect(full.stdout.split()[1] == "1000000", full.stdout)
expect(cut.returncode == 0, cut.stdout + cut.stderr)
n = int(cut.stdout.split()[1])
expect(0 < n < 1000000, f"expected a shorter stream, got {n} bytes")
print("ok", n)
