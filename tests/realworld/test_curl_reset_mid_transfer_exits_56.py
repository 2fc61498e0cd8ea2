"""A connection reset after 100 kB of a 1 MiB download: curl reports the
reset and exits 56 ("Failure in receiving network data"), keeping only
what arrived before it."""
from rwcase import *

curl = need("curl", under_shim=True)
root = scratch()
payload(os.path.join(root, "f"), 1 << 20)
srv, port = http_server(root)
with srv:
    out = tmp_path("got")
    r = run([curl, "-sS", "-o", out, f"http://127.0.0.1:{port}/f"],
            scenario="recv bytes=100000.. -> reset\n")
expect_equal(r.returncode, 56, f"curl's exit status ({describe(r)})")
expect("reset" in r.stderr.lower(), describe(r))
expect(os.path.getsize(out) < 1 << 20, "curl saved the whole file after a reset")
print("ok")
