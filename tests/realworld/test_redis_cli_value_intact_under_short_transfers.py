"""redis-cli under short sends and reads against a native redis-server: a
600 kB value it SETs (-x, from stdin) and GETs back is byte-exact."""
from rwcase import *

cli = need("redis-cli")
blob = tmp_path("blob")
want = payload(blob, 600000, seed=2)
srv, port = redis_server()
with srv:
    with open(blob, "rb") as f:
        r = run_bytes([cli, "-p", str(port), "-x", "set", "k"], stdin=f.read(), scenario=SHORTS)
    expect(r.stdout.startswith(b"OK\n"), describe(r))
    log = tmp_path("log")
    r = run_bytes([cli, "-p", str(port), "get", "k"], scenario=SHORTS, log=log)
    expect(r.returncode == 0, describe(r))
expect_equal(sha256(r.stdout[:-1]), want,
             "SHA-256 of the value redis-cli printed")
n = len(log_events(log))
expect(n > 20, f"only {n} short transfers")
print("ok")
