"""Every datagram dig receives arrives twice: dig takes the first answer
and exits 0 with it."""
from rwcase import *

dig = need("dig")
dns = Dns()
r = run_bytes([dig, "@127.0.0.1", "-p", str(dns.port), "www.example.test", "A", "+tries=1",
               "+timeout=2", "+short"], scenario="recv proto=udp -> duplicate\n",
              log=tmp_path("log"))
expect(r.returncode == 0, describe(r))
expect_equal(r.stdout, b"192.0.2.7\n", "dig's answer")
print("ok")
