"""On the virtual network (`--net virtual`), a connection between a server
thread and a client of one program, on a scenario `host` address that exists
only virtually (10.0.0.5), IPv4 and IPv6: both byte streams, sent in random
sizes with short sends and short reads injected, are what tshark's
`follow,tcp,raw` reassembles, between the virtual addresses; one handshake,
two FINs, and tshark's expert analysis flags nothing."""
import os, random
from capcase import *

PROG = r"""
import random, socket, sys, threading
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
host, n = sys.argv[1], int(sys.argv[2])
up, down = random.Random(1).randbytes(n), random.Random(2).randbytes(n)
ls = socket.socket(fam)
ls.bind((host, 40123))
ls.listen(1)
got_up = bytearray()
def serve():
    c, _ = ls.accept()
    def tx():
        rnd = random.Random(4)
        i = 0
        while i < n:
            k = rnd.randint(1, 70000)
            c.sendall(down[i:i + k]); i += k
        c.shutdown(socket.SHUT_WR)
    t = threading.Thread(target=tx); t.start()
    while True:
        b = c.recv(random.randint(1, 65536))
        if not b: break
        got_up.extend(b)
    t.join(); c.close()
t = threading.Thread(target=serve); t.start()
s = socket.create_connection((host, 40123))
def send():
    rnd = random.Random(3)
    i = 0
    while i < n:
        k = rnd.randint(1, 70000)
        s.sendall(up[i:i + k]); i += k
    s.shutdown(socket.SHUT_WR)
u = threading.Thread(target=send); u.start()
got = bytearray()
while True:
    b = s.recv(65536)
    if not b: break
    got += b
u.join(); t.join()
print(s.getsockname()[1], "same" if got == down and got_up == up else "differs")
s.close()
"""
N = 1024 * 1024
SCENARIO = """seed 5
host web.test 10.0.0.5 2001:db8::5
send prob=0.5 -> short 1..65536
recv prob=0.3 -> short 1..1500
"""
for host in ("10.0.0.5", "2001:db8::5"):
    pcap = os.path.join(tmpdir(), "vstreams.pcap")
    r = run([PY, "-c", PROG, host, str(N)], pcap, SCENARIO, extra=["--net", "virtual"])
    expect(r.returncode == 0 and r.stdout.split()[1:] == ["same"], f"{host}: {r.stdout} {r.stderr}")
    cport = r.stdout.split()[0]
    up, down = random.Random(1).randbytes(N), random.Random(2).randbytes(N)
    n0, b0, n1, b1 = follow(pcap, 0)
    fmt = (lambda p: f"[{host}]:{p}") if ":" in host else (lambda p: f"{host}:{p}")
    expect(n0 == fmt(cport) and n1 == fmt(40123), f"{host}: nodes {n0} / {n1}, expected the virtual addresses")
    expect(b0 == up, f"{host}: client->server stream: {len(b0)} bytes, differs from what was sent")
    expect(b1 == down, f"{host}: server->client stream: {len(b1)} bytes, differs from what was sent")
    syns = fields(pcap, "tcp.flags.syn == 1", "tcp.flags.ack")
    expect(sorted(syns) == [["0"], ["1"]], f"{host}: handshake frames: {syns}")
    fins = fields(pcap, "tcp.flags.fin == 1", "tcp.srcport")
    expect(len(fins) == 2 and fins[0] != fins[1], f"{host}: FINs: {fins}")
    expect_clean(pcap)
print("ok")
