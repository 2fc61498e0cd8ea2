"""memcached's worker threads with every send and recv cut short: four
native clients at once each store and fetch a 500 kB value, byte-exact."""
import threading
from rwcase import *

log = tmp_path("log")
srv, port = memcached(SHORTS, log=log)
vals = {b"k%d" % i: hashlib.sha256(b"%d" % i).digest() * 15625 for i in range(4)}
got = {}
with srv:
    ts = [threading.Thread(target=lambda k=k: got.__setitem__(k, memcache_set_get(port, k, vals[k])))
          for k in vals]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
for k, v in vals.items():
    expect(k in got, f"client {k} failed")
    expect_equal(sha256(got[k]), sha256(v), f"SHA-256 of {k}")
events = log_events(log)
expect(len({e["tid"] for e in events}) >= 2, "the faults were not spread over the worker threads")
print("ok")
