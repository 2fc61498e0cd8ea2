"""curl --retry --retry-connrefused retries a refused first connect and then
downloads the file intact; the log shows the one refusal."""
from rwcase import *

curl = need("curl", under_shim=True)
root = scratch()
want = payload(os.path.join(root, "f"), 100000)
srv, port = http_server(root)
with srv:
    out, log = tmp_path("got"), tmp_path("log")
    r = run([curl, "-sS", "--retry", "2", "--retry-connrefused", "--retry-delay", "1", "-o", out,
             f"http://127.0.0.1:{port}/f"], scenario="connect first=1 -> refuse\n", log=log)
expect(r.returncode == 0, describe(r))
expect_equal([e["action"] for e in log_events(log)], ["refuse"], "faults injected")
expect("fired 1 of 2 matching calls" in r.stderr, f"curl did not connect again: {r.stderr}")
expect_equal(sha256_file(out), want, "SHA-256 of the download")
print("ok")
