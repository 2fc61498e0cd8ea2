#!/usr/bin/env python3
"""Sample programs for the fault tests: servers (run natively by the tests)
and clients (run under the shim).  Each prints one line of results, or the
name of the exception that ended it, so a test can compare runs.

  serve MODE PORTFILE        accept one connection at a time on 127.0.0.1 and
                             write the chosen port to PORTFILE; MODE is
                             sink (read to EOF, reply sha256), echo, or
                             source:N (send N seeded bytes, then close)
  sendall HOST PORT N        sendall N seeded bytes, shut down, print the
                             local and the server's sha256
  recvall HOST PORT          print the sha256 and length of everything read
  echo HOST PORT COUNT       COUNT request/reply round trips of 100 bytes
  connect HOST PORT [T]      connect (with timeout T) and print the outcome
  recv HOST PORT T           connect, recv once with timeout T, print outcome
  recv-send HOST PORT        recv once, then send once; print each outcome
"""
import errno
import hashlib
import os
import random
import socket
import sys


def payload(n, seed=1):
    rnd = random.Random(seed)
    out = bytearray()
    while len(out) < n:
        out += rnd.getrandbits(8 * 4096).to_bytes(4096, "little")
    return bytes(out[:n])


def serve(mode, portfile):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(ls.getsockname()[1]))
    os.rename(tmp, portfile)
    while True:
        c, _ = ls.accept()
        try:
            if mode == "sink":
                h, n = hashlib.sha256(), 0
                while True:
                    b = c.recv(1 << 16)
                    if not b:
                        break
                    h.update(b)
                    n += len(b)
                c.sendall(f"{h.hexdigest()} {n}\n".encode())
            elif mode == "echo":
                while True:
                    b = c.recv(1 << 16)
                    if not b:
                        break
                    c.sendall(b)
            elif mode.startswith("source:"):
                c.sendall(payload(int(mode[7:])))
        except OSError:
            pass
        finally:
            c.close()


def describe(e):
    name = errno.errorcode.get(e.errno, "") if e.errno else ""
    return f"{type(e).__name__} {name}".strip()


def outcome(fn):
    try:
        print(fn(), flush=True)
    except OSError as e:
        print(describe(e), flush=True)
        sys.exit(3)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "serve":
        serve(args[0], args[1])
    elif cmd == "sendall":
        host, port, n = args[0], int(args[1]), int(args[2])
        data = payload(n)

        def run():
            with socket.create_connection((host, port)) as s:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
                reply = b""
                while not reply.endswith(b"\n"):
                    b = s.recv(4096)
                    if not b:
                        break
                    reply += b
            return f"local {hashlib.sha256(data).hexdigest()} {n} server {reply.decode().strip()}"
        outcome(run)
    elif cmd == "recvall":
        def run():
            h, n = hashlib.sha256(), 0
            with socket.create_connection((args[0], int(args[1]))) as s:
                while True:
                    b = s.recv(1 << 16)
                    if not b:
                        break
                    h.update(b)
                    n += len(b)
            return f"{h.hexdigest()} {n}"
        outcome(run)
    elif cmd == "echo":
        def run():
            with socket.create_connection((args[0], int(args[1]))) as s:
                h = hashlib.sha256()
                for i in range(int(args[2])):
                    msg = payload(100, seed=i)
                    s.sendall(msg)
                    got = b""
                    while len(got) < len(msg):
                        b = s.recv(len(msg) - len(got))
                        if not b:
                            raise ConnectionResetError("eof")
                        got += b
                    if got != msg:
                        return "mismatch"
                    h.update(got)
            return "echo " + h.hexdigest()
        outcome(run)
    elif cmd == "connect":
        def run():
            t = float(args[2]) if len(args) > 2 else None
            with socket.create_connection((args[0], int(args[1])), timeout=t):
                return "connected"
        outcome(run)
    elif cmd == "recv":
        def run():
            with socket.create_connection((args[0], int(args[1]))) as s:
                s.settimeout(float(args[2]))
                return f"recv {len(s.recv(100))}"
        outcome(run)
    elif cmd == "recv-send":
        # After a reset: the recv reports it, the send after it gets EPIPE.
        s = socket.create_connection((args[0], int(args[1])))
        for op in (lambda: s.recv(100), lambda: s.send(b"x" * 100)):
            try:
                r = op()
                print(f"ok {r if isinstance(r, int) else len(r)}", flush=True)
            except OSError as e:
                print(describe(e), flush=True)
        s.close()
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
