"""openssl s_client whose connect is refused reports errno 111
(ECONNREFUSED) and exits 1."""
from rwcase import *

openssl = need("openssl")
r = run_bytes([openssl, "s_client", "-connect", "127.0.0.1:9"], scenario="connect -> refuse\n",
              stdin=b"")
expect_equal(r.returncode, 1, f"s_client's exit status ({describe(r)})")
expect(b"errno=111" in r.stderr or b"Connection refused" in r.stderr, describe(r))
print("ok")
