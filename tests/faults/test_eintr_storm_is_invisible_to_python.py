"""PEP 475: CPython retries calls interrupted by EINTR, so a storm of
injected EINTRs on connect, accept, send and recv (client and server under
the shim) changes nothing the program prints."""
import os, tempfile
from sfcase import *

storm = """seed 1
recv every=2 -> eintr
send every=2 -> eintr
connect -> eintr
accept every=2 -> eintr
"""
with Server("echo") as srv:
    want = native(peer("echo", "127.0.0.1", srv.port, 200))
expect(want.returncode == 0, want.stderr)
slog = os.path.join(tempfile.mkdtemp(), "server.log")
clog = os.path.join(tempfile.mkdtemp(), "client.log")
with Server("echo", scenario=storm, log=slog) as srv:
    got = run(peer("echo", "127.0.0.1", srv.port, 200), scenario=storm, log=clog)
    got2 = run(peer("echo", "127.0.0.1", srv.port, 50), scenario=storm)
expect(got.returncode == 0 and got.stdout == want.stdout,
       f"output changed under EINTR: {got.stdout!r} vs {want.stdout!r} {got.stderr}")
expect(got2.returncode == 0, got2.stderr)
calls = {e["call"] for e in log_events(clog)} | {e["call"] for e in log_events(slog)}
for c in ("connect", "accept", "recv", "send"):
    expect(any(x.startswith(c) for x in calls), f"no EINTR injected on {c}: {calls}")
print("ok", sorted(calls))
