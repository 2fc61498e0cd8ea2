"""The same messages as the crash inputs minus the split or the overlong
length do not crash: the crashes come from what the inputs say, not from
fuzz-peer mode.  A header split between chunks is handled when the length
is within the command's limit."""
from fzcase import *

inputs = {
    "unsplit-blob-header": structured(open_conn(), data(0, b"E\x01xB\x28" + b"B" * 40)),
    "split-within-limit": structured(open_conn(), data(0, b"E\x01xB"), data(0, b"\x10" + b"B" * 16)),
    "name-at-limit": b"N\x10" + b"A" * 16,
}
for name, content in sorted(inputs.items()):
    r = fuzz_run(write_input(name, content), [SERVER, "7000"])
    expect(r.returncode == 0, f"{name}: {describe(r)}")
print("ok")
