"""getaddrinfo failing with EAI_NONAME: redis-cli prints the resolver's own
message (gai_strerror) for the host and exits 1."""
from rwcase import *

cli = need("redis-cli")
r = run_bytes([cli, "-h", "cache.example.test", "-p", "6379", "ping"],
              scenario="getaddrinfo name=cache.example.test -> eai EAI_NONAME\n")
expect_equal(r.returncode, 1, f"redis-cli's exit status ({describe(r)})")
expect(b"Could not connect to Redis at cache.example.test:6379: Name or service not known"
       in r.stdout + r.stderr, describe(r))
print("ok")
