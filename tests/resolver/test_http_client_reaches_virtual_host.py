"""http.client reaches a local http.server by a virtual name: the program
asks for web.test, the table says 127.0.0.1, the server sees `Host:
web.test`."""
from rcase import *

PROBE = r'''
import http.client, sys
c = http.client.HTTPConnection("web.test", int(sys.argv[1]), timeout=30)
c.request("GET", "/")
r = c.getresponse()
sys.stdout.write("%d %s" % (r.status, r.read().decode()))
'''
with HttpServer(b"hello from web.test\n") as srv:
    out = ok(run(python(PROBE, srv.port), "host web.test 127.0.0.1\n"), "http.client")
    expect_equal(out, "200 hello from web.test\n", "response")
    expect_equal(srv.hosts, ["web.test:%d" % srv.port], "Host headers the server saw")
print("ok:", out.strip())
