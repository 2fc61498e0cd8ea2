"""FINDINGS.md #1 again: a receive blackhole (the shim's promise: nothing
arrives) makes the read after epoll's first report say EAGAIN; dig takes
that for end of file and fails each of its +tries at once instead of
waiting its +timeout, then says no server could be reached and exits 9."""
from rwcase import *

dig = need("dig")
dns = Dns()
r = run_bytes([dig, "@127.0.0.1", "-p", str(dns.port), "www.example.test", "A", "+tries=2",
               "+timeout=5"], scenario="recv proto=udp -> blackhole\n")
expect_equal(r.returncode, 9, f"dig's exit status ({describe(r)})")
expect_equal(r.stdout.count(b"communications error to 127.0.0.1"), 2, "failed tries")
expect(b"end of file" in r.stdout and b"no servers could be reached" in r.stdout, describe(r))
expect_equal(dns.queries, 2, "queries the server saw (one per try)")
print("ok")
