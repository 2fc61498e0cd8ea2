#!/usr/bin/env python3
"""UDP client for the capture tests: sends COUNT datagrams to HOST PORT
(datagram i is SIZE(i) bytes of value i % 256), each followed by a wait of
up to 0.3 s for its reply (stop-and-wait: no socket buffer overflows);
prints the local port and the indices of the replies received.

  udp.py HOST PORT COUNT
"""
import socket
import sys


def size(i):
    return 1 + (i * 977) % 9000


def main():
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(0.3)
    got = []
    for i in range(count):
        s.sendto(bytes([i % 256]) * size(i), (host, port))
        try:
            b, a = s.recvfrom(65536)
            got.append(b[0])
        except socket.timeout:
            pass
    print(s.getsockname()[1], " ".join(map(str, got)))


if __name__ == "__main__":
    main()
