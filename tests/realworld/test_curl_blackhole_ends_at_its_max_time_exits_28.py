"""A server that stops answering (recv blackholed): curl's own --max-time
ends the transfer, and curl exits 28 ("Operation timed out")."""
from rwcase import *

curl = need("curl", under_shim=True)
root = scratch()
payload(os.path.join(root, "f"), 1000)
srv, port = http_server(root)
with srv:
    r = run([curl, "-sS", "--max-time", "1", "-o", "/dev/null", f"http://127.0.0.1:{port}/f"],
            scenario="recv -> blackhole\n")
expect_equal(r.returncode, 28, f"curl's exit status ({describe(r)})")
expect("timed out" in r.stderr.lower(), describe(r))
print("ok")
