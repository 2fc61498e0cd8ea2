"""Shared helpers for the fault tests: a native server, a program run under
`sockfault run` with a scenario, and assertions that say what was expected.

Environment (set by ctest): SF_CLI (the sockfault binary), SF_PEER
(tests/programs/peer.py), SF_PROGRAMS (directory of the C sample programs).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

CLI = os.environ["SF_CLI"]
PEER = os.environ["SF_PEER"]
PROGRAMS = os.environ.get("SF_PROGRAMS", "")
PY = sys.executable


def clean_env():
    return {k: v for k, v in os.environ.items()
            if k != "LD_PRELOAD" and not k.startswith("SOCKFAULT_")}


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)


def expect(cond, msg):
    if not cond:
        fail(msg)


def write_scenario(text):
    fd, path = tempfile.mkstemp(suffix=".sf")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


class Server:
    """peer.py serve MODE, natively or (with scenario) under the shim."""

    def __init__(self, mode, scenario=None, log=None):
        self.dir = tempfile.mkdtemp()
        self.portfile = os.path.join(self.dir, "port")
        argv = [PY, PEER, "serve", mode, self.portfile]
        self.stderr = open(os.path.join(self.dir, "stderr"), "w+")
        if scenario is not None:
            pre = [CLI, "run", "-s", write_scenario(scenario)]
            if log:
                pre += ["--log", log]
            argv = pre + ["--"] + argv
        self.proc = subprocess.Popen(argv, env=clean_env(), stderr=self.stderr)
        for _ in range(500):
            if os.path.exists(self.portfile):
                break
            if self.proc.poll() is not None:
                fail(f"server exited with {self.proc.returncode}")
            time.sleep(0.01)
        with open(self.portfile) as f:
            self.port = int(f.read())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()


def run(argv, scenario=None, seed=None, log=None, timeout=300, env=None):
    """Runs argv under the shim (scenario text, or none) and returns the
    CompletedProcess with text stdout/stderr."""
    pre = [CLI, "run"]
    if scenario is not None:
        pre += ["-s", write_scenario(scenario)]
    if seed is not None:
        pre += ["--seed", str(seed)]
    if log:
        pre += ["--log", log]
    e = clean_env()
    if env:
        e.update(env)
    return subprocess.run(pre + ["--"] + argv, env=e, capture_output=True, text=True,
                          timeout=timeout)


def native(argv, timeout=300):
    return subprocess.run(argv, env=clean_env(), capture_output=True, text=True, timeout=timeout)


def peer(*args):
    return [PY, PEER] + [str(a) for a in args]


def log_events(path):
    with open(path) as f:
        return [json.loads(line) for line in f]
