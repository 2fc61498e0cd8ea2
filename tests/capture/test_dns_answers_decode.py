"""Resolver calls the shim answers appear as DNS over UDP that tshark
decodes: a `host` entry gives a query and an answer with its A and AAAA
records; an unknown name (unknown-hosts EAI_NONAME) is NXDOMAIN; an
injected EAI_AGAIN is SERVFAIL; gethostbyname likewise (an A query; an
injected TRY_AGAIN is SERVFAIL).  Names the real resolver handles (numeric
ones here) leave no synthesized DNS."""
import os
from capcase import *

SCENARIO = """host api.test 10.0.0.5 2001:db8::5
host legacy.test 10.0.0.9
host broken.test 10.0.0.10
unknown-hosts EAI_NONAME
getaddrinfo name=flaky.test -> eai EAI_AGAIN
gethostbyname name=broken.test -> herror TRY_AGAIN
"""
PROG = """
import socket
for name in ("api.test", "nope.test", "flaky.test", "127.0.0.1"):
    try:
        print(name, sorted({a[4][0] for a in socket.getaddrinfo(name, 80)}))
    except socket.gaierror as e:
        print(name, e.errno)
for name in ("legacy.test", "broken.test"):
    try:
        print(name, socket.gethostbyname_ex(name)[2])  # gethostbyname_r
    except OSError as e:
        print(name, type(e).__name__)
"""
pcap = os.path.join(tmpdir(), "dns.pcap")
r = run([PY, "-c", PROG], pcap, SCENARIO)
expect(r.returncode == 0, r.stderr)
expect("api.test ['10.0.0.5', '2001:db8::5']" in r.stdout, r.stdout)
rows = fields(pcap, "dns", "udp.dstport", "dns.flags.response", "dns.qry.name", "dns.qry.type",
              "dns.flags.rcode", "dns.a", "dns.aaaa", "dns.id")
got = {}
for port, resp, name, qtype, rcode, a, aaaa, qid in rows:
    got.setdefault((name, qtype), []).append((resp, rcode, a, aaaa, qid, port))
expect(set(got) == {(n, t) for n in ("api.test", "nope.test", "flaky.test") for t in ("1", "28")}
       | {("legacy.test", "1"), ("broken.test", "1")},
       f"queries captured: {sorted(got)}")
# (CPython's gethostbyname_ex asks getaddrinfo first, then gethostbyname_r:
# two lookups, two pairs.)
for (name, qtype), msgs in got.items():
    expect([m[0] for m in msgs] == ["0", "1"] * (len(msgs) // 2) and len(msgs) in (2, 4),
           f"{name}/{qtype}: expected query then answer: {msgs}")
    for q, a in zip(msgs[::2], msgs[1::2]):
        expect(q[4] == a[4] and q[5] == "53", f"{name}/{qtype}: ids/ports {msgs}")
want = {("api.test", "1"): ("0", "10.0.0.5", ""), ("api.test", "28"): ("0", "", "2001:db8::5"),
        ("nope.test", "1"): ("3", "", ""), ("nope.test", "28"): ("3", "", ""),
        ("flaky.test", "1"): ("2", "", ""), ("flaky.test", "28"): ("2", "", ""),
        ("legacy.test", "1"): ("0", "10.0.0.9", ""), ("broken.test", "1"): ("2", "", "")}
for k, (rcode, a, aaaa) in want.items():
    ans = got[k][-1]  # the last lookup's answer: gethostbyname_r's for legacy/broken
    expect(ans[1:4] == (rcode, a, aaaa), f"{k}: answer rcode/A/AAAA {ans[1:4]}, expected {(rcode, a, aaaa)}")
expect_clean(pcap, allow="dns.flags.rcode != 0")
print("ok")
