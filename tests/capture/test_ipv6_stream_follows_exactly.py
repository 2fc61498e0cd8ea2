"""TCP over IPv6 (::1): IPv6 frames with the MSS of IPv6 (MTU - 60),
tshark's follow reproduces both streams exactly, and nothing is flagged;
with --pcap-mtu 9000 segments grow to 8940 bytes."""
import os, random, socket
from capcase import *
from servers import TcpEcho

N = 1 << 20
srv = TcpEcho(socket.AF_INET6)
data = random.Random(5).randbytes(N)
for mtu, mss in ((None, 1440), (9000, 8940)):
    pcap = os.path.join(tmpdir(), "v6.pcap")
    r = run([PY, os.path.join(HERE, "bulk.py"), "::1", str(srv.port), str(N), "5"], pcap,
            "send prob=0.3 -> short 1..30000\n", extra=["--pcap-mtu", str(mtu)] if mtu else [])
    expect(r.returncode == 0, f"client failed: {r.stderr}")
    n0, b0, n1, b1 = follow(pcap, 0)
    expect(n1 == f"[::1]:{srv.port}", f"node 1 is {n1}")
    expect(b0 == data and b1 == data, f"streams differ: {len(b0)} / {len(b1)} bytes of {N}")
    expect(not fields(pcap, "ip", "frame.number"), "IPv4 frames in an IPv6 exchange")
    sizes = [int(x[0]) for x in fields(pcap, "tcp.len > 0", "tcp.len")]
    expect(max(sizes) == mss, f"mtu {mtu}: largest segment {max(sizes)}, expected {mss}")
    mss_opt = fields(pcap, "tcp.flags.syn == 1", "tcp.options.mss_val")
    expect(all(x[0] == str(mss) for x in mss_opt) and len(mss_opt) == 2, f"SYN MSS options {mss_opt}")
    expect_clean(pcap)
print("ok")
