"""--shard I/N selects the cases whose 0-based position modulo N is I-1:
shards 1/3, 2/3 and 3/3 together run every case exactly once."""
from clicase import *

names = [f"case-{i:02d}" for i in range(10)]
path = make_suite("".join(f"case {n}\n  run true\n" for n in names))
seen = []
for i in (1, 2, 3):
    r = suite(path, "--tap", "--shard", f"{i}/3")
    expect(r.returncode == 0, show(r))
    got = list(tap_results(r.stdout))
    expect(got == names[i - 1::3], f"shard {i}/3 ran {got}")
    expect(f"(shard {i}/3 of 10)" in r.stderr, r.stderr)
    seen += got
expect(sorted(seen) == names, f"shards together ran {sorted(seen)}")
full = suite(path, "--tap")
expect(list(tap_results(full.stdout)) == names, full.stdout)
for bad in ("0/3", "4/3", "1/0", "3", "a/b", "-1/2"):
    r = suite(path, "--shard", bad)
    expect(r.returncode == 2 and "--shard" in r.stderr, f"--shard {bad}: {show(r)}")
print("ok")
