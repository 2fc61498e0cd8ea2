"""FINDINGS.md #1 (expected, wrong, behaviour): the answer comes twice,
the second copy half a second after the first; the first is discarded
between epoll's report and the read (what Linux does to a datagram whose
checksum fails: recvmsg says EAGAIN).  A correct client waits on and reads
the second copy within its 5 s timeout; dig 9.18 (libuv calls its callback with no
address for the EAGAIN, BIND's netmgr takes that for end of stream) fails
the try at once with "end of file" and, with +tries=1, exits 9 although
the answer is waiting in its socket."""
from rwcase import *

dig = need("dig")
dns = Dns(copies=2, gap=0.5)
r = run_bytes([dig, "@127.0.0.1", "-p", str(dns.port), "www.example.test", "A", "+tries=1",
               "+timeout=5"], scenario="recv proto=udp first=1 -> drop\n", log=tmp_path("log"))
expect_equal(r.returncode, 9, f"dig's exit status ({describe(r)})")
expect(b"communications error" in r.stdout and b"end of file" in r.stdout, describe(r))
expect_equal([e["action"] for e in log_events(tmp_path("log"))], ["drop"], "faults injected")
print("ok")
