"""Helpers for the real-world program tests (on top of tests/programs/sftest.py):
unmodified Debian programs (servers and clients) started natively or under
`sockfault run`, on ephemeral ports, from a scratch directory; payload files
and their SHA-256.

Environment (set by ctest): SF_CLI, PYTHONPATH reaching tests/programs.
"""
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

from sftest import *  # noqa: F401,F403  (CLI, PY, fail, expect, run, scratch, ...)
import sftest

# A scenario that cuts every transfer into short pieces, both ways (the send
# and recv families: write, writev, read, sendmsg...): what a kernel does to
# a program whenever a socket buffer is nearly full or nearly empty.  TCP
# only: a program's own socketpairs (nginx's master-worker channel) are
# another question (FINDINGS.md).
SHORTS = "send proto=tcp -> short 1..1400\nrecv proto=tcp -> short 1..1000\n"


# How to ask each program for its version: a run that must finish at once.
VERSION = {"nginx": "-v", "memcached": "-V", "openssl": "version", "dig": "-v", "socat": "-V"}
NOT_PRELOADED = {"tshark"}  # only reads captures, never runs under the shim


def need(*programs, under_shim=False):
    """The programs' paths; a missing one fails (.ci/install-deps installs
    them).  under_shim: the test runs them under the shim; then, in a
    sanitizer build, a program that does not even start with
    the sanitizer runtime preloaded (curl hangs in setlocale under GCC 12's
    ASan, without the shim too; see tests/integration/test_curl_http.sh)
    skips the test (exit 77)."""
    paths = []
    for p in programs:
        path = shutil.which(p) or (os.path.exists(p) and p)
        expect(path, f"{p} is not installed (.ci/install-deps installs it)")
        paths.append(path)
        if under_shim and SAN_RUNTIME and p not in NOT_PRELOADED:
            env = dict(clean_env(), LD_PRELOAD=SAN_RUNTIME)
            try:
                subprocess.run([path, VERSION.get(p, "--version")], env=env, timeout=10,
                               stdin=subprocess.DEVNULL, capture_output=True)
            except subprocess.TimeoutExpired:
                print(f"skip: {p} does not run with {SAN_RUNTIME} preloaded (without the shim either)")
                sys.exit(77)
    return paths if len(paths) > 1 else paths[0]


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def payload(path, size, seed=1):
    """A file of `size` pseudo-random bytes; its SHA-256."""
    h = hashlib.sha256()
    with open(path, "wb") as f:
        x = hashlib.sha256(str(seed).encode()).digest()
        left = size
        while left:
            x = hashlib.sha256(x).digest() * 128
            chunk = x[:left]
            f.write(chunk)
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 16), b""):
            h.update(b)
    return h.hexdigest()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def wait_port(port, proc=None, what="server", tries=1000):
    """Waits until something accepts on 127.0.0.1:port (the connect is ours,
    made natively)."""
    for _ in range(tries):
        if proc is not None and proc.poll() is not None:
            fail(f"{what} exited {proc.returncode} before listening: {proc.stderr_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.01)
    fail(f"{what} never listened on {port}")


class Proc:
    """A long-running program (a server), natively or under `sockfault run`
    with a scenario; stopped (SIGTERM, then SIGKILL) with its process
    group when the test leaves the `with` block."""

    def __init__(self, argv, scenario=None, cwd=None, log=None, summary=None, pcap=None,
                 extra=(), env=None, stdin=None):
        self.dir = scratch("sfrw.")
        self.err_path = os.path.join(self.dir, "stderr")
        self.out_path = os.path.join(self.dir, "stdout")
        if scenario is not None or log or summary or pcap or extra:
            pre = [CLI, "run"] + list(extra)
            if scenario is not None:
                pre += ["-s", write_scenario(scenario)]
            if log:
                pre += ["--log", log]
            if summary:
                pre += ["--summary", summary]
            if pcap:
                pre += ["--pcap", pcap]
            argv = pre + ["--"] + list(argv)
        e = clean_env()
        if SAN_RUNTIME and argv[0] == CLI:
            e["LD_PRELOAD"] = SAN_RUNTIME
        if env:
            e.update(env)
        self.proc = subprocess.Popen(argv, cwd=cwd or self.dir, env=e,
                                     stdout=open(self.out_path, "w"), stderr=open(self.err_path, "w"),
                                     stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                     start_new_session=True)
        self.proc.stderr_text = self.stderr_text

    def stderr_text(self):
        with open(self.err_path) as f:
            return f.read()

    def stdout_text(self):
        with open(self.out_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM):
        """Stops the program; its exit status."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        try:  # workers a server left behind
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def describe(r):
    out = r.stdout if isinstance(r.stdout, str) else r.stdout.decode(errors="replace")
    err = r.stderr if isinstance(r.stderr, str) else r.stderr.decode(errors="replace")
    return f"exit {r.returncode}\n--- stdout\n{out[-3000:]}\n--- stderr\n{err[-3000:]}"


def http_server(root, scenario=None, **kw):
    """python3 -m http.server (ThreadingHTTPServer: a thread per
    connection) serving root on an ephemeral port; (Proc, port)."""
    port = free_port()
    p = Proc([PY, "-m", "http.server", "--bind", "127.0.0.1", "--directory", root, str(port)],
             scenario=scenario, **kw)
    wait_port(port, p.proc, "http.server")
    return p, port


def run_bytes(argv, scenario=None, log=None, extra=(), stdin=None, timeout=120, cwd=None):
    """argv under `sockfault run` (natively when scenario, log and extra are
    all unset), stdin bytes; the CompletedProcess with bytes stdout/stderr."""
    if scenario is not None or log or extra:
        pre = [CLI, "run"] + list(extra)
        if scenario is not None:
            pre += ["-s", write_scenario(scenario)]
        if log:
            pre += ["--log", log]
        argv = pre + ["--"] + list(argv)
    e = clean_env()
    if SAN_RUNTIME and argv[0] == CLI:
        e["LD_PRELOAD"] = SAN_RUNTIME
    return subprocess.run(argv, env=e, input=stdin, capture_output=True, timeout=timeout, cwd=cwd)


def redis_server(scenario=None, **kw):
    """redis-server (one event loop, epoll) on an ephemeral port, no
    persistence, in a scratch directory; (Proc, port)."""
    port = free_port()
    d = scratch("sfredis.")
    p = Proc([need("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
              "--appendonly", "no", "--dir", d, "--daemonize", "no"], scenario=scenario, cwd=d, **kw)
    wait_port(port, p.proc, "redis-server")
    return p, port


NGINX_CONF = """
daemon off;
master_process on;
worker_processes 2;
user root;
error_log stderr notice;
pid {d}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    sendfile {sendfile};
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        {extra}
    }}
}}
"""


def nginx(root, scenario=None, sendfile="off", extra="", **kw):
    """nginx, a master and two pre-forked workers (epoll), serving root on an
    ephemeral port, in the foreground; (Proc, port)."""
    port = free_port()
    d = scratch("sfnginx.")
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(d=d, port=port, root=root, sendfile=sendfile, extra=extra))
    p = Proc([need("nginx"), "-p", d, "-c", conf, "-e", "stderr"], scenario=scenario, cwd=d, **kw)
    wait_port(port, p.proc, "nginx")
    return p, port


def tls_cert(d):
    """A self-signed P-256 certificate and key for localhost in d; (cert, key)."""
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    r = subprocess.run([need("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost",
                        "-days", "2", "-keyout", key, "-out", cert], capture_output=True)
    expect(r.returncode == 0, describe(r))
    return cert, key


def tls_server(root, scenario=None, **kw):
    """openssl s_server -WWW serving the files of root over TLS; (Proc, port)."""
    cert, key = tls_cert(scratch())
    port = free_port()
    p = Proc([need("openssl"), "s_server", "-accept", f"127.0.0.1:{port}", "-cert", cert,
              "-key", key, "-WWW", "-quiet"], scenario=scenario, cwd=root, **kw)
    wait_port(port, p.proc, "openssl s_server")
    return p, port


class Dns:
    """A native DNS server on 127.0.0.1 (a thread of the test): every A
    question gets one answer, 192.0.2.7 (sent `copies` times, as a network
    may duplicate it, `gap` seconds apart); counts the queries it saw."""

    def __init__(self, copies=1, gap=0.0):
        self.copies, self.gap = copies, gap
        import threading
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1", 0))
        self.port = self.s.getsockname()[1]
        self.queries = 0
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            q, a = self.s.recvfrom(4096)
            self.queries += 1
            end = q.index(b"\0", 12) + 5  # the question: name, type, class
            hdr = q[:2] + b"\x81\x80" + b"\x00\x01\x00\x01\x00\x00\x00\x00"
            ans = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + bytes([192, 0, 2, 7])
            for i in range(self.copies):
                if i:
                    time.sleep(self.gap)
                self.s.sendto(hdr + q[12:end] + ans, a)


def memcached(scenario=None, **kw):
    """memcached (a listener thread and four worker threads, libevent) on
    an ephemeral port; (Proc, port)."""
    port = free_port()
    p = Proc([need("memcached"), "-l", "127.0.0.1", "-p", str(port), "-U", "0", "-t", "4",
              "-u", "root", "-I", "2m"], scenario=scenario, **kw)
    wait_port(port, p.proc, "memcached")
    return p, port


def memcache_set_get(port, key, value):
    """A native text-protocol client: set key value, get key; the value
    memcached returned."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(b"set %s 0 0 %d\r\n%s\r\n" % (key, len(value), value))
        f = s.makefile("rb")
        expect_equal(f.readline(), b"STORED\r\n", "memcached's answer to set")
        s.sendall(b"get %s\r\n" % key)
        head = f.readline()
        expect(head.startswith(b"VALUE " + key), f"memcached's answer to get: {head!r}")
        n = int(head.split()[3])
        data = f.read(n + 2)
        expect_equal(f.readline(), b"END\r\n", "the end of get")
        return data[:-2]


def peer_server(*chunks, chunk=4000):
    """The scenario lines of a scripted server on the virtual network: it
    accepts the program's first outbound connect, sends the chunks (split
    into `chunk`-byte sends, written 1500 bytes a line: a scenario line holds
    4096 characters), then its FIN."""
    lines = ["net virtual", "peer 1 out"]
    for c in chunks:
        for i in range(0, len(c), chunk):
            piece = c[i:i + chunk]
            for j in range(0, len(piece), 1500):
                lines.append(("peer 1 more " if j else "peer 1 send ") + piece[j:j + 1500].hex())
    lines.append("peer 1 fin")
    return "\n".join(lines) + "\n"
