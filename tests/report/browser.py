"""A headless Chromium driven over the DevTools protocol, for tests that
check what a page does in a real browser: Python's standard library only.

Chromium is started with --remote-debugging-pipe: it reads NUL-terminated
JSON messages of the Chrome DevTools Protocol on its fd 3 and writes replies
and events on its fd 4 (chromium/src content/browser/devtools/
devtools_pipe_handler.cc).  One page target is attached in flat mode (each
message carries its sessionId).  Every wait has a deadline; on timeout the
error says what was awaited.

    with Browser() as b:          # exits 77 (ctest: skipped) without chromium
        ms = b.open("report.html")   # waits for window.sfReport.ready
        b.click("button.next")
        assert b.eval("document.title") == "..."
        assert not b.console_errors()
        b.screenshot("shot.png")
"""
import base64
import fcntl
import json
import os
import pathlib
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77  # ctest SKIP_RETURN_CODE of the tests that use this module

DEFAULT_READY = "window.sfReport && window.sfReport.ready === true"


class BrowserError(Exception):
    pass


class JSError(BrowserError):
    """An expression given to eval() threw; the message is the exception."""


def find_chromium():
    """The chromium binary on PATH, or None."""
    for name in ("chromium", "chromium-browser"):
        p = shutil.which(name)
        if p:
            return p
    return None


def chromium_or_skip():
    """The chromium binary; without one, says so and exits SKIP."""
    p = find_chromium()
    if p is None:
        print("SKIP: no chromium or chromium-browser on PATH (Debian: apt-get install chromium)",
              file=sys.stderr)
        sys.exit(SKIP)
    return p


def _browser_env(tmp):
    """os.environ for the browser.  Without LD_PRELOAD and SOCKFAULT_*: the
    browser is a tool of the test, not its subject.  A test may run under
    `sockfault run` (the shim would take over the browser's sockets and
    its IPC), and a sanitizer build hands its tests the sanitizer runtime
    in LD_PRELOAD, which would check Chromium, not our code."""
    env = {k: v for k, v in os.environ.items()
           if k != "LD_PRELOAD" and not k.startswith("SOCKFAULT_")}
    # caches and settings stay in the scratch directory, not in $HOME
    env["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
    env["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    return env


class Browser:
    """A headless Chromium with one page, as a context manager.  On exit the
    browser's whole process group is killed and its profile removed."""

    def __init__(self, binary=None, width=1400, height=900, timeout=30.0):
        self.binary = binary or chromium_or_skip()
        self.width, self.height, self.timeout = width, height, timeout
        self.proc = None
        self._tmp = None
        self._buf = b""
        self._next_id = 0
        self._session = None
        self._replies = {}
        self._errors = []
        self._requests = []
        self._lifecycle = []
        self._old_term = None

    # --- lifetime ---------------------------------------------------------

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _start(self):
        # ctest ends a test that overruns its TIMEOUT with SIGTERM: turn it
        # into SystemExit so close() still kills the browser
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL):
            self._old_term = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        self._tmp = tempfile.mkdtemp(prefix="sfbrowser.")
        self._stderr = open(os.path.join(self._tmp, "stderr.log"), "wb")
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()
        # Chromium wants the pipe on fds 3 and 4 exactly.  The ends are first
        # moved to fds >= 100 so that the shell's `exec 3<&N 4>&M` cannot
        # overwrite one with the other (bash: dash takes one-digit fds only).
        hi_r = fcntl.fcntl(to_r, fcntl.F_DUPFD_CLOEXEC, 100)
        hi_w = fcntl.fcntl(from_w, fcntl.F_DUPFD_CLOEXEC, 100)
        os.close(to_r)
        os.close(from_w)
        args = [
            "--headless=new",
            # as root (CI containers) it exits at once otherwise: "Running as
            # root without --no-sandbox is not supported" (crbug.com/638180)
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",  # containers' /dev/shm is often 64 MB
            "--remote-debugging-pipe",
            "--user-data-dir=" + os.path.join(self._tmp, "profile"),
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-breakpad",
            "--mute-audio",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--window-size={self.width},{self.height}",
            "about:blank",
        ]
        shell = f'exec 3<&{hi_r} 4>&{hi_w} {hi_r}<&- {hi_w}>&-; exec "$0" "$@"'
        self._started = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                ["/bin/bash", "-c", shell, self.binary] + args,
                stdin=subprocess.DEVNULL, stdout=self._stderr, stderr=self._stderr,
                pass_fds=(hi_r, hi_w), start_new_session=True, env=_browser_env(self._tmp))
        finally:
            os.close(hi_r)
            os.close(hi_w)
        os.set_blocking(self._from_r, False)
        self._attach()

    def close(self):
        """Kills the browser's process group, waits until all of it is
        gone and removes its profile.  Safe to call twice."""
        if self.proc is not None:
            # No Browser.close first: the profile, all a polite shutdown
            # would save, is thrown away.  Renderers and the zygote share
            # the browser's process group (start_new_session).
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            # until no process of the group runs; the orphans' zombies are
            # left to init, which may take a second or two to reap them
            deadline = time.monotonic() + 10
            while group_running(self.proc.pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            self.proc = None
        for fd in ("_to_w", "_from_r"):
            if getattr(self, fd, None) is not None:
                os.close(getattr(self, fd))
                setattr(self, fd, None)
        if getattr(self, "_stderr", None):
            self._stderr.close()
            self._stderr = None
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        if self._old_term is not None:
            signal.signal(signal.SIGTERM, self._old_term)
            self._old_term = None

    def _stderr_tail(self):
        try:
            with open(os.path.join(self._tmp, "stderr.log"), "rb") as f:
                return f.read()[-2000:].decode(errors="replace")
        except (OSError, TypeError):
            return ""

    # --- protocol ---------------------------------------------------------

    def _send(self, method, params=None, session=True):
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self._session:
            msg["sessionId"] = self._session
        data = json.dumps(msg).encode() + b"\0"
        deadline = time.monotonic() + self.timeout
        while data:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [self._to_w], [], left)[1]:
                raise BrowserError(f"chromium did not read {method} within {self.timeout} s")
            try:
                data = data[os.write(self._to_w, data):]
            except BrokenPipeError:
                raise BrowserError(f"chromium exited (sending {method}):\n{self._stderr_tail()}")
        return self._next_id

    def _pump(self, deadline, what):
        """Reads and dispatches at least one message, or raises at deadline."""
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_r], [], [], left)[0]:
                raise BrowserError(f"timed out waiting for {what}")
            try:
                chunk = os.read(self._from_r, 1 << 16)
            except BlockingIOError:
                continue
            if not chunk:
                raise BrowserError(f"chromium exited while waiting for {what}:\n{self._stderr_tail()}")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        msg = json.loads(raw)
        if "id" in msg:
            self._replies[msg["id"]] = msg
        else:
            self._event(msg)

    def _call(self, method, params=None, session=True, timeout=None):
        """Sends a command, returns its result; raises with its error."""
        i = self._send(method, params, session)
        timeout = timeout or self.timeout
        deadline = time.monotonic() + timeout
        what = f"the reply to {method}"
        if method == "Runtime.evaluate":
            what += f" of `{params['expression'][:80]}`"
        while i not in self._replies:
            self._pump(deadline, f"{what} ({timeout:g} s)")
        msg = self._replies.pop(i)
        if "error" in msg:
            raise BrowserError(f"{method}: {msg['error'].get('message')} {msg['error'].get('data', '')}")
        return msg.get("result", {})

    def _wait_for(self, cond, what, timeout=None):
        timeout = timeout or self.timeout
        deadline = time.monotonic() + timeout
        while not cond():
            self._pump(deadline, f"{what} ({timeout:g} s)")

    def _attach(self):
        page = None
        for t in self._call("Target.getTargets", session=False)["targetInfos"]:
            if t["type"] == "page":
                page = t["targetId"]
                break
        if page is None:
            page = self._call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self._session = self._call("Target.attachToTarget",
                                   {"targetId": page, "flatten": True}, session=False)["sessionId"]
        for m in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable"):
            self._call(m)
        self._call("Page.setLifecycleEventsEnabled", {"enabled": True})
        self._call("Emulation.setDeviceMetricsOverride",
                   {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False})
        self.startup_ms = (time.monotonic() - self._started) * 1000

    def _event(self, msg):
        if msg.get("sessionId") != self._session:
            return
        m, p = msg["method"], msg.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            args = " ".join(_remote_text(a) for a in p.get("args", []))
            self._errors.append(f"console.{p['type']}: {args}{_where(p.get('stackTrace'))}")
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            text = d.get("exception", {}).get("description") or d.get("text", "")
            self._errors.append(f"uncaught: {text} ({d.get('url', '')}:{d.get('lineNumber', 0) + 1}"
                                f":{d.get('columnNumber', 0) + 1})")
        elif m == "Log.entryAdded":
            e = p.get("entry", {})
            if e.get("level") == "error":
                self._errors.append(f"log ({e.get('source')}): {e.get('text')} {e.get('url', '')}".rstrip())
        elif m == "Network.requestWillBeSent":
            self._requests.append(p["request"]["url"])
        elif m == "Page.lifecycleEvent":
            self._lifecycle.append((p.get("loaderId"), p.get("name")))

    # --- what tests use ---------------------------------------------------

    def open(self, path, ready=DEFAULT_READY, timeout=30.0):
        """Loads the file at path and waits for its load event, then (unless
        ready is None) until the JS expression ready is true.  Console errors
        and requests are counted from here.  Returns the milliseconds from
        navigation to ready."""
        url = pathlib.Path(os.path.abspath(path)).as_uri()
        # The previous page is unloaded first (its late events, such as a
        # failed request's log entry, would otherwise be counted as this
        # page's), then the counts start afresh.
        self._navigate("about:blank", time.monotonic() + timeout)
        self.eval("0")
        self._errors, self._requests = [], []
        t0 = time.monotonic()
        deadline = t0 + timeout
        self._navigate(url, deadline)
        if ready is not None:
            while not self.eval(f"!!({ready})"):
                if time.monotonic() > deadline:
                    raise BrowserError(f"{url}: `{ready}` not true after {timeout} s; "
                                       f"console errors: {self._errors}")
                time.sleep(0.02)
        return (time.monotonic() - t0) * 1000

    def _navigate(self, url, deadline):
        self._lifecycle = []
        nav = self._call("Page.navigate", {"url": url}, timeout=max(0.001, deadline - time.monotonic()))
        if nav.get("errorText"):
            raise BrowserError(f"{url}: {nav['errorText']}")
        loader = nav.get("loaderId")
        self._wait_for(lambda: (loader, "load") in self._lifecycle, f"the load event of {url}",
                       timeout=max(0.001, deadline - time.monotonic()))

    def eval(self, expr, timeout=None):
        """The value of the JS expression (promises awaited), as JSON would
        carry it; raises JSError with the exception when it throws, and
        BrowserError when there is no answer in timeout seconds (default:
        the Browser's)."""
        r = self._call("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                            "awaitPromise": True}, timeout=timeout)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise JSError(d.get("exception", {}).get("description") or d.get("text", "") + f" in {expr}")
        return r["result"].get("value")

    def click(self, selector, index=0):
        """A real left click (mouse events through the browser's input
        pipeline) at the centre of the index-th element matching the CSS
        selector, scrolled into view first.  Raises if there is no such
        element, it has no box, or another element covers its centre."""
        box = self.eval("""((sel, i) => {
            const all = document.querySelectorAll(sel);
            if (all.length <= i) return {missing: all.length};
            const e = all[i];
            e.scrollIntoView({block: "center", inline: "center"});
            const r = e.getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            const hit = document.elementFromPoint(x, y);
            return {x, y, w: r.width, h: r.height, covered: hit && (hit === e || e.contains(hit))
                    ? null : (hit ? hit.outerHTML.slice(0, 120) : "nothing")};
        })(%s, %d)""" % (json.dumps(selector), index))
        if "missing" in box:
            raise BrowserError(f"click: no element {index} of {selector!r} ({box['missing']} match)")
        if box["w"] <= 0 or box["h"] <= 0:
            raise BrowserError(f"click: {selector!r}[{index}] has an empty box")
        if box["covered"] is not None:
            raise BrowserError(f"click: {selector!r}[{index}] is covered at its centre by {box['covered']}")
        pos = {"x": box["x"], "y": box["y"]}
        self._call("Input.dispatchMouseEvent", {"type": "mouseMoved", **pos})
        for t in ("mousePressed", "mouseReleased"):
            self._call("Input.dispatchMouseEvent",
                       {"type": t, "button": "left", "buttons": 1 if t == "mousePressed" else 0,
                        "clickCount": 1, **pos})
        self.settle()

    def settle(self):
        """Waits for the next two animation frames: what a click or a timer
        changed is then laid out and painted."""
        self.eval("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    def console_errors(self):
        """Every console.error/console.assert failure, uncaught exception and
        browser log error (a failed request among them) since open(), as
        strings.  Nothing is filtered: a file:// page gets no favicon
        request, hence no favicon error (Chromium 156, watched for 3 s)."""
        return list(self._errors)

    def requests(self):
        """The URL of every request the page made since open(), the page's
        own included, in order."""
        # the events of requests already made may still be on the pipe
        self.eval("0")
        return list(self._requests)

    def screenshot(self, path, full_page=True):
        """A PNG of the viewport (full_page: of the whole document) at path."""
        params = {"format": "png"}
        if full_page:
            size = self._call("Page.getLayoutMetrics")["cssContentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "scale": 1,
                                "width": max(size["width"], 1), "height": max(size["height"], 1)})
        data = base64.b64decode(self._call("Page.captureScreenshot", params)["data"])
        with open(path, "wb") as f:
            f.write(data)
        return path


def group_running(pgid):
    """The pids in process group pgid that are not zombies (from /proc,
    proc(5): the fields after the command name are state, ppid, pgrp)."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != b"Z":
            pids.append(int(d))
    return pids


def _remote_text(a):
    """A console argument (Runtime.RemoteObject) as text."""
    if "value" in a:
        return a["value"] if isinstance(a["value"], str) else json.dumps(a["value"])
    return a.get("unserializableValue") or a.get("description") or a.get("type", "")


def _where(stack):
    if stack and stack.get("callFrames"):
        f = stack["callFrames"][0]
        return f" ({f.get('url')}:{f.get('lineNumber', 0) + 1}:{f.get('columnNumber', 0) + 1})"
    return ""
