"""SOCKFAULT_PCAP errors stop the program before main with exit status 2
and one line naming SOCKFAULT_PCAP: a path that cannot be created, and a
path that exists but is not a regular file (a FIFO, /dev/null, a
directory), which is refused without being touched; an MTU out of range.  A regular file is
truncated and rewritten; a new one is created with mode 0600."""
import os, stat, subprocess
from capcase import *

d = tmpdir()
marker = os.path.join(d, "ran")
prog = ["sh", "-c", f"touch {marker}"]
shim = subprocess.run([CLI, "run", "--", "sh", "-c", "echo $LD_PRELOAD"], capture_output=True,
                      text=True, env=clean_env()).stdout.strip().split()[0]
fifo = os.path.join(d, "fifo")
os.mkfifo(fifo)
sub = os.path.join(d, "sub")
os.mkdir(sub)
for path in (os.path.join(d, "missing", "x.pcap"), fifo, "/dev/null", sub):
    for how in ("run", "preload"):
        if how == "run":
            r = run(prog, path)
        else:
            env = clean_env()
            env.update(LD_PRELOAD=shim, SOCKFAULT_PCAP=path)
            r = subprocess.run(prog, capture_output=True, text=True, env=env)
        expect(r.returncode == 2, f"{path} via {how}: exit {r.returncode} {r.stderr!r}")
        expect(r.stderr.count("\n") == 1 and "SOCKFAULT_PCAP" in r.stderr and path in r.stderr,
               f"{path} via {how}: {r.stderr!r}")
        expect(not os.path.exists(marker), f"{path} via {how}: the program ran")
expect(stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced")
for mtu in ("576", "65536", "15x", ""):
    r = run(prog, os.path.join(d, "mtu.pcap"), extra=["--pcap-mtu", mtu])
    expect(r.returncode == 2 and r.stderr.count("\n") == 1 and "SOCKFAULT_PCAP_MTU" in r.stderr,
           f"mtu {mtu!r}: {r.returncode} {r.stderr!r}")
    expect(not os.path.exists(marker), f"mtu {mtu!r}: the program ran")
expect(stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null was replaced")

new = os.path.join(d, "new.pcap")
old_umask = os.umask(0)
try:
    r = run(prog, new)
finally:
    os.umask(old_umask)
expect(r.returncode == 0 and os.path.exists(marker), f"regular path: {r.returncode} {r.stderr}")
expect(stat.S_IMODE(os.stat(new).st_mode) == 0o600, f"mode {oct(os.stat(new).st_mode)}")
with open(new, "wb") as f:
    f.write(b"x" * 100000)
r = run(prog, new)
expect(r.returncode == 0 and os.path.getsize(new) == 24, f"not truncated: {os.path.getsize(new)} bytes")
tshark(new)  # an empty capture, but a valid one
print("ok")
