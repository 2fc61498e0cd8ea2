"""Fuzz-peer mode: a server that loops on accept forever exits with status
0 on its own once the input is used up and it waits for more -- with the
connection finished (FIN), and with it left open mid-message."""
from fzcase import *

inputs = {
    "raw": b"E\x05helloN\x03bob",
    "fin": structured(open_conn(), data(0, b"E\x02hi"), fin(0)),
    "open-mid-message": structured(open_conn(), data(0, b"E\x10only-part")),
    "two-conns": structured(open_conn(), open_conn(), data(0, b"E\x01a"), data(1, b"E\x01b"), fin(1)),
    "empty": b"",
}
for name, content in sorted(inputs.items()):
    r = fuzz_run(write_input(name, content), [SERVER, "7000"])
    expect(r.returncode == 0, f"{name}: {describe(r)}")
    expect(b"listening 7000" in r.stdout, f"{name}: the server did not start: {r.stdout!r}")
print("ok")
