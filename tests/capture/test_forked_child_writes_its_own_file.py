"""A forked child writes FILE.<pid>: its own connection is there and not in
the parent's FILE; closing the connection it inherited writes no FIN in
either file (the parent still uses it); the parent's file goes on
uncorrupted.  A child that records nothing (it only closes the inherited socket) leaves
no file."""
import os
from capcase import *
from servers import TcpEcho

PROG = r"""
import os, socket, sys
port = int(sys.argv[1])
a = socket.create_connection(("127.0.0.1", port))
a.sendall(b"P" * 3000)
pid = os.fork()
if pid == 0:
    b = socket.create_connection(("127.0.0.1", port))
    b.sendall(b"C" * 2000)
    a.close()
    b.close()
    os._exit(0)
os.waitpid(pid, 0)
quiet = os.fork()
if quiet == 0:
    a.close()  # an inherited connection: no FIN, so nothing to record
    os._exit(0)
os.waitpid(quiet, 0)
a.sendall(b"Q" * 1000)
print(pid, quiet, a.getsockname()[1])
"""
srv = TcpEcho()
d = tmpdir()
pcap = os.path.join(d, "fork.pcap")
r = run([PY, "-c", PROG, str(srv.port)], pcap)
expect(r.returncode == 0, r.stderr)
child, quiet, aport = r.stdout.split()
expect(sorted(os.listdir(d)) == sorted(["fork.pcap", f"fork.pcap.{child}"]), f"files: {os.listdir(d)}")
n0, b0, _, _ = follow(pcap, 0)
expect(n0 == f"127.0.0.1:{aport}" and b0 == b"P" * 3000 + b"Q" * 1000, f"parent stream: {n0} {len(b0)}")
expect(len(fields(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 0", "frame.number")) == 1,
       "the parent's file has other connections")
cpcap = f"{pcap}.{child}"
n0, b0, _, _ = follow(cpcap, 0)
expect(b0 == b"C" * 2000 and n0 != f"127.0.0.1:{aport}", f"child stream: {n0} {len(b0)}")
expect(not fields(cpcap, f"tcp.port == {aport}", "frame.number"), "the child's file has the parent's flow")
# The parent's own close (at interpreter exit) is its only FIN, after all data.
fins = fields(pcap, "tcp.flags.fin == 1", "tcp.srcport", "tcp.seq")
expect(fins == [[aport, "4001"]], f"FINs in the parent's file: {fins}")
expect_clean(pcap)
expect_clean(cpcap)
print("ok")
