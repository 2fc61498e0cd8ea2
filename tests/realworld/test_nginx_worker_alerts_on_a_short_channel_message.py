"""FINDINGS.md #2 (expected, wrong, behaviour): the master's messages to
its workers go over an AF_UNIX stream socketpair (the channel); cut one
short and the worker reading it does not wait for the rest but logs
"[alert] ... recvmsg() returned not enough data" and drops the message."""
from rwcase import *

root = scratch()
srv, port = nginx(root, "sendmsg family=unix -> short 1..8\n")
with srv:
    srv.stop()
    err = srv.stderr_text()
expect("[alert]" in err and "recvmsg() returned not enough data" in err, f"nginx's log:\n{err}")
print("ok")
