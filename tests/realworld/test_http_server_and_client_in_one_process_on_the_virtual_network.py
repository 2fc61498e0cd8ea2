"""http.server's ThreadingHTTPServer and urllib in one python3 process on
the virtual network (both ends virtual, every send and recv cut short):
four threads fetch a 1 MiB file at once, each byte-exact."""
from rwcase import *

root = scratch()
want = payload(os.path.join(root, "f"), 1 << 20, seed=17)
PROG = r"""
import functools, hashlib, http.server, sys, threading, urllib.request
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 80), h)
threading.Thread(target=srv.serve_forever, daemon=True).start()
out = {}
def get(i):
    out[i] = hashlib.sha256(urllib.request.urlopen("http://127.0.0.1/f", timeout=60).read()).hexdigest()
ts = [threading.Thread(target=get, args=(i,)) for i in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
print(" ".join(out[i] for i in range(4)))
"""
log = tmp_path("log")
r = run_bytes([PY, "-c", PROG, root], scenario=SHORTS, log=log, extra=["--net", "virtual"])
expect(r.returncode == 0, describe(r))
expect_equal(r.stdout.decode().split(), [want] * 4, "SHA-256 of the four downloads")
expect(len(log_events(log)) > 100, "the shorts hardly fired")
print("ok")
