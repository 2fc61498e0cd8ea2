#!/usr/bin/env python3
"""Self-contained demo for the README: a server thread and a client in one
process, both talking through the shim.  The client sends SIZE bytes (default
1 MiB) with sendall, the server echoes its SHA-256; prints whether the data
arrived intact, or the error the program saw."""
import hashlib
import os
import socket
import sys
import threading


def server(ls, result):
    c, _ = ls.accept()
    with c:
        h = hashlib.sha256()
        while True:
            b = c.recv(65536)
            if not b:
                break
            h.update(b)
        c.sendall(h.hexdigest().encode())
    result.append(True)


def main():
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 20
    data = os.urandom(size)
    ls = socket.create_server(("127.0.0.1", 0))
    done = []
    t = threading.Thread(target=server, args=(ls, done), daemon=True)
    t.start()
    try:
        with socket.create_connection(ls.getsockname(), timeout=10) as s:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            reply = b""
            while len(reply) < 64:
                b = s.recv(64 - len(reply))
                if not b:
                    break
                reply += b
    except OSError as e:
        print(f"client: {type(e).__name__}: {e}")
        return 1
    ok = reply.decode() == hashlib.sha256(data).hexdigest()
    print(f"{size} bytes {'intact' if ok else 'CORRUPTED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
