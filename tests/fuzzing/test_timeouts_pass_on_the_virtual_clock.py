"""In fuzz-peer mode a receive timeout on a virtual socket fires as soon as
the program has nothing else to wait for: an hour-long socket timeout ends
this test well within ctest's limit, with Python's TimeoutError."""
from fzcase import *

server = """
import socket
ls = socket.socket()
ls.bind(("0.0.0.0", 7000))
ls.listen()
c, _ = ls.accept()
c.settimeout(3600)
print(c.recv(100))
try:
    c.recv(100)
except TimeoutError:
    print("timed out")
"""
inp = write_input("clock", structured(open_conn(), data(0, b"x")))
r = fuzz_run(inp, [PY, "-c", server], timeout=60)
expect_equal(r.stdout.decode().split("\n")[:2], ["b'x'", "timed out"], "what the server saw")
expect(r.returncode == 0, describe(r))
print("ok")
