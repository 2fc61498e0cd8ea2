#!/usr/bin/env python3
"""One fault kind per subcommand, self-contained: a server thread and a
client in this one process on 127.0.0.1 (for UDP, a socket sending to
itself), so a suite can run it with nothing else started.  Run it under a
scenario that injects the fault; it prints what the client saw, one line
starting with the subcommand's name.  Exit status: 0 when the client ran to
completion, 3 when an OSError ended it (its name and errno are printed),
1 when data arrived damaged.

  eintr             1 MiB sent and its SHA-256 echoed back: "intact"
  eagain            recv with a timeout set (EAGAIN makes Python poll again)
  error             connect; prints the error it fails with
  short             256 KiB through sendall and recv loops: "intact"
  delay [SECS]      connect and recv 100 bytes: took at least SECS (0.3)?
  timeout           recv with a 0.5 s timeout
  blackhole         connect with a 0.5 s timeout
  refuse            connect
  reset             recv from a 100 kB stream until it fails, then send
  close             read a 1 MB stream to its end: how much arrived
  bandwidth [N S]   sendall N bytes (600000): took at least S seconds (0.4)?
  truncate          sendall 5000 bytes: what the client saw, what arrived
  udp [COUNT]       COUNT (5) numbered datagrams to itself, in arrival order;
                    "?" for one that arrived damaged
"""
import errno
import hashlib
import os
import re
import socket
import sys
import threading
import time


def describe(e):
    name = errno.errorcode.get(e.errno, "") if e.errno else ""
    return f"{type(e).__name__} {name}".strip()


class Server:
    """One connection on 127.0.0.1, handled in a thread by `mode`:
    sink (read to EOF, reply "SHA256 N"), source:N (send N bytes, close)."""

    def __init__(self, mode):
        self.mode = mode
        self.received = None
        self.ls = socket.create_server(("127.0.0.1", 0))
        self.addr = self.ls.getsockname()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            c, _ = self.ls.accept()
        except OSError:
            return
        with c:
            try:
                if self.mode == "sink":
                    h, n = hashlib.sha256(), 0
                    while True:
                        b = c.recv(1 << 16)
                        if not b:
                            break
                        h.update(b)
                        n += len(b)
                    self.received = n
                    c.sendall(f"{h.hexdigest()} {n}\n".encode())
                elif self.mode.startswith("source:"):
                    c.sendall(os.urandom(int(self.mode[7:])))
            except OSError:
                pass

    def wait(self):
        self.thread.join(10)
        return self.received


def read_line(s):
    reply = b""
    while not reply.endswith(b"\n"):
        b = s.recv(4096)
        if not b:
            break
        reply += b
    return reply.decode().strip()


def send_and_check(name, size):
    """sendall `size` random bytes to a sink; the server's digest must match."""
    data = os.urandom(size)
    srv = Server("sink")
    with socket.create_connection(srv.addr, timeout=30) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        reply = read_line(s)
    ok = reply == f"{hashlib.sha256(data).hexdigest()} {size}"
    print(f"{name}: {size} bytes {'intact' if ok else 'CORRUPTED'}")
    return 0 if ok else 1


def cmd_eintr(args):
    return send_and_check("eintr", 1 << 20)


def cmd_short(args):
    return send_and_check("short", 256 << 10)


def cmd_eagain(args):
    srv = Server("source:100")
    with socket.create_connection(srv.addr) as s:
        s.settimeout(5)
        got = b""
        while len(got) < 100:
            b = s.recv(100 - len(got))
            if not b:
                break
            got += b
    print(f"eagain: received {len(got)} bytes")
    return 0


def cmd_error(args):
    srv = Server("sink")
    with socket.create_connection(srv.addr):
        print("error: connected")
    return 0


def cmd_delay(args):
    want = float(args[0]) if args else 0.3
    srv = Server("source:100")
    t0 = time.monotonic()
    with socket.create_connection(srv.addr) as s:
        got = len(s.recv(100))
    took = time.monotonic() - t0
    # Lower bounds only: a loaded machine may always be slower.
    print(f"delay: received {got} bytes, {'at least' if took >= want else 'in less than'} {want} s")
    return 0


def cmd_timeout(args):
    srv = Server("source:100")
    with socket.create_connection(srv.addr) as s:
        s.settimeout(0.5)
        print(f"timeout: received {len(s.recv(100))} bytes")
    return 0


def cmd_blackhole(args):
    srv = Server("sink")
    with socket.create_connection(srv.addr, timeout=0.5):
        print("blackhole: connected")
    return 0


def cmd_refuse(args):
    srv = Server("sink")
    with socket.create_connection(srv.addr):
        print("refuse: connected")
    return 0


def cmd_reset(args):
    srv = Server("source:100000")
    s = socket.create_connection(srv.addr)
    n = 0
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            n += len(b)
        print(f"reset: read all {n} bytes")
        return 0
    except OSError as e:
        recv_err = describe(e)
    try:
        s.send(b"x" * 100)
        send_err = "ok"
    except OSError as e:
        send_err = describe(e)
    finally:
        s.close()
    print(f"reset: recv {recv_err} after {n} bytes, then send {send_err}")
    return 3


def cmd_close(args):
    total = 1000000
    srv = Server(f"source:{total}")
    n = 0
    with socket.create_connection(srv.addr) as s:
        while True:
            b = s.recv(1 << 16)
            if not b:
                break
            n += len(b)
    print(f"close: stream ended {'early' if n < total else 'complete'}, {n} of {total} bytes")
    return 0


def cmd_bandwidth(args):
    size = int(args[0]) if args else 600000
    want = float(args[1]) if len(args) > 1 else 0.4
    t0 = time.monotonic()
    rc = send_and_check("bandwidth", size)
    took = time.monotonic() - t0
    print(f"bandwidth: {'paced' if took >= want else 'not paced'}, "
          f"{'at least' if took >= want else 'less than'} {want} s")
    return rc


def cmd_truncate(args):
    srv = Server("sink")
    s = socket.create_connection(srv.addr)
    try:
        s.sendall(b"x" * 5000)
        outcome = "sent all 5000 bytes"
    except OSError as e:
        outcome = describe(e)
    finally:
        s.close()
    print(f"truncate: client {outcome}; server got {srv.wait()} bytes")
    return 0 if outcome.startswith("sent") else 3


def cmd_udp(args):
    count = int(args[0]) if args else 5
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    me = s.getsockname()
    for i in range(1, count + 1):
        s.sendto(b"datagram-%04d" % i, me)
    s.settimeout(0.2)
    seen = []
    while True:
        try:
            data, _ = s.recvfrom(64)
        except TimeoutError:
            break
        m = re.fullmatch(rb"datagram-(\d{4})", data)
        seen.append(str(int(m.group(1))) if m else "?")
    s.close()
    print("udp: " + " ".join(seen))
    return 0


def main():
    cmds = {k[4:]: v for k, v in globals().items() if k.startswith("cmd_")}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(f"usage: faultdemo.py {{{'|'.join(cmds)}}} [ARGS]")
    name = sys.argv[1]
    try:
        return cmds[name](sys.argv[2:])
    except OSError as e:
        print(f"{name}: {describe(e)}", flush=True)
        return 3


if __name__ == "__main__":
    sys.exit(main())
