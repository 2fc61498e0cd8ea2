"""Helpers for the resolver tests: run a program natively or under
`sockfault run` with a scenario, a local HTTP server, and assertions that
say what was expected.

Environment (set by ctest): SF_CLI (the sockfault binary), SF_CLIENT
(resolve_client), SF_CURL (curl, or empty), SF_SAN_RUNTIME (the sanitizer
runtime a sanitized shim needs preloaded into programs we did not build, or
empty).
"""
import atexit
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

CLI = os.environ["SF_CLI"]
CLIENT = os.environ.get("SF_CLIENT", "")
CURL = os.environ.get("SF_CURL", "")
SAN_RUNTIME = os.environ.get("SF_SAN_RUNTIME", "")
PY = sys.executable
SKIP = 77


def clean_env():
    return {k: v for k, v in os.environ.items()
            if k != "LD_PRELOAD" and not k.startswith("SOCKFAULT_")}


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)


def expect(cond, msg):
    if not cond:
        fail(msg)


def expect_equal(got, want, what):
    if got != want:
        fail(f"{what}:\n  got  {got!r}\n  want {want!r}")


_tmp = tempfile.mkdtemp(prefix="sf-resolver-")
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)


def write_scenario(text):
    fd, path = tempfile.mkstemp(suffix=".sf", dir=_tmp)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def tmp_path(name):
    return os.path.join(_tmp, name)


def run(argv, scenario=None, log=None, timeout=300):
    """argv under `sockfault run` (scenario text, or none)."""
    pre = [CLI, "run"]
    if scenario is not None:
        pre += ["-s", write_scenario(scenario)]
    if log:
        pre += ["--log", log]
    env = clean_env()
    if SAN_RUNTIME:
        env["LD_PRELOAD"] = SAN_RUNTIME  # `sockfault run` puts the shim before it
    return subprocess.run(pre + ["--"] + argv, env=env, capture_output=True, text=True,
                          timeout=timeout)


def native(argv, timeout=300):
    return subprocess.run(argv, env=clean_env(), capture_output=True, text=True, timeout=timeout)


def runs_with_sanitizer_runtime(argv):
    """Whether a program we did not build runs at all with the sanitizer
    runtime preloaded (what a sanitized shim needs); True without one."""
    if not SAN_RUNTIME:
        return True
    env = clean_env()
    env["LD_PRELOAD"] = SAN_RUNTIME
    try:
        return subprocess.run(argv, env=env, capture_output=True, timeout=20).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def python(code, *args):
    return [PY, "-c", code] + [str(a) for a in args]


def ok(p, what):
    """p's stdout, after checking it exited 0."""
    expect(p.returncode == 0,
           f"{what} exited {p.returncode}\n--- stdout\n{p.stdout}\n--- stderr\n{p.stderr}")
    return p.stdout


def json_of(p, what):
    return json.loads(ok(p, what).strip().splitlines()[-1])


def log_events(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f]


class HttpServer:
    """http.server on 127.0.0.1, native, in this process: answers GET with
    a fixed body and the Host header it was sent."""

    def __init__(self, body=b"hello from the real server\n"):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hosts.append(self.headers.get("Host"))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.body = body
        self.hosts = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
