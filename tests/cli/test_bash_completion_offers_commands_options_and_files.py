"""harness/sockfault.bash, sourced by bash: the first word completes to the
commands; `-` to the options the command's --help lists (so a new option is
offered without editing the completion); --net and --side to their values;
check and -s to scenario files (*.sf), suite to suite files (*.sfs); after
`run ... --` the program's name."""
import os
import shlex
import subprocess
from clicase import *

COMPLETION = os.path.join(SRC, "harness", "sockfault.bash")
d = scratch()
for name in ("a.sf", "b.sf", "c.sfs", "notes.txt"):
    open(os.path.join(d, name), "w").close()
os.mkdir(os.path.join(d, "sub"))


def complete(*words):
    """COMPREPLY for the command line CLI WORDS..., completing the last word."""
    line = " ".join(shlex.quote(w) for w in (CLI, *words))
    script = (f"source {shlex.quote(COMPLETION)}; COMP_WORDS=({line}); COMP_CWORD={len(words)}; "
              "_sockfault; printf '%s\\n' \"${COMPREPLY[@]}\"")
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=d, env=clean_env())
    expect(r.returncode == 0 and not r.stderr, f"{words}: {r.stderr}")
    return sorted(set(filter(None, r.stdout.split("\n"))))


expect(complete("") == sorted(["run", "check", "suite", "fuzz-to-scenario", "pcap-to-input", "report", "version",
                               "--help", "--version"]), complete(""))
expect(complete("su") == ["suite"], complete("su"))
run_opts = complete("run", "-")
for opt in ("-s", "--scenario", "--seed", "--log", "--summary", "--pcap", "--pcap-mtu", "--net", "--fuzz", "--"):
    expect(opt in run_opts, f"run - offers {run_opts}, not {opt}")
expect(complete("suite", "--j") == ["--jobs", "--junit"], complete("suite", "--j"))
expect(complete("run", "--net", "") == ["kernel", "virtual"], complete("run", "--net", ""))
expect(complete("pcap-to-input", "x.pcap", "--side", "") == ["client", "server"], "--side values")
expect(complete("run", "--log-events", "") == ["all", "faults"], complete("run", "--log-events", ""))
for opt in ("--log", "--pcap", "--scenario", "--title", "--output"):
    expect(opt in complete("report", "-"), f"report - offers {complete('report', '-')}, not {opt}")
expect(complete("check", "") == ["a.sf", "b.sf", "sub"], complete("check", ""))
expect(complete("run", "-s", "") == ["a.sf", "b.sf", "sub"], complete("run", "-s", ""))
expect(complete("suite", "") == ["c.sfs", "sub"], complete("suite", ""))
expect("sh" in complete("run", "-s", "a.sf", "--", "s"), "the program after --")
print("ok")
