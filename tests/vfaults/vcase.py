"""Helpers for the fault tests on the virtual network: one Python program
(server thread and client in the same process, since virtual sockets live
in the process) run under `sockfault run --net virtual -s SCENARIO`.

Environment (set by ctest): SF_CLI, SF_SAN_RUNTIME (may be empty).  The program text is passed with -c and
prints one result per line; the test compares them with what it expects.
"""
import os
import subprocess
import sys
import tempfile

CLI = os.environ["SF_CLI"]

# A server on 127.0.0.1:8080 -- a fixed port: on the virtual network nothing
# else can hold it -- and helpers the programs share.
PRELUDE = r'''
import socket, threading, hashlib, os, sys, errno
def server(handler, port=8080, family=socket.AF_INET, kind=socket.SOCK_STREAM):
    s = socket.socket(family, kind)
    s.bind(("127.0.0.1" if family == socket.AF_INET else "::1", port))
    if kind == socket.SOCK_STREAM:
        s.listen()
        def run():
            c, _ = s.accept()
            try:
                handler(c)
            finally:
                c.close()
    else:
        def run():
            handler(s)
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return s, t
def name(e):
    return type(e).__name__ + " " + errno.errorcode.get(e.errno or 0, "-")
'''


def run(program, scenario, timeout=60, net=True):
    fd, path = tempfile.mkstemp(suffix=".sf")
    with os.fdopen(fd, "w") as f:
        f.write(scenario)
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("SOCKFAULT_")}
    # A sanitizer build's shim needs its runtime loaded first (a threaded
    # program crashes under a TSan runtime that arrives late).
    if os.environ.get("SF_SAN_RUNTIME"):
        env["LD_PRELOAD"] = os.environ["SF_SAN_RUNTIME"]
    try:
        return subprocess.run([CLI, "run"] + (["--net", "virtual"] if net else []) +
                              ["-s", path, "--summary", "/dev/null", "--", sys.executable, "-c", PRELUDE + program],
                              env=env, capture_output=True, text=True, timeout=timeout)
    finally:
        os.unlink(path)


def expect_lines(r, want):
    got = r.stdout.splitlines()
    if got != want or r.returncode != 0:
        print("FAIL: expected %r, got %r (exit %d)\n%s" % (want, got, r.returncode, r.stderr), file=sys.stderr)
        sys.exit(1)
    print("ok")
