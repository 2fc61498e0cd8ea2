"""SOCKFAULT_FUZZ=- reads the input from standard input, as AFL++ feeds it."""
from fzcase import *

with open(os.path.join(CRASHES, "bug1-raw-long-name"), "rb") as f:
    r = fuzz_run("-", [SERVER, "7000"], stdin=f)
expect(crashed_with(r, 1), describe(r))
print("ok")
