"""redis-cli on the virtual network, its server the scenario's scripted
peer answering a bulk string in 1..3-byte reads: redis-cli reassembles the
RESP reply and prints the value."""
from rwcase import *

cli = need("redis-cli")
value = os.urandom(3000).hex().encode()
r = run_bytes([cli, "-h", "127.0.0.1", "-p", "6379", "get", "k"],
              scenario=peer_server(b"$%d\r\n%s\r\n" % (len(value), value)) + "recv -> short 1..3\n")
expect(r.returncode == 0, describe(r))
expect_equal(r.stdout, value + b"\n", "what redis-cli printed")
print("ok")
