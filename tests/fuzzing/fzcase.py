"""Helpers for the fuzzing tests (on top of tests/programs/sftest.py):
the sample server under fuzz-peer mode or a converted scenario, fuzz inputs
written from records, and the crash inputs of tests/fuzzing/crashes.

Environment (set by ctest): SF_CLI, SF_SAMPLE_SERVER, SF_PROGRAMS,
SF_CORPUS (fuzz/corpus), SF_CRASHES (tests/fuzzing/crashes).
"""
import os
import struct
import subprocess

from sftest import *

SERVER = os.environ["SF_SAMPLE_SERVER"]
PROGRAMS = os.environ["SF_PROGRAMS"]
CORPUS = os.environ["SF_CORPUS"]
CRASHES = os.environ["SF_CRASHES"]
SHIM = os.environ["SF_SHIM"]
SIGABRT = 6


def structured(*records):
    """A structured-mode input: the magic, then the records' bytes."""
    return b"SFZ1" + b"".join(records)


def open_conn(direction="in", listen=1):
    d = {"in": 0, "out": 1, "any": 2}[direction]
    return bytes([0, d | (listen - 1) << 2])


def data(conn, chunk):
    return bytes([1, conn]) + struct.pack("<H", len(chunk)) + chunk


def fin(conn):
    return bytes([2, conn])


def tape(cls, *faults):
    c = ["recv", "send", "accept", "connect", "getaddrinfo"].index(cls)
    return bytes([4, c, len(faults)]) + bytes(faults)


def write_input(name, content):
    path = tmp_path(name)
    with open(path, "wb") as f:
        f.write(content)
    return path


def fuzz_run(input_path, argv, timeout=60, stdin=None):
    """argv under `sockfault run --fuzz INPUT`."""
    return subprocess.run([CLI, "run", "--fuzz", input_path, "--", *argv], capture_output=True,
                          env=clean_env(keep_preload=True), timeout=timeout, stdin=stdin)


def scenario_run(scenario_path, argv, timeout=60):
    return subprocess.run([CLI, "run", "-s", scenario_path, "--", *argv], capture_output=True,
                          env=clean_env(keep_preload=True), timeout=timeout)


_converted = 0


def convert(input_path):
    """sockfault fuzz-to-scenario INPUT -o FILE, FILE in the test's scratch
    directory (never beside INPUT: seeds live in the source tree)."""
    global _converted
    _converted += 1
    out = tmp_path(f"{_converted}-{os.path.basename(input_path)}.sf")
    r = subprocess.run([CLI, "fuzz-to-scenario", input_path, "-o", out], capture_output=True, text=True,
                       env=clean_env())
    expect(r.returncode == 0, f"fuzz-to-scenario {input_path}: {r.stderr}")
    return out


def crashed_with(r, bug):
    """Whether a run aborted with the sample server's message for bug N."""
    return r.returncode in (-SIGABRT, 128 + SIGABRT) and f"bug {bug}:".encode() in r.stderr


def describe(r):
    return f"status {r.returncode}, stderr {r.stderr[-400:]!r}"
