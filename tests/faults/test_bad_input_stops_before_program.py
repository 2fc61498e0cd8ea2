"""Malformed scenarios and SOCKFAULT_* values: one line naming the file
position or the variable, exit status 2, and the program never runs."""
import os, re, subprocess, tempfile
from sfcase import *

marker = os.path.join(tempfile.mkdtemp(), "ran")
prog = ["sh", "-c", f"touch {marker}"]
shim = subprocess.run([CLI, "run", "--", "sh", "-c", "echo $LD_PRELOAD"], capture_output=True,
                      text=True, env=clean_env()).stdout.strip().split()[0]
bad = {
    "recv -> explode\n": r":1:9: ",
    "\n\nrecv nth=0 -> eintr\n": r":3:",
    "send -> error EBOGUS\n": r":1:",
    "recv -> error EPIPE\n": r":1:",
    "recv peer=10.0.0.0/40 -> eintr\n": r":1:",
}
for text, where in bad.items():
    path = write_scenario(text)
    for how in ("run", "preload"):
        if how == "run":
            r = subprocess.run([CLI, "run", "-s", path, "--"] + prog, capture_output=True, text=True,
                               env=clean_env())
        else:
            env = clean_env()
            env.update(LD_PRELOAD=shim, SOCKFAULT_SCENARIO=path)
            r = subprocess.run(prog, capture_output=True, text=True, env=env)
        lines = r.stderr.strip().split("\n")
        expect(r.returncode == 2, f"{text!r} via {how}: exit {r.returncode}")
        expect(len(lines) == 1 and re.match(re.escape(path) + where + r"\d*:? ?.+", lines[0]),
               f"{text!r} via {how}: {r.stderr!r}")
        expect(not os.path.exists(marker), f"{text!r} via {how}: the program ran")
    c = subprocess.run([CLI, "check", path], capture_output=True, text=True)
    expect(c.returncode == 2 and c.stderr.startswith(path + ":"), c.stderr)
for var, val in (("SOCKFAULT_SEED", "abc"), ("SOCKFAULT_NETT", "kernel"), ("SOCKFAULT_NET", "moon")):
    env = clean_env()
    env.update({"LD_PRELOAD": shim, var: val})
    r = subprocess.run(prog, capture_output=True, text=True, env=env)
    expect(r.returncode == 2 and var in r.stderr and r.stderr.count("\n") == 1, f"{var}={val}: {r.stderr!r}")
    expect(not os.path.exists(marker), f"{var}: the program ran")
print("ok")
