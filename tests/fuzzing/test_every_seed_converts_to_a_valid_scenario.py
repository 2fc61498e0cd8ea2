"""Every seed of the fuzz input corpus converts with fuzz-to-scenario into a
scenario that `sockfault check` accepts, with as many peer steps as the
input has events (spot-checked on known seeds)."""
import glob
from fzcase import *

seeds = sorted(glob.glob(os.path.join(CORPUS, "input", "*")) + glob.glob(os.path.join(CORPUS, "sample_server", "*")))
expect(len(seeds) >= 10, f"seeds: {seeds}")
for s in seeds:
    sf = convert(s)
    r = subprocess.run([CLI, "check", sf], capture_output=True, text=True, env=clean_env())
    expect(r.returncode == 0 and ": ok" in r.stdout, f"{s}: {r.stdout} {r.stderr}")
# The split-header seed: one connection, two chunks, its FIN.
text = open(convert(os.path.join(CORPUS, "input", "structured-split-header"))).read()
expect_equal([l for l in text.splitlines() if l.startswith("peer")],
             ["peer 1 in listen=1", "peer 1 send 45017845", "peer 1 send 026869", "peer 1 fin"], "peer lines")
# stdin in, stdout out.
with open(os.path.join(CORPUS, "input", "raw-echo"), "rb") as f:
    r = subprocess.run([CLI, "fuzz-to-scenario", "-"], stdin=f, capture_output=True, text=True, env=clean_env())
expect(r.returncode == 0 and "peer 1 any listen=1\npeer 1 send 450568656c6c6f\npeer 1 fin\n" in r.stdout, r.stdout)
print("ok")
