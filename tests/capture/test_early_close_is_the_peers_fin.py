"""An injected early close (`recv nth=3 -> close`) shows as the peer's FIN
right after the bytes the program received, and the program's own FIN
follows when it closes; the server's data beyond it is not in the capture
(the program never received it)."""
import os
from capcase import *

pcap = os.path.join(tmpdir(), "close.pcap")
with Server("source:1000000") as srv:
    r = run(peer("recvall", "127.0.0.1", srv.port), pcap, "recv nth=3 -> close\n")
expect(r.returncode == 0, r.stdout + r.stderr)
digest, n = r.stdout.split()
n0, b0, n1, b1 = follow(pcap, 0)
expect(len(b1) == int(n) and 0 < int(n) < 1000000, f"received {n}, captured {len(b1)} from the server")
fins = fields(pcap, "tcp.flags.fin == 1", "tcp.srcport", "tcp.seq")
expect(len(fins) == 2 and fins[0] == [str(srv.port), str(int(n) + 1)] and fins[1][0] != str(srv.port),
       f"FINs: {fins} (received {n})")
expect_clean(pcap)
print("ok")
