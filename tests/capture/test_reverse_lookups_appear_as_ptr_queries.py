"""Reverse lookups the shim answers appear as DNS PTR queries and answers
that tshark decodes (RFC 1035 3.5 in-addr.arpa, RFC 3596 2.5 ip6.arpa
nibbles): a `host` entry's address gives a PTR record naming it, for
gethostbyaddr and getnameinfo alike; an unknown address (unknown-hosts
EAI_NONAME) is NXDOMAIN; an injected TRY_AGAIN is SERVFAIL; a numeric-only
getnameinfo asks nobody and leaves no DNS."""
import os
from capcase import *

SCENARIO = """host api.test 10.0.0.5 2001:db8::5
unknown-hosts EAI_NONAME
gethostbyaddr name=10.0.0.77 -> herror TRY_AGAIN
"""
PROG = """
import socket
print(socket.gethostbyaddr("10.0.0.5")[0])
print(socket.getnameinfo(("2001:db8::5", 80), 0)[0])
for ip in ("10.0.0.66", "10.0.0.77"):
    try:
        socket.gethostbyaddr(ip)
    except OSError as e:
        print(ip, type(e).__name__)
print(socket.getnameinfo(("10.0.0.88", 80), socket.NI_NUMERICHOST)[0])
"""
pcap = os.path.join(tmpdir(), "rdns.pcap")
r = run([PY, "-c", PROG], pcap, SCENARIO)
expect(r.returncode == 0, r.stderr)
expect(r.stdout.split("\n")[:2] == ["api.test", "api.test"], r.stdout)
rows = fields(pcap, "dns", "dns.flags.response", "dns.qry.name", "dns.qry.type", "dns.flags.rcode",
              "dns.ptr.domain_name", "dns.id", "udp.dstport")
got = {}
for resp, name, qtype, rcode, ptr, qid, port in rows:
    expect(qtype == "12", f"{name}: query type {qtype}, expected PTR (12)")
    got.setdefault(name, []).append((resp, rcode, ptr, qid, port))
v6 = ".".join(reversed("20010db8" + "0" * 23 + "5")) + ".ip6.arpa"
want = {"5.0.0.10.in-addr.arpa": ("0", "api.test"), v6: ("0", "api.test"),
        "66.0.0.10.in-addr.arpa": ("3", ""), "77.0.0.10.in-addr.arpa": ("2", "")}
expect(set(got) == set(want), f"PTR queries captured: {sorted(got)}")
for name, msgs in got.items():
    expect([m[0] for m in msgs] == ["0", "1"], f"{name}: expected one query then its answer: {msgs}")
    q, a = msgs
    expect(q[3] == a[3] and q[4] == "53", f"{name}: ids/ports {msgs}")
    expect(a[1:3] == want[name], f"{name}: answer rcode/PTR {a[1:3]}, expected {want[name]}")
expect_clean(pcap, allow="dns.flags.rcode != 0")
print("ok")
