"""`sockfault --help` lists the commands; `sockfault COMMAND --help`
describes each one on stdout with status 0; misuse is status 2."""
import subprocess
from clicase import *


def cli(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=clean_env())


top = cli("--help")
expect(top.returncode == 0, show(top))
for cmd in ("run", "check", "suite", "fuzz-to-scenario", "pcap-to-input", "version"):
    expect(f"  {cmd} " in top.stdout, f"--help does not list {cmd}: {top.stdout}")
    h = cli(cmd, "--help")
    expect(h.returncode == 0 and h.stdout.startswith(f"usage: sockfault {cmd}"), f"{cmd} --help: {show(h)}")
s = cli("suite", "--help").stdout
for word in ("--jobs", "--junit", "--tap", "--artifacts", "--shard", "--seed", "case NAME", "scenario FILE",
             "run PROGRAM", "sh COMMAND", "cwd DIR", "exit N", "stdout ~ REGEX", "stdout !~ REGEX", "fires RULE",
             "never RULE", "timeout DURATION", "SUITE.md"):
    expect(word in s, f"suite --help does not mention {word!r}")
for bad in (["suite"], ["suite", "--bogus", "x.sfs"], ["suite", "-j", "0", "x.sfs"], ["suite", "a.sfs", "b.sfs"],
            ["suite", "--junit"], ["nosuchcommand"], [], ["fuzz-to-scenario"], ["fuzz-to-scenario", "--bogus", "x"],
            ["pcap-to-input", "x.pcap"], ["pcap-to-input"]):
    r = cli(*bad)
    expect(r.returncode == 2 and r.stderr, f"{bad}: {show(r)}")
print("ok")
