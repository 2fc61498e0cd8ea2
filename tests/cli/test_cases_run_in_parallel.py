"""-j N runs N cases at once: three cases that each wait for the other two
to start pass with -j 3, and cannot all pass with -j 1."""
from clicase import *

barrier = "touch {n}.here; for i in $(seq 30); do [ -e a.here ] && [ -e b.here ] && [ -e c.here ] && exit 0; sleep 0.1; done; exit 1"
text = "".join(f"case {n}\n  timeout 30\n  sh {barrier.format(n=n)}\n" for n in "abc")
r = suite(make_suite(text), "-j", "3", timeout=120)
expect(r.returncode == 0, show(r))
r = suite(make_suite(text), "-j", "1", timeout=120)
expect(r.returncode == 1, show(r))
print("ok")
