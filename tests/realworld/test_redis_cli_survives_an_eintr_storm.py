"""Every other read and write of redis-cli interrupted (EINTR, as a signal
without SA_RESTART would): hiredis retries, the 600 kB value is intact."""
from rwcase import *

cli = need("redis-cli")
want = os.urandom(600000)
srv, port = redis_server()
with srv:
    r = run_bytes([cli, "-p", str(port), "-x", "set", "k"], stdin=want)
    expect(r.stdout == b"OK\n", describe(r))
    log = tmp_path("log")
    r = run_bytes([cli, "-p", str(port), "get", "k"],
                  scenario="recv every=2 -> eintr\nsend every=2 -> eintr\n", log=log)
expect(r.returncode == 0, describe(r))
expect_equal(sha256(r.stdout[:-1]), sha256(want), "SHA-256 of the value")
expect(len(log_events(log)) >= 2, "the EINTRs hardly fired")
print("ok")
