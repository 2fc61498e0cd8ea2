"""UDP under capture: every datagram the client sent appears once, with the
client's real address and port as source and the server's as destination,
payload intact and UDP/IP checksums right; of the replies, exactly those the
program received appear, so the ones `recvfrom every=4 -> drop` discarded do
not."""
import os, socket
from capcase import *
from servers import Echo

COUNT = 40
size = lambda i: 1 + (i * 977) % 9000
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    d = tmpdir()
    pcap = os.path.join(d, "udp.pcap")
    srv = Echo(fam)
    r = run([PY, os.path.join(HERE, "udp.py"), host, str(srv.port), str(COUNT)], pcap,
            "recvfrom proto=udp every=4 -> drop\n")
    expect(r.returncode == 0, f"{host}: client failed {r.stderr}")
    cport, *got = r.stdout.split()
    got = [int(x) for x in got]
    expect(len(srv.seen) == COUNT, f"{host}: server saw {len(srv.seen)}")
    expect(len(got) == COUNT - COUNT // 4, f"{host}: client received {len(got)} of {COUNT}")
    src_field = "ipv6" if fam == socket.AF_INET6 else "ip"
    rows = fields(pcap, "udp", f"{src_field}.src", "udp.srcport", f"{src_field}.dst", "udp.dstport",
                  "udp.payload")
    out = [x for x in rows if x[3] == str(srv.port)]
    back = [x for x in rows if x[1] == str(srv.port)]
    expect(len(out) + len(back) == len(rows), f"{host}: datagrams of other flows: {rows[:3]}")
    expect(len(out) == COUNT, f"{host}: {len(out)} datagrams to the server captured, expected {COUNT}")
    for i, x in enumerate(out):
        expect(x[0] == host and x[2] == host and x[1] == cport,
               f"{host}: datagram {i} addresses {x[:4]}, expected {host}:{cport} -> {host}:{srv.port}")
        expect(bytes.fromhex(x[4]) == bytes([i]) * size(i), f"{host}: datagram {i} payload differs")
    expect([bytes.fromhex(x[4])[0] for x in back] == got,
           f"{host}: replies captured {[bytes.fromhex(x[4])[0] for x in back]} != received {got}")
    expect(all(x[2] == host and x[3] == cport for x in back), f"{host}: reply addresses {back[:2]}")
    expect_clean(pcap)
print("ok")
