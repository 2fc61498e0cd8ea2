"""`sockfault suite --artifacts DIR` writes each case's report.html and
DIR/index.html: a row per case with its outcome and replay line, linking
the case's report, which draws that case's faults; the index opens without
console errors."""
import subprocess

from reportcase import *

chromium_or_skip()
d = scratch()
with open(os.path.join(d, "reset.sf"), "w") as f:
    f.write("recv -> reset after=1\n")
with open(os.path.join(d, "suite.sfs"), "w") as f:
    f.write(f"""
case passes
  scenario reset.sf
  run {sftest.PY} {ROUNDTRIP} 50000
  exit any
  fires 1

case fails-on-purpose
  run {sftest.PY} -c "import sys; sys.exit(3)"
  exit 0
""")
art = os.path.join(d, "art")
p = subprocess.run([sftest.CLI, "suite", os.path.join(d, "suite.sfs"), "--artifacts", art],
                   env=sftest.clean_env(keep_preload=True), capture_output=True, text=True, timeout=300)
expect(p.returncode == 1, f"the suite should fail (one case does): {p.returncode}\n{p.stdout}\n{p.stderr}")
index = os.path.join(art, "index.html")
expect(os.path.exists(index), "no index.html")
for case in ("passes", "fails-on-purpose"):
    expect(os.path.exists(os.path.join(art, case, "report.html")), f"no report for {case}")
with Browser() as b:
    b.open(index, ready=None)
    rows = b.eval("[...document.querySelectorAll('#cases tr.case')].map(r => [r.dataset.case, "
                  "r.querySelector('.outcome').textContent, r.querySelector('code').textContent, "
                  "[...r.querySelectorAll('a')].map(a => a.getAttribute('href'))])")
    sftest.expect_equal([r[:2] for r in rows], [["passes", "pass"], ["fails-on-purpose", "fail"]], "rows")
    expect(all(" run " in r[2] for r in rows), f"replay lines: {[r[2] for r in rows]}")
    expect("passes/report.html" in rows[0][3], f"links of the first row: {rows[0][3]}")
    expect_clean(b, index)
    keep_screenshot(b, "-index")
    report = os.path.join(art, "passes", "report.html")
    b.open(report)
    faults = len(log_events(os.path.join(art, "passes", "events.jsonl")))
    expect(faults >= 1, "the case's log has no fault")
    sftest.expect_equal(fault_total(b), faults, "faults on the case's report")
    expect_clean(b, report)
