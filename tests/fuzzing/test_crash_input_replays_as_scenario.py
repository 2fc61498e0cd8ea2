"""Acceptance: each known crash input crashes the sample server in
fuzz-peer mode, and the scenario `sockfault fuzz-to-scenario` makes of it
reproduces the same crash under `sockfault run` (bug 1 from data alone; bug
2 from a header split between two chunks, or by a short read the fault tape
injects)."""
from fzcase import *

cases = {"bug1-raw-long-name": 1, "bug2-header-split-by-chunks": 2, "bug2-header-split-by-short-read": 2,
         "bug2-found-by-libfuzzer": 2}
for name, bug in sorted(cases.items()):
    path = os.path.join(CRASHES, name)
    r = fuzz_run(path, [SERVER, "7000"])
    expect(crashed_with(r, bug), f"{name} under --fuzz: {describe(r)}")
    sf = convert(path)
    r = scenario_run(sf, [SERVER, "7000"])
    expect(crashed_with(r, bug), f"{name} as scenario {open(sf).read()!r}: {describe(r)}")
print("ok")
