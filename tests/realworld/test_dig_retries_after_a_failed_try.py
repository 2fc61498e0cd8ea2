"""The first answer discarded (see FINDINGS.md #1: dig fails that try):
with +tries=2 dig asks again and prints the answer, exit 0; the server saw
two queries."""
from rwcase import *

dig = need("dig")
dns = Dns()
r = run_bytes([dig, "@127.0.0.1", "-p", str(dns.port), "www.example.test", "A", "+tries=2",
               "+timeout=2", "+short"], scenario="recv proto=udp first=1 -> drop\n")
expect(r.returncode == 0, describe(r))
expect(r.stdout.endswith(b"192.0.2.7\n"), describe(r))
expect_equal(dns.queries, 2, "queries the server saw")
print("ok")
