"""The million-event report of issue 19, timed: a real run of
bench_report_load under `sockfault run --log-events all` with a scenario
that cuts and interrupts a few calls, then `sockfault report` of its log
(seconds, the page's MB) and the page in a headless Chromium (ms from
navigation until window.sfReport.ready, and one zoom, timed inside the page
with performance.now).  Issue 19's targets, printed beside the numbers, not
asserted: render under 3 s, page under 50 MB.  What IS asserted is
correctness: the log holds at least a million lines, the page logs no
error, and its fault markers count every fault line of the log.  A
screenshot of the page is left beside the files.

usage: bench_report.py DIR    (ctest passes the build tree's report-files)
The run's time against the same workload run natively is printed too.
Environment (ctest): SF_CLI, SF_LOAD (bench_report_load), SF_SAN_RUNTIME.
SF_BENCH_EVENTS scales the run (default 1000000 log lines at least).
Skips (77) without chromium."""
import json
import os
import subprocess
import sys
import time

from sftest import clean_env, expect, fail
from browser import Browser, chromium_or_skip

chromium_or_skip()  # before the long run, not after it

d = sys.argv[1] if len(sys.argv) > 1 else fail("usage: bench_report.py DIR")
os.makedirs(d, exist_ok=True)
CLI, LOAD = os.environ["SF_CLI"], os.environ["SF_LOAD"]
san = os.environ.get("SF_SAN_RUNTIME", "")
want = int(os.environ.get("SF_BENCH_EVENTS", "1000000"))

# a round trip is >= 4 lines (send, recv on both ends); 10% to spare
THREADS, CONNS = 4, 10
TRIPS = max(1, (want * 11 // 10) // (4 * THREADS * CONNS))

scenario = os.path.join(d, "bench.sf")
with open(scenario, "w") as f:
    # ~20k faults among a million calls: more than SF_REPORT_MAX_FAULTS,
    # so the model bins them and the page merges markers
    f.write("send every=40 -> short 1..100\n"
            "recv every=97 -> eintr\n")
log = os.path.join(d, "run.log")
html = os.path.join(d, "report.html")
shot = os.path.join(d, "report.png")
for p in (log, html, shot):
    if os.path.exists(p):
        os.unlink(p)  # the log appends

# the same workload natively, for the ratio (the standard: against the
# kernel path, in the same run)
t = time.monotonic()
r = subprocess.run([LOAD, str(THREADS), str(CONNS), str(TRIPS)], env=clean_env())
native_s = time.monotonic() - t
expect(r.returncode == 0, f"the native run of bench_report_load exited {r.returncode}")

env = clean_env()
if san:
    env["LD_PRELOAD"] = san  # `sockfault run` puts the shim before it (sftest.run)
t = time.monotonic()
r = subprocess.run([CLI, "run", "-s", scenario, "--log", log, "--log-events", "all", "--",
                    LOAD, str(THREADS), str(CONNS), str(TRIPS)], env=env)
run_s = time.monotonic() - t
expect(r.returncode == 0, f"the run of bench_report_load exited {r.returncode}")

lines = faults = 0
with open(log, "rb") as f:
    for raw in f:
        lines += 1
        o = json.loads(raw)
        # the report's own test of a fault line (harness/report_model.c)
        if o.get("ev", "fault" if "rule" in o else "") == "fault":
            faults += 1
log_mb = os.path.getsize(log) / 1e6
expect(lines >= want, f"{log} holds {lines} lines, fewer than {want}")
expect(faults > 0, f"{log} holds no fault line: the scenario fired nothing")

t = time.monotonic()
r = subprocess.run([CLI, "report", "--log", log, "-o", html], env=clean_env())
report_s = time.monotonic() - t
expect(r.returncode == 0, f"sockfault report exited {r.returncode}")
html_mb = os.path.getsize(html) / 1e6

with Browser() as b:
    # a page this size takes longer than the default 30 s to parse on a slow
    # machine; the time is what we measure, not a limit
    render_ms = b.open(html, timeout=300)
    js_ms = b.eval("window.sfReport.renderMs")
    dom = b.eval("document.getElementsByTagName('*').length")
    # fault markers: the whole run, before any zoom
    shown = b.eval("Array.from(document.querySelectorAll('.fault'))"
                   ".reduce((s, e) => s + +e.getAttribute('data-count'), 0)")
    dur = b.eval("window.sfReport.data.duration")
    zoom_ms = b.eval("(() => { const t = performance.now(); window.sfReport.zoomTo(%r, %r);"
                     " return performance.now() - t; })()" % (dur * 0.4, dur * 0.45))
    zoom_dom = b.eval("document.getElementsByTagName('*').length")
    b.eval("window.sfReport.zoomTo(0, %r)" % dur)
    errors = b.console_errors()
    b.screenshot(shot, full_page=False)

expect(errors == [], f"the page logged errors: {errors}")
expect(shown == faults, f"the page's fault markers count {shown} faults, the log holds {faults}")

print(f"run: {lines} log lines ({faults} faults, {log_mb:.1f} MB, {1e6 * log_mb / lines:.0f} bytes per line) "
      f"in {run_s:.1f} s; natively {native_s:.1f} s (ratio {run_s / native_s:.2f})")
print(f"sockfault report: {report_s:.2f} s, page {html_mb:.2f} MB (target < 50 MB)")
print(f"browser: ready after {render_ms:.0f} ms (target < 3000 ms; report.js itself {js_ms:.0f} ms), "
      f"{dom} elements")
print(f"zoom to 40%..45% of the run: {zoom_ms:.0f} ms, {zoom_dom} elements")
print(f"screenshot: {shot}")
print(f"summary: events={lines} faults={faults} run_ratio={run_s / native_s:.2f} report_s={report_s:.2f} html_mb={html_mb:.2f} "
      f"render_ms={render_ms:.0f} zoom_ms={zoom_ms:.0f}")
