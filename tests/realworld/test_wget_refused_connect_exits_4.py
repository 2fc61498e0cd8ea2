"""wget whose connect is refused, with --tries=1: "Connection refused", exit
4 (wget(1): network failure)."""
from rwcase import *

wget = need("wget")
r = run_bytes([wget, "--tries=1", "-O", "/dev/null", "http://127.0.0.1:9/"],
              scenario="connect -> refuse\n")
expect_equal(r.returncode, 4, f"wget's exit status ({describe(r)})")
expect(b"Connection refused" in r.stderr, describe(r))
print("ok")
