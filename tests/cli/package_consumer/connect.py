#!/usr/bin/env python3
"""Connects to a server thread of its own: prints "connected" (exit 0) or
the error that stopped it (exit 3)."""
import socket
import sys
import threading

ls = socket.create_server(("127.0.0.1", 0))
threading.Thread(target=ls.accept, daemon=True).start()
try:
    socket.create_connection(ls.getsockname(), timeout=10).close()
except OSError as e:
    print(type(e).__name__)
    sys.exit(3)
print("connected")
