"""End of input with several threads: a server with a thread per
connection (the main thread back in accept, each worker in recv) exits with
status 0 once the input is used up and every thread waits -- after the
workers have read every chunk."""
from fzcase import *

server = """
import socket, sys, threading
out = threading.Lock()
def work(c, n):
    while data := c.recv(100):
        with out:
            sys.stdout.write(f"{n} {data!r}\\n")
            sys.stdout.flush()
ls = socket.socket()
ls.bind(("0.0.0.0", 7000))
ls.listen()
for n in range(100):
    c, _ = ls.accept()
    threading.Thread(target=work, args=(c, n)).start()
"""
inp = write_input("threads", structured(open_conn(), open_conn(), data(0, b"a1"), data(1, b"b1"), data(0, b"a2"),
                                        data(1, b"b2")))
r = fuzz_run(inp, [PY, "-c", server])
expect(r.returncode == 0, describe(r))
expect_equal(sorted(r.stdout.decode().split("\n")[:4]), ["0 b'a1'", "0 b'a2'", "1 b'b1'", "1 b'b2'"], "what the workers read")
print("ok")
