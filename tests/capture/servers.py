"""Native servers for the capture tests, run as threads of the (unpreloaded)
test process: a UDP echo and a TCP echo, IPv4 or IPv6."""
import socket
import threading


def loopback(family):
    return "::1" if family == socket.AF_INET6 else "127.0.0.1"


class Echo:
    """UDP: sends every datagram back to where it came from."""

    def __init__(self, family=socket.AF_INET):
        self.s = socket.socket(family, socket.SOCK_DGRAM)
        self.s.bind((loopback(family), 0))
        self.port = self.s.getsockname()[1]
        self.seen = []
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                b, a = self.s.recvfrom(65536)
            except OSError:
                return
            self.seen.append((b, a))
            self.s.sendto(b, a)


class TcpEcho:
    """TCP: echoes each connection until EOF, then closes it."""

    def __init__(self, family=socket.AF_INET):
        self.s = socket.socket(family, socket.SOCK_STREAM)
        self.s.bind((loopback(family), 0))
        self.s.listen(8)
        self.port = self.s.getsockname()[1]
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                c, _ = self.s.accept()
            except OSError:
                return
            threading.Thread(target=self.echo, args=(c,), daemon=True).start()

    @staticmethod
    def echo(c):
        with c:
            while True:
                b = c.recv(1 << 16)
                if not b:
                    return
                c.sendall(b)
