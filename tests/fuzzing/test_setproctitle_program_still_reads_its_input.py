"""fuzz-peer mode reads its input at the program's first socket, after main
started: a program that rewrote its environment block first (setproctitle,
as redis-server does before it listens) still gets the input --fuzz named,
and its connect reaches the peer."""
import os
from fzcase import *

prog = os.path.join(PROGRAMS, "sf_setproctitle")
inp = write_input("client", structured(open_conn("out"), data(0, b"hi"), fin(0)))
r = fuzz_run(inp, [prog, "connect", "80"])
expect(r.returncode == 0, describe(r))
expect_equal(r.stdout.decode(), "environment rewritten\nconnect: ok\n", "program output")
print("ok")
