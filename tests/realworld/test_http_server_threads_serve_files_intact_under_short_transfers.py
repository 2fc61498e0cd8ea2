"""python3 -m http.server (ThreadingHTTPServer: one thread per connection)
with every send and recv of its threads cut short: four native curls at
once each fetch a 1 MiB file byte-exact."""
from rwcase import *

curl = need("curl")
root = scratch()
want = payload(os.path.join(root, "f"), 1 << 20, seed=4)
log = tmp_path("log")
srv, port = http_server(root, SHORTS, log=log)
with srv:
    outs = [tmp_path(f"got{i}") for i in range(4)]
    ps = [subprocess.Popen([curl, "-sS", "-o", o, f"http://127.0.0.1:{port}/f"], env=clean_env())
          for o in outs]
    expect(all(p.wait(timeout=120) == 0 for p in ps), "a curl failed")
for i, o in enumerate(outs):
    expect_equal(sha256_file(o), want, f"SHA-256 of download {i}")
events = log_events(log)
expect(len({e["tid"] for e in events}) >= 2, "the faults were not spread over the server's threads")
print("ok")
