"""`first=2` fails exactly the first two lookups: a retry loop sees
EAI_AGAIN twice, then the table's answer, and the event log has the two
injected failures with their counts."""
import socket
from rcase import *

SCENARIO = """
host api.example.test 127.0.0.1
getaddrinfo name=*.example.test first=2 -> eai EAI_AGAIN
"""
PROBE = r'''
import json, socket
attempts = []
for i in range(5):
    try:
        r = socket.getaddrinfo("api.example.test", 443, type=socket.SOCK_STREAM)
        attempts.append(r[0][4][0])
        break
    except socket.gaierror as e:
        attempts.append(e.errno)
print(json.dumps(attempts))
'''
log = tmp_path("events.jsonl")
got = json_of(run(python(PROBE), SCENARIO, log=log), "retry loop")
expect_equal(got, [socket.EAI_AGAIN, socket.EAI_AGAIN, "127.0.0.1"], "attempts")
events = log_events(log)
expect_equal([(e["call"], e["name"], e["action"], e["count"]) for e in events],
             [("getaddrinfo", "api.example.test", "eai", 1), ("getaddrinfo", "api.example.test", "eai", 2)],
             "logged faults")
print("ok:", got)
