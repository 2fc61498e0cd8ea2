"""With --artifacts DIR each case's traffic is captured to
DIR/CASE/capture.pcap (what `sockfault run --pcap` writes): tshark reads it
and finds the case's TCP payload, faults and all.  A rerun into the same
DIR replaces the capture and removes a stale child capture
(capture.pcap.PID) of the last run."""
import os
import subprocess
from clicase import *

sc = {"short.sf": "send -> short 1000\nrecv -> short 777\n"}
path = make_suite(f"""
case talks
  scenario short.sf
  run {PY} {FAULTDEMO} eintr
""", sc)
art = os.path.join(scratch(), "art")
talks = os.path.join(art, "talks")
for attempt in (1, 2):
    if attempt == 2:
        with open(os.path.join(talks, "capture.pcap.99999"), "w") as f:
            f.write("stale")
    r = suite(path, "--artifacts", art)
    expect(r.returncode == 0, show(r))
    files = sorted(os.listdir(talks))
    expect(files == ["capture.pcap", "events.jsonl", "replay.sh", "report.html", "stderr", "stdout", "summary"], files)
    t = subprocess.run(["tshark", "-n", "-r", os.path.join(talks, "capture.pcap"), "-T", "fields",
                        "-e", "tcp.len", "-Y", "tcp.len > 0"], capture_output=True, text=True)
    err = "\n".join(l for l in t.stderr.splitlines() if "Running as user" not in l)
    expect(t.returncode == 0 and not err.strip(), f"tshark: {t.returncode} {err}")
    sizes = [int(x) for x in t.stdout.split()]
    # faultdemo's eintr mode sends 1 MiB and reads it back through a peer.
    expect(sum(sizes) >= 1048576, f"run {attempt}: {sum(sizes)} payload bytes captured")
    expect(max(sizes) <= 1000, f"run {attempt}: a segment of {max(sizes)} bytes despite short 1000")
print("ok", len(sizes), "segments")
