"""memcached's first client connection reset while it reads a set: the
worker drops that connection, the server goes on, and the next client
stores and fetches its value intact."""
from rwcase import *

log = tmp_path("log")
srv, port = memcached("recv conn=2 bytes=1000.. -> reset\n", log=log)
with srv:
    s = socket.create_connection(("127.0.0.1", port))
    try:
        s.sendall(b"set a 0 0 100000\r\n" + b"a" * 100000 + b"\r\n")
        answer = s.recv(100)
    except OSError as e:
        answer = repr(e).encode()
    s.close()
    expect(b"STORED" not in answer, f"memcached stored a reset request: {answer!r}")
    value = os.urandom(200000)
    expect_equal(memcache_set_get(port, b"b", value), value, "the next client's value")
    expect(srv.proc.poll() is None, "memcached exited")
expect_equal([e["action"] for e in log_events(log)], ["reset"], "faults injected")
print("ok")
