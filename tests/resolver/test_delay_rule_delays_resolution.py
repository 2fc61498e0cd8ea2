"""A `delay` rule on getaddrinfo sleeps, then resolves normally; the event
log records the delay with the call's result (0)."""
from rcase import *

SCENARIO = "host web.test 127.0.0.1\ngetaddrinfo name=web.test -> delay 400ms\n"
PROBE = r'''
import json, socket, time
t = time.monotonic()
r = socket.getaddrinfo("web.test", 80, type=socket.SOCK_STREAM)
print(json.dumps([time.monotonic() - t, r[0][4][0]]))
'''
log = tmp_path("events.jsonl")
elapsed, addr = json_of(run(python(PROBE), SCENARIO, log=log), "probe")
expect(elapsed >= 0.4, f"getaddrinfo took {elapsed:.3f}s, expected at least 0.4s")
expect_equal(addr, "127.0.0.1", "address after the delay")
events = log_events(log)
expect_equal([(e["call"], e["action"], e["result"]) for e in events], [("getaddrinfo", "delay", 0)],
             "logged faults")
print("ok: %.3fs" % elapsed)
