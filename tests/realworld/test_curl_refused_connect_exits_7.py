"""curl whose connect is refused says so and exits 7 (curl(1): "Failed to
connect to host")."""
from rwcase import *

curl = need("curl", under_shim=True)
r = run([curl, "-sS", "-o", "/dev/null", "http://127.0.0.1:9/"], scenario="connect -> refuse\n")
expect_equal(r.returncode, 7, "curl's exit status")
expect("Failed to connect to 127.0.0.1 port 9" in r.stderr, describe(r))
print("ok")
