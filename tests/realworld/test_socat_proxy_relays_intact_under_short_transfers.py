"""socat as a TCP proxy (fork per connection) between a native curl and a
native http.server, every send and recv of socat's cut short on both of
its connections: the 1 MiB file arrives byte-exact, and the faults were
injected by socat's forked children."""
from rwcase import *

socat, curl = need("socat", "curl")
root = scratch()
want = payload(os.path.join(root, "f"), 1 << 20, seed=8)
web, wport = http_server(root)
with web:
    port = free_port()
    log = tmp_path("log")
    with Proc([socat, f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork",
               f"TCP:127.0.0.1:{wport}"], SHORTS, log=log) as proxy:
        wait_port(port, proxy.proc, "socat")
        outs = []
        for i in range(2):
            outs.append(tmp_path(f"got{i}"))
            r = run_bytes([curl, "-sS", "-o", outs[-1], f"http://127.0.0.1:{port}/f"])
            expect(r.returncode == 0, describe(r))
for i, o in enumerate(outs):
    expect_equal(sha256_file(o), want, f"SHA-256 through the proxy, download {i}")
events = log_events(log)
peers = {e["peer"] for e in events}
expect(any(p.endswith(f":{wport}") for p in peers), f"no fault on the upstream connection: {peers}")
expect(proxy.proc.pid not in {e["pid"] for e in events}, "the listening socat injected faults")
print("ok")
