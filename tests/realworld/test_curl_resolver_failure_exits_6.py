"""getaddrinfo failing with EAI_NONAME (curl resolves in a thread of its
own): curl says it could not resolve the host and exits 6."""
from rwcase import *

curl = need("curl", under_shim=True)
r = run([curl, "-sS", "-o", "/dev/null", "http://www.example.test/"],
        scenario="getaddrinfo name=www.example.test -> eai EAI_NONAME\n", log=tmp_path("log"))
expect_equal(r.returncode, 6, f"curl's exit status ({describe(r)})")
expect("Could not resolve host: www.example.test" in r.stderr, describe(r))
expect_equal([e["action"] for e in log_events(tmp_path("log"))], ["eai"], "faults injected")
print("ok")
