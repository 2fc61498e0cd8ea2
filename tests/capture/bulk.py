#!/usr/bin/env python3
"""Client for the capture tests: sends N seeded random bytes to HOST PORT in
chunks of random sizes (sendall, from a thread) while reading everything the
server sends back until EOF; prints the length and sha256 of what it sent and
of what it received.

  bulk.py HOST PORT N [SEED]
"""
import hashlib
import random
import socket
import sys
import threading


def payload(n, seed):
    rnd = random.Random(seed)
    return rnd.randbytes(n)


def main():
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    data = payload(n, seed)
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.connect((host, port))

    def sender():
        rnd = random.Random(seed + 1)
        at = 0
        while at < n:
            k = min(n - at, rnd.randint(1, 200000))
            s.sendall(data[at:at + k])
            at += k
        s.shutdown(socket.SHUT_WR)

    t = threading.Thread(target=sender)
    t.start()
    got = bytearray()
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        got += b
    t.join()
    s.close()
    print(len(data), hashlib.sha256(data).hexdigest(), len(got), hashlib.sha256(got).hexdigest())


if __name__ == "__main__":
    main()
