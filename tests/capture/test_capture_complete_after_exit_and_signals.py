"""The capture file is complete however the program ends: normal exit,
os._exit, death by SIGTERM, SIGINT (default action) or even SIGKILL, also
while another thread is in the middle of sending: tshark reads every file
without complaint, and every byte sent before the end is in it."""
import os
from capcase import *
from servers import TcpEcho

PROG = r"""
import os, signal, socket, sys, threading, time
how, port = sys.argv[1], int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
for i in range(5):
    s.sendall(bytes([65 + i]) * 1000)
if how.endswith("-busy"):
    def spin():
        while True:
            s.sendall(b"z" * 100000)
    threading.Thread(target=spin, daemon=True).start()
    time.sleep(0.3)
sig = {"term": signal.SIGTERM, "int": signal.SIGINT, "kill": signal.SIGKILL}
kind = how.split("-")[0]
if kind == "exit":
    sys.exit(0)
if kind == "_exit":
    os._exit(0)
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.kill(os.getpid(), sig[kind])
time.sleep(5)
"""
srv = TcpEcho()
expected = b"".join(bytes([65 + i]) * 1000 for i in range(5))
for how in ("exit", "_exit", "term", "int", "kill", "term-busy", "kill-busy"):
    pcap = os.path.join(tmpdir(), how + ".pcap")
    r = run([PY, "-c", PROG, how, str(srv.port)], pcap)
    want_rc = {"term": -15, "int": -2, "kill": -9}.get(how.split("-")[0], 0)
    expect(r.returncode == want_rc, f"{how}: exit status {r.returncode} {r.stderr}")
    n0, b0, n1, b1 = follow(pcap, 0)  # fails if tshark finds a record cut short
    if how.endswith("-busy"):
        expect(b0.startswith(expected) and len(b0) > len(expected), f"{how}: {len(b0)} bytes captured")
        expect(set(b0[len(expected):]) == {ord("z")}, f"{how}: foreign bytes after the prefix")
    else:
        expect(b0 == expected, f"{how}: captured {len(b0)} bytes, expected {len(expected)}")
    expect_clean(pcap)
print("ok")
