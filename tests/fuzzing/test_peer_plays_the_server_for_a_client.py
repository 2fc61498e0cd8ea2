"""For a client, the input is the server's side: the program's outbound
connect, to any address, reaches the peer, which sends the input's chunks
and its FIN; the client reads them and ends normally."""
from fzcase import *

client = """
import socket
s = socket.create_connection(("10.1.2.3", 80))
s.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n")
got = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    got += b
print(repr(got))
"""
inp = write_input("client", structured(open_conn("out"), data(0, b"HTTP/1.0 200 OK\r\n"), data(0, b"\r\nhi"), fin(0)))
r = fuzz_run(inp, [PY, "-c", client])
expect(r.returncode == 0, describe(r))
expect_equal(r.stdout.decode().strip(), repr(b"HTTP/1.0 200 OK\r\n\r\nhi"), "what the client read")
print("ok")
