"""nginx's pre-forked workers, every write and read of theirs cut short
(sendfile off: nginx writes from its buffers): a native curl fetches a
1 MiB file eight times, byte-exact each time; the faults were injected by
the workers (not the master), as the event log's pids show."""
from rwcase import *

curl = need("curl")
root = scratch()
want = payload(os.path.join(root, "f"), 1 << 20)
os.chmod(root, 0o755)
log = tmp_path("log")
srv, port = nginx(root, SHORTS, log=log)
with srv:
    for i in range(8):
        out = tmp_path(f"got{i}")
        r = run_bytes([curl, "-sS", "-o", out, f"http://127.0.0.1:{port}/f"])
        expect(r.returncode == 0, describe(r))
        expect_equal(sha256_file(out), want, f"SHA-256 of download {i}")
events = log_events(log)
pids = {e["pid"] for e in events}
expect(len(events) > 100, f"only {len(events)} short transfers")
expect(srv.proc.pid not in pids, "the master process injected faults (it serves no connection)")
print("ok")
