"""A log with more data calls than the page may hold (SF_REPORT_MAX_DATA,
60000) gets a page whose data are binned into at most that many bins.
The log is made so that the bins are exactly on the edge of what floating
point gets wrong: every call lies in a bin k whose start, k * w, divided
by w again, floors to k - 1.  A binning that recomputes a bin's cell from
its start splits each of those bins in two (about 80000 bins for 40000), past the
limit, and `sockfault report` stops with an internal error (found by
tests/bench/bench_report.py's million-event run)."""
import json
import math
import os
import re
import subprocess

from sftest import CLI, clean_env, expect, expect_equal, scratch

MAX_DATA = 60000  # harness/report_model.h
d = scratch()
END = 4.096             # the run's duration: the last line's time
w = END / 4096          # the narrowest bin width report_model.c tries


def t6(x):
    return float("%.6f" % x)  # the log's precision


# bins whose start floors one below, with two call times inside each
bad = [k for k in range(4096)
       if math.floor(k * w / w) < k and all(math.floor(t6(k * w + f * w) / w) == k for f in (0.3, 0.6))]
expect(len(bad) >= 20, f"only {len(bad)} bins of width {w} s round down")
socks = 20000 // len(bad) + 1   # 2 lanes (connection, thread) x socks x bins > 40000 cells
cells = 2 * socks * len(bad)
expect(cells <= MAX_DATA < 2 * cells, f"{cells} cells do not bracket the limit")

lines = [(0.0, '{"sockfault":"0.1.0","pid":100,"ppid":1,"name":"dense","seed":0,'
               '"start_mono":1000000000,"start_real":1796419990.0}')]
for s in range(socks):
    common = '"pid":100,"tid":%d,"fd":%d,"sock":"100.%d"' % (1000 + s, 3 + s % 1000, s + 1)
    lines.append((1e-6, '{"time":0.000001,%s,"ev":"socket","domain":2,"type":"stream","result":3}' % common))
    for k in bad:
        for f in (0.3, 0.6):
            t = t6(k * w + f * w)
            lines.append((t, '{"time":%.6f,%s,"ev":"send","call":"send","bytes":64,"result":64}' % (t, common)))
    lines.append((END, '{"time":%.6f,%s,"ev":"close","out":%d,"in":0}' % (END, common, 128 * len(bad))))
lines.sort(key=lambda l: l[0])
log = os.path.join(d, "dense.log")
with open(log, "w") as f:
    f.write("".join(l + "\n" for _, l in lines))

html = os.path.join(d, "dense.html")
r = subprocess.run([CLI, "report", "--log", log, "-o", html], env=clean_env(), capture_output=True, text=True)
expect_equal((r.returncode, r.stderr), (0, ""), "sockfault report of the dense log: exit status and stderr")
with open(html) as f:
    page = f.read()
m = re.search(r'<script type="application/json" id="sf-data">(.*?)</script>', page, re.S)
expect(m is not None, "the page has no #sf-data")
data = json.loads(m.group(1))
expect(data["binWidth"] > 0, "the data were not binned")
expect(len(data["data"]) <= MAX_DATA, f"the page holds {len(data['data'])} data bins, more than {MAX_DATA}")
expect_equal(sum(x[2] for x in data["data"]), 2 * 64 * 2 * socks * len(bad),
             "bytes sent in all bins (each call on its connection's and its thread's lane)")
print(f"ok: {2 * socks * len(bad)} calls on {socks} connections in {len(data['data'])} bins")
