"""curl resolves a virtual name through the shim (its threaded resolver
calls getaddrinfo on another thread) and fetches from the local server; a
name the table does not know fails as curl's "could not resolve host"
when unknown-hosts says so."""
import sys
from rcase import *

if not CURL or CURL.endswith("NOTFOUND"):
    print("curl not installed")
    sys.exit(SKIP)
if not runs_with_sanitizer_runtime([CURL, "--version"]):
    # Seen on Debian 12 with gcc 12's libasan: curl blocks in setlocale()
    # with the runtime preloaded, shim or no shim.
    print("curl does not run with %s preloaded, even without the shim" % SAN_RUNTIME)
    sys.exit(SKIP)
SCENARIO = "host web.test 127.0.0.1\nunknown-hosts EAI_NONAME\n"
with HttpServer(b"fetched by curl\n") as srv:
    good = run([CURL, "-sS", "--max-time", "30", "http://web.test:%d/" % srv.port], SCENARIO)
    expect_equal(ok(good, "curl web.test"), "fetched by curl\n", "body")
    bad = run([CURL, "-sS", "--max-time", "30", "http://nowhere.test:%d/" % srv.port], SCENARIO)
    expect_equal(bad.returncode, 6, "curl's exit status for an unresolvable host\n" + bad.stderr)
print("ok")
