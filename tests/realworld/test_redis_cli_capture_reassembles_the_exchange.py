"""redis-cli's capture under short transfers: tshark reassembles its
request (RESP: *3 $3 set ...) and the server's reply byte for byte."""
from rwcase import *
from capcase import follow, expect_clean

cli = need("redis-cli")
need("tshark")
value = b"v" * 5000
srv, port = redis_server()
with srv:
    pcap = tmp_path("c.pcap")
    r = run_bytes([cli, "-p", str(port), "set", "k", value], scenario=SHORTS,
                  extra=["--pcap", pcap])
expect(r.stdout == b"OK\n", describe(r))
n0, sent, n1, got = follow(pcap, 0)
expect_equal(n1, f"127.0.0.1:{port}", "the server's node")
expect_equal(sent, b"*3\r\n$3\r\nset\r\n$1\r\nk\r\n$5000\r\n" + value + b"\r\n", "the request")
expect_equal(got, b"+OK\r\n", "the reply")
expect_clean(pcap)
print("ok")
