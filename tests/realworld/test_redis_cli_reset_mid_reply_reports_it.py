"""A reset after the first 1000 bytes of a 100 kB reply: redis-cli reports
"Connection reset by peer" instead of printing a truncated value."""
from rwcase import *

cli = need("redis-cli")
srv, port = redis_server()
with srv:
    r = run_bytes([cli, "-p", str(port), "set", "k", "x" * 100000])
    expect(r.stdout == b"OK\n", describe(r))
    r = run_bytes([cli, "-p", str(port), "get", "k"], scenario="recv bytes=1000.. -> reset\n")
expect(b"Connection reset by peer" in r.stdout + r.stderr, describe(r))
expect(b"x" * 2000 not in r.stdout, "redis-cli printed part of the value")
print("ok")
