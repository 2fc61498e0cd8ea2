"""nginx with sendfile on: the body goes out by sendfile(2), which the shim
cuts short like a send; every byte still arrives, in order (SHA-256)."""
from rwcase import *

curl = need("curl")
root = scratch()
os.chmod(root, 0o755)
want = payload(os.path.join(root, "f"), 1 << 20, seed=3)
log = tmp_path("log")
srv, port = nginx(root, "send -> short 1..4000\n", sendfile="on", log=log)
with srv:
    out = tmp_path("got")
    r = run_bytes([curl, "-sS", "-o", out, f"http://127.0.0.1:{port}/f"])
    expect(r.returncode == 0, describe(r))
expect_equal(sha256_file(out), want, "SHA-256 of the download")
calls = {e["call"] for e in log_events(log)}
expect("sendfile" in calls, f"no sendfile was shorted: {calls}")
print("ok")
