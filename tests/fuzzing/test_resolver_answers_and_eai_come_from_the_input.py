"""A client's name lookups are answered from the input's answer records,
and the resolver tape makes a lookup fail with an EAI code."""
from fzcase import *

client = """
import socket
for i in range(2):
    try:
        s = socket.create_connection(("svc.fuzz.test", 80))
        print("connected", s.getpeername()[0])
        s.close()
    except socket.gaierror as e:
        print("gaierror", e.errno == socket.EAI_AGAIN)
"""
answer = bytes([5, 0, 10, 9, 8, 7])
inp = write_input("resolver", structured(answer, tape("getaddrinfo", 0x00, 0x80), open_conn("out")))
r = fuzz_run(inp, [PY, "-c", client])
expect(r.returncode == 0, describe(r))
expect_equal(r.stdout.decode().split("\n")[:2], ["connected 10.9.8.7", "gaierror True"], "lookups")
print("ok")
