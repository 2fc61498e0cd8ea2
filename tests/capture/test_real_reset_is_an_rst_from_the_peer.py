"""A real reset (the peer closes with SO_LINGER 0 and the kernel sends a
RST) shows as an RST from the peer once the program sees ECONNRESET."""
import os, socket, struct, threading
from capcase import *

ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
port = ls.getsockname()[1]


def serve():
    c, _ = ls.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()


threading.Thread(target=serve, daemon=True).start()
pcap = os.path.join(tmpdir(), "rst.pcap")
prog = ("import socket, time\n"
        f"s = socket.create_connection(('127.0.0.1', {port}))\n"
        "time.sleep(0.3)\n"
        "try:\n    s.recv(100)\n    print('no reset')\n"
        "except ConnectionResetError:\n    print('reset')\n")
r = run([PY, "-c", prog], pcap)
expect(r.stdout.strip() == "reset", r.stdout + r.stderr)
rst = fields(pcap, "tcp.flags.reset == 1", "tcp.srcport", "tcp.seq")
expect(rst == [[str(port), "1"]], f"RSTs: {rst}")
expect_clean(pcap, allow="tcp.flags.reset == 1")
print("ok")
