"""What the report tests share: a program run under `sockfault run
--report` (with its full log kept, so a test can count what the page must
show), the page opened in headless Chromium, and a screenshot of it kept
under the build tree (SF_BUILD_DIR/tests/report/screenshots/NAME.png) as the
test's artifact.

Environment (set by ctest): SF_CLI, SF_SOURCE_DIR, SF_BUILD_DIR,
SF_SAN_RUNTIME.
"""
import os
import sys

import sftest
from sftest import expect, fail, log_all, log_events, scratch
from browser import Browser, chromium_or_skip

SRC = os.environ["SF_SOURCE_DIR"]
SHOTS = os.path.join(os.environ["SF_BUILD_DIR"], "tests", "report", "screenshots")
ROUNDTRIP = os.path.join(SRC, "tests", "programs", "roundtrip.py")
NAME = os.path.splitext(os.path.basename(sys.argv[0]))[0]


def run_report(argv, scenario=None, extra=(), seed=None):
    """argv under `sockfault run --report` (scenario text or none); returns
    (html path, log path, CompletedProcess)."""
    d = scratch()
    html, log = os.path.join(d, "run.html"), os.path.join(d, "events.jsonl")
    p = sftest.run(argv, scenario=scenario, log=log, seed=seed,
                   extra=["--report", html] + list(extra))
    expect(os.path.exists(html), f"no report written\n--- stderr\n{p.stderr}")
    return html, log, p


def connections(log):
    """The stream connections the log saw open: socket ids of connect and
    accept lines (each one lane)."""
    return {o["sock"] for o in log_all(log)
            if o.get("ev") in ("connect", "accept") and o.get("type", "stream") == "stream" and "sock" in o}


def fault_total(b):
    """Faults the page draws: the sum of its markers' counts."""
    return b.eval("[...document.querySelectorAll('.fault')]"
                  ".reduce((n, e) => n + Number(e.dataset.count), 0)")


def count(b, selector):
    return b.eval(f"document.querySelectorAll({selector!r}).length")


def keep_screenshot(b, suffix=""):
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, NAME + suffix + ".png")
    b.screenshot(path)
    print("screenshot:", path)
    return path


def expect_clean(b, page):
    """No console error, and nothing fetched but the page itself."""
    errors = b.console_errors()
    expect(not errors, f"console errors: {errors}")
    reqs = [r for r in b.requests() if r != "file://" + os.path.abspath(page)]
    expect(not reqs, f"the page fetched {reqs}")
