"""UDP on the virtual network, between a client and an echo server thread of
one program on a scenario `host` address (10.0.0.5, 2001:db8::5), IPv4 and
IPv6: every datagram appears once (the receiver records it), with the
client's virtual address and port as source and the server's as
destination, payload intact and checksums right; of the replies, exactly
those the client received appear, so the ones `recvfrom every=4 -> drop`
discarded do not; a datagram to a port nobody bound appears once, as
sent."""
import os
from capcase import *

PROG = r"""
import socket, sys, threading
host, count = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
size = lambda i: 1 + (i * 977) % 9000
srv = socket.socket(fam, socket.SOCK_DGRAM)
srv.bind((host, 40127))
def echo():
    for i in range(count):
        data, anc, flags, addr = srv.recvmsg(65536)  # recvmsg: the rule is on recvfrom
        srv.sendto(data, addr)
t = threading.Thread(target=echo); t.start()
s = socket.socket(fam, socket.SOCK_DGRAM)
s.settimeout(0.3)
got = []
for i in range(count):
    s.sendto(bytes([i % 256]) * size(i), (host, 40127))
    try:
        b, a = s.recvfrom(65536)
        got.append(b[0])
    except socket.timeout:
        pass
t.join()
s.sendto(b"nobody", (host, 40128))
print(s.getsockname()[1], " ".join(map(str, got)))
"""
COUNT = 40
size = lambda i: 1 + (i * 977) % 9000
SCENARIO = "host web.test 10.0.0.5 2001:db8::5\nrecvfrom proto=udp every=4 -> drop\n"
for host in ("10.0.0.5", "2001:db8::5"):
    pcap = os.path.join(tmpdir(), "vudp.pcap")
    r = run([PY, "-c", PROG, host, str(COUNT)], pcap, SCENARIO, extra=["--net", "virtual"])
    expect(r.returncode == 0, f"{host}: program failed {r.stdout} {r.stderr}")
    cport, *got = r.stdout.split()
    got = [int(x) for x in got]
    expect(len(got) == COUNT - COUNT // 4, f"{host}: client received {len(got)} of {COUNT}")
    ip = "ipv6" if ":" in host else "ip"
    rows = fields(pcap, "udp", f"{ip}.src", "udp.srcport", f"{ip}.dst", "udp.dstport", "udp.payload")
    out = [x for x in rows if x[3] == "40127"]
    back = [x for x in rows if x[1] == "40127"]
    lost = [x for x in rows if x[3] == "40128"]
    expect(len(out) + len(back) + len(lost) == len(rows), f"{host}: datagrams of other flows: {rows[:3]}")
    expect(len(out) == COUNT, f"{host}: {len(out)} datagrams to the server captured, expected {COUNT}")
    for i, x in enumerate(out):
        expect(x[:4] == [host, cport, host, "40127"],
               f"{host}: datagram {i} addresses {x[:4]}, expected {host}:{cport} -> {host}:40127")
        expect(bytes.fromhex(x[4]) == bytes([i]) * size(i), f"{host}: datagram {i} payload differs")
    expect([bytes.fromhex(x[4])[0] for x in back] == got,
           f"{host}: replies captured {[bytes.fromhex(x[4])[0] for x in back]} != received {got}")
    expect(all(x[:4] == [host, "40127", host, cport] for x in back), f"{host}: reply addresses {back[:2]}")
    expect(len(lost) == 1 and lost[0][:4] == [host, cport, host, "40128"] and
           bytes.fromhex(lost[0][4]) == b"nobody", f"{host}: the datagram to nobody: {lost}")
    expect_clean(pcap)
print("ok")
