"""getaddrinfo failing with EAI_AGAIN: wget reports it cannot resolve the
host (the resolver's message) and exits 4."""
from rwcase import *

wget = need("wget")
r = run_bytes([wget, "--tries=1", "-O", "/dev/null", "http://files.example.test/"],
              scenario="getaddrinfo name=files.example.test -> eai EAI_AGAIN\n")
expect_equal(r.returncode, 4, f"wget's exit status ({describe(r)})")
expect(b"unable to resolve host address" in r.stderr and b"files.example.test" in r.stderr,
       describe(r))
print("ok")
