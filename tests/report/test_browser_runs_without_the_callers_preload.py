"""The browser of the report tests is a tool, not a program under test: a
caller's LD_PRELOAD (a sanitizer build hands its tests the sanitizer
runtime that way, `sockfault run` the shim) and SOCKFAULT_* settings reach
none of its processes, and the page still renders.  Skips (77) without
chromium."""
import os

from sftest import expect
from browser import Browser, chromium_or_skip, group_running

chromium_or_skip()

# set here, after this interpreter started: only what it spawns sees them
os.environ["LD_PRELOAD"] = "libsockfault.so"
os.environ["SOCKFAULT_SCENARIO"] = "/nonexistent/scenario.sf"

with Browser() as b:
    pids = group_running(b.proc.pid)
    expect(len(pids) >= 2, f"expected the browser and its helpers, found pids {pids}")
    for pid in pids:
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = f.read().split(b"\0")
        except FileNotFoundError:
            continue  # gone since: a short-lived helper
        bad = [v.decode(errors="replace") for v in env
               if v.startswith(b"LD_PRELOAD=") or v.startswith(b"SOCKFAULT_")]
        expect(not bad, f"browser process {pid} has {bad}")
    expect(b.eval("1 + 1") == 2, "the page does not evaluate")
print(f"ok: {len(pids)} browser processes, none with LD_PRELOAD or SOCKFAULT_*")
