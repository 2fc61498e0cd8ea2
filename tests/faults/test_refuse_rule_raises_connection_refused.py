"""refuse: connect fails with ECONNREFUSED (blocking and with a timeout,
i.e. non-blocking connect + poll + SO_ERROR), only for the matched peer."""
from sfcase import *

with Server("sink") as srv:
    sc = f"connect peer=127.0.0.1:{srv.port} -> refuse\n"
    blocking = run(peer("connect", "127.0.0.1", srv.port), scenario=sc)
    timed = run(peer("connect", "127.0.0.1", srv.port, 2), scenario=sc)
    other = run(peer("connect", "127.0.0.1", srv.port),
                scenario=f"connect peer=127.0.0.1:{srv.port + 1 if srv.port < 65535 else 1} -> refuse\n")
    first_only = run(["sh", "-c", f"{PY} {PEER} connect 127.0.0.1 {srv.port}; "
                      f"{PY} {PEER} connect 127.0.0.1 {srv.port}"],
                     scenario=f"connect first=1 -> refuse\n")
expect(blocking.stdout.strip() == "ConnectionRefusedError ECONNREFUSED", blocking.stdout + blocking.stderr)
expect(timed.stdout.strip() == "ConnectionRefusedError ECONNREFUSED", timed.stdout + timed.stderr)
expect(other.stdout.strip() == "connected", other.stdout + other.stderr)
# Each exec'd process has its own counters: both first connects are refused.
expect(first_only.stdout.split("\n")[:2] == ["ConnectionRefusedError ECONNREFUSED"] * 2, first_only.stdout)
print("ok")
