"""What every Python test of the shim shares: assertions that say what was
expected, an environment without the caller's shim settings, scratch files
removed when the test ends, and programs run natively or under
`sockfault run`.  The per-directory modules (tests/faults/sfcase.py,
tests/resolver/rcase.py, tests/cli/clicase.py) add what only their tests
need.

Environment (set by ctest): SF_CLI (the sockfault binary); SF_SAN_RUNTIME
(the sanitizer runtime a sanitized shim needs preloaded into programs we did
not build, or unset).
"""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile

CLI = os.environ["SF_CLI"]
SAN_RUNTIME = os.environ.get("SF_SAN_RUNTIME", "")
PY = sys.executable


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)


def expect(cond, msg):
    if not cond:
        fail(msg)


def expect_equal(got, want, what):
    if got != want:
        fail(f"{what}:\n  got  {got!r}\n  want {want!r}")


def clean_env(keep_preload=False, **extra):
    """os.environ without SOCKFAULT_* (and LD_PRELOAD, unless keep_preload:
    a sanitizer build passes its runtime that way), plus extra."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SOCKFAULT_") and (keep_preload or k != "LD_PRELOAD")}
    env.update(extra)
    return env


def scratch(prefix="sftest."):
    """A new directory, removed when the test ends."""
    d = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, d, ignore_errors=True)
    return d


_tmp = None


def tmp_path(name):
    """A path in this test's scratch directory."""
    global _tmp
    if _tmp is None:
        _tmp = scratch()
    return os.path.join(_tmp, name)


def write_scenario(text):
    fd, path = tempfile.mkstemp(suffix=".sf", dir=os.path.dirname(tmp_path("x")))
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def run(argv, scenario=None, seed=None, log=None, timeout=300, env=None, extra=(), cwd=None):
    """argv under `sockfault run` (scenario text, or none; extra: more
    options of `run`; cwd: its directory); the CompletedProcess with text
    stdout/stderr."""
    pre = [CLI, "run"] + list(extra)
    if scenario is not None:
        pre += ["-s", write_scenario(scenario)]
    if seed is not None:
        pre += ["--seed", str(seed)]
    if log:
        pre += ["--log", log]
    e = clean_env()
    if SAN_RUNTIME:
        e["LD_PRELOAD"] = SAN_RUNTIME  # `sockfault run` puts the shim before it
    if env:
        e.update(env)
    return subprocess.run(pre + ["--"] + argv, env=e, capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


def native(argv, timeout=300):
    return subprocess.run(argv, env=clean_env(), capture_output=True, text=True, timeout=timeout)


def python(code, *args):
    return [PY, "-c", code] + [str(a) for a in args]


def ok(p, what):
    """p's stdout, after checking it exited 0."""
    expect(p.returncode == 0,
           f"{what} exited {p.returncode}\n--- stdout\n{p.stdout}\n--- stderr\n{p.stderr}")
    return p.stdout


def log_headers(path):
    """The event log's header lines: one per process that opened the log,
    saying which build wrote it ({"sockfault": VERSION, "git": REV, ...})."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [o for o in map(json.loads, f) if "sockfault" in o]


def log_events(path):
    """The event log's faults, one object each ([] when none was logged);
    the header lines, and the other events of a full log
    (SOCKFAULT_LOG_EVENTS=all), are left out."""
    return [o for o in log_all(path) if o.get("ev", "fault") == "fault"]


def log_all(path):
    """Every line of the event log but the headers: with
    SOCKFAULT_LOG_EVENTS=all, each socket event ("ev": "connect", "send",
    ...) besides the faults."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [o for o in map(json.loads, f) if "sockfault" not in o]
