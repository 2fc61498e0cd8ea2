"""Helpers for the fault tests (on top of tests/programs/sftest.py): a
native or shimmed peer.py server, and the argv of a peer.py command.

Environment (set by ctest): SF_CLI (the sockfault binary), SF_PEER
(tests/programs/peer.py), SF_PROGRAMS (directory of the C sample programs).
"""
import os
import subprocess
import tempfile
import time

from sftest import *

PEER = os.environ["SF_PEER"]
PROGRAMS = os.environ.get("SF_PROGRAMS", "")


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


def peer(*args):
    return [PY, PEER] + [str(a) for a in args]
