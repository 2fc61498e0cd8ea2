"""Helpers for the resolver tests (on top of tests/programs/sftest.py): the
C resolver client, curl, a local HTTP server, and whether a program we did
not build runs with the sanitizer runtime.

Environment (set by ctest): SF_CLI (the sockfault binary), SF_CLIENT
(resolve_client), SF_CURL (curl, or empty), SF_SAN_RUNTIME (the sanitizer
runtime a sanitized shim needs preloaded into programs we did not build, or
empty).
"""
import http.server
import json
import os
import subprocess
import threading

from sftest import *

CLIENT = os.environ.get("SF_CLIENT", "")
CURL = os.environ.get("SF_CURL", "")
SKIP = 77


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


def json_of(p, what):
    return json.loads(ok(p, what).strip().splitlines()[-1])


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
