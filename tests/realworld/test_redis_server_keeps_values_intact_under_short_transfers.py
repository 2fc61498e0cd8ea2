"""redis-server under short sends and reads (its event loop must resume
partial writes and parse requests that arrive in pieces): a 600 kB binary
value SET and GET by native redis-cli comes back byte-exact."""
from rwcase import *

cli = need("redis-cli")
blob = tmp_path("blob")
want = payload(blob, 600000)
log = tmp_path("log")
srv, port = redis_server(SHORTS, log=log)
with srv:
    with open(blob, "rb") as f:
        r = run_bytes([cli, "-p", str(port), "-x", "set", "k"], stdin=f.read())
    expect(r.stdout == b"OK\n", describe(r))
    r = run_bytes([cli, "-p", str(port), "--no-raw", "strlen", "k"])
    expect_equal(r.stdout, b"(integer) 600000\n", "STRLEN")
    r = run_bytes([cli, "-p", str(port), "get", "k"])
    expect(r.returncode == 0, describe(r))
expect_equal(sha256(r.stdout[:-1]), want, "SHA-256 of the value GET returned")
n = len(log_events(log))
expect(n > 20, f"only {n} short transfers")
print("ok")
