"""Resolver calls the shim answers appear as DNS over UDP that tshark
decodes: a `host` entry gives a query and an answer with its A and AAAA
records; an unknown name (unknown-hosts EAI_NONAME) is NXDOMAIN; an
injected EAI_AGAIN is SERVFAIL.  Names the real resolver handles (numeric
ones here) leave no synthesized DNS."""
import os
from capcase import *

SCENARIO = """host api.test 10.0.0.5 2001:db8::5
unknown-hosts EAI_NONAME
getaddrinfo name=flaky.test -> eai EAI_AGAIN
"""
PROG = """
import socket
for name in ("api.test", "nope.test", "flaky.test", "127.0.0.1"):
    try:
        print(name, sorted({a[4][0] for a in socket.getaddrinfo(name, 80)}))
    except socket.gaierror as e:
        print(name, e.errno)
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
expect(set(got) == {(n, t) for n in ("api.test", "nope.test", "flaky.test") for t in ("1", "28")},
       f"queries captured: {sorted(got)}")
for (name, qtype), msgs in got.items():
    expect([m[0] for m in msgs] == ["0", "1"], f"{name}/{qtype}: expected query then answer: {msgs}")
    expect(msgs[0][4] == msgs[1][4] and msgs[0][5] == "53", f"{name}/{qtype}: ids/ports {msgs}")
want = {("api.test", "1"): ("0", "10.0.0.5", ""), ("api.test", "28"): ("0", "", "2001:db8::5"),
        ("nope.test", "1"): ("3", "", ""), ("nope.test", "28"): ("3", "", ""),
        ("flaky.test", "1"): ("2", "", ""), ("flaky.test", "28"): ("2", "", "")}
for k, (rcode, a, aaaa) in want.items():
    ans = got[k][1]
    expect(ans[1:4] == (rcode, a, aaaa), f"{k}: answer rcode/A/AAAA {ans[1:4]}, expected {(rcode, a, aaaa)}")
expect_clean(pcap, allow="dns.flags.rcode != 0")
print("ok")
