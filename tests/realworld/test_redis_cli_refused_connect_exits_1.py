"""redis-cli whose connect is refused prints "Could not connect to Redis at
HOST:PORT: Connection refused" and exits 1."""
from rwcase import *

cli = need("redis-cli")
r = run_bytes([cli, "-p", "9", "ping"], scenario="connect -> refuse\n")
expect_equal(r.returncode, 1, "redis-cli's exit status")
expect(b"Could not connect to Redis at 127.0.0.1:9: Connection refused" in r.stdout + r.stderr,
       describe(r))
print("ok")
