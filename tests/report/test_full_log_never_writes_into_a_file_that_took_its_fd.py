"""A program that closes every descriptor (as daemons do) after the full log
opened, and gets the log's number back for a file of its own: the shim
never writes its lines into the program's file; it reopens its log and the
later events are there."""
from reportcase import *

d = scratch()
mine = os.path.join(d, "mine.txt")
prog = rf'''
import os, socket
socket.socket().close()                  # the log opens at the first event
os.closerange(3, 1024)                   # a daemon closing everything
fd = os.open({mine!r}, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
os.write(fd, b"program's own line\n")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"after", ("127.0.0.1", 9))
s.close()
os.write(fd, b"program's last line\n")
'''
log = os.path.join(d, "events.jsonl")
p = sftest.run([sftest.PY, "-c", prog], log=log, extra=["--log-events", "all"])
sftest.ok(p, "the program")
with open(mine) as f:
    sftest.expect_equal(f.read(), "program's own line\nprogram's last line\n", "the program's file")
sends = [o for o in log_all(log) if o.get("ev") == "send" and o.get("bytes") == 5]
expect(len(sends) == 1, f"the send after the close-all is logged: {log_all(log)[-4:]}")
