"""A case runs with exactly the SOCKFAULT_* variables its own `sockfault
run` sets: ones the suite inherited (a stray SOCKFAULT_SCENARIO, say) do
not reach it."""
from clicase import *

path = make_suite("case env\n  sh env | grep '^SOCKFAULT_' | sort\n  stdout !~ SOCKFAULT_SCENARIO|BOGUS\n"
                  "  stdout ~ ^SOCKFAULT_LOG=\n")
r = suite(path, "--artifacts", path + ".art",
          env=clean_env(SOCKFAULT_SCENARIO="/nonexistent.sf", SOCKFAULT_BOGUS="1"))
expect(r.returncode == 0, show(r))
print("ok")
