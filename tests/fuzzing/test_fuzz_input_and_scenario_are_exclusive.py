"""SOCKFAULT_FUZZ with SOCKFAULT_SCENARIO, or with SOCKFAULT_NET=kernel, is
bad input: one line on stderr and exit status 2 before the program runs."""
from fzcase import *

inp = write_input("x", b"E\x01x")
sf = write_scenario("seed 1\n")
for extra, word in (({"SOCKFAULT_SCENARIO": sf}, "SOCKFAULT_SCENARIO"), ({"SOCKFAULT_NET": "kernel"}, "virtual")):
    env = clean_env(keep_preload=True, SOCKFAULT_FUZZ=inp, **extra)
    env["LD_PRELOAD"] = " ".join(p for p in (SAN_RUNTIME, SHIM) if p)
    r = subprocess.run([PY, "-c", "print('ran')"], capture_output=True, text=True, env=env)
    expect(r.returncode == 2, f"{extra}: {r.returncode} {r.stderr}")
    expect("ran" not in r.stdout, f"{extra}: the program ran")
    expect(r.stderr.count("\n") == 1 and word in r.stderr, f"{extra}: {r.stderr!r}")
print("ok")
