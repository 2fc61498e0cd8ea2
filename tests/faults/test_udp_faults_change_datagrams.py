"""UDP drop, duplicate, reorder and corrupt act on whole datagrams, over
IPv4 and IPv6."""
import os
from sfcase import *

udp = os.path.join(PROGRAMS, "sf_udp")
cases = {
    "sendto proto=udp nth=2 -> drop": "1 3 4 5",
    "sendto proto=udp nth=2 -> duplicate": "1 2 2 3 4 5",
    "sendto proto=udp nth=2 -> reorder": "1 3 2 4 5",
    "sendto proto=udp nth=3 -> corrupt": "1 2 ? 4 5",
    "recvfrom proto=udp nth=2 -> drop": "1 3 4 5",
    "recvfrom proto=udp nth=2 -> duplicate": "1 2 2 3 4 5",
    "recvfrom proto=udp nth=4 -> corrupt": "1 2 3 ? 5",
}
for fam in ([], ["-6"]):
    base = run([udp, "5"] + fam)
    expect(base.stdout.strip() == "1 2 3 4 5", base.stdout + base.stderr)
    for rule, want in cases.items():
        r = run([udp, "5"] + fam, scenario=rule + "\n")
        expect(r.stdout.strip() == want, f"{rule} {fam}: got {r.stdout.strip()!r}, want {want!r} {r.stderr}")
print("ok")
