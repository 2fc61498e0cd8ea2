"""Shared helpers for the capture tests: a program run under `sockfault run
--pcap`, and what tshark makes of the capture.

Environment (set by ctest): as sfcase.py (SF_CLI, SF_PEER, SF_PROGRAMS),
plus PYTHONPATH reaching tests/faults and tests/programs (sfcase, sftest).
"""
import os
import subprocess
import tempfile

from sfcase import *  # noqa: F401,F403  (CLI, PY, fail, expect, Server, ...)
import sftest

HERE = os.path.dirname(os.path.abspath(__file__))

# tshark verifies checksums only when asked (they are off by default
# because offloading NICs leave them blank); we want them checked.
CHECKS = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
          "-o", "udp.check_checksum:TRUE"]
# Random payload on random ports would otherwise meet port-based and
# heuristic dissectors (Thrift, say) that call it malformed: only the
# protocols the shim writes are dissected.
for proto in ("frame", "raw", "ip", "ipv6", "tcp", "udp", "dns"):
    CHECKS += ["--enable-protocol", proto]
CHECKS = ["--disable-protocol", "ALL"] + CHECKS
# Disabling does not reach every port-registered dissector (tshark 4.0 still
# ran Gryphon on port 7000 over random payload and called it malformed):
# payload on every TCP port is plain data.  (Not for UDP: a decode-as on the
# client's port would take DNS answers from the dns dissector.)
CHECKS += ["-d", "tcp.port==1-65535,data"]


def tmpdir():
    return tempfile.mkdtemp(prefix="sfcap-")


def run(argv, pcap, scenario=None, env=None, timeout=300, extra=(), cwd=None):
    """argv under the shim with --pcap PCAP (and a scenario text)."""
    return sftest.run(argv, scenario=scenario, env=env, timeout=timeout,
                      extra=["--pcap", pcap, *extra], cwd=cwd)


def tshark(pcap, *args):
    """tshark -r PCAP ARGS; fails the test when tshark reports a problem
    with the file itself (a record cut short, an unknown format)."""
    r = subprocess.run(["tshark", "-n", "-r", pcap] + CHECKS + list(args),
                       capture_output=True, text=True, timeout=600)
    err = "\n".join(l for l in r.stderr.splitlines() if "Running as user" not in l)
    expect(r.returncode == 0 and not err.strip(), f"tshark on {pcap}: rc={r.returncode} {err}")
    return r.stdout


def fields(pcap, display_filter, *names):
    """Rows of the named fields for the frames matching the filter."""
    args = ["-T", "fields", "-E", "separator=|"]
    for n in names:
        args += ["-e", n]
    if display_filter:
        args += ["-Y", display_filter]
    out = tshark(pcap, *args)
    return [line.split("|") for line in out.splitlines() if line.strip()]


def follow(pcap, stream=0):
    """The two byte streams of TCP stream `stream` as tshark reassembles them:
    (node 0 address, bytes node 0 sent, node 1 address, bytes node 1 sent)."""
    out = tshark(pcap, "-q", "-z", f"follow,tcp,raw,{stream}")
    nodes, data = {}, {0: bytearray(), 1: bytearray()}
    for line in out.splitlines():
        if line.startswith("Node 0: ") or line.startswith("Node 1: "):
            nodes[int(line[5])] = line[8:]
        elif line.startswith("\t") and line.strip():
            data[1] += bytes.fromhex(line.strip())
        elif line and all(c in "0123456789abcdef" for c in line):
            data[0] += bytes.fromhex(line)
    return nodes.get(0), bytes(data[0]), nodes.get(1), bytes(data[1])


# What tshark's expert analysis must never say about a capture nobody
# injected a fault into; tests with faults list what they expect instead.
PROBLEMS = ("_ws.malformed || ip.checksum.status == 0 || tcp.checksum.status == 0 || "
            "udp.checksum.status == 0 || tcp.analysis.lost_segment || tcp.analysis.out_of_order || "
            "tcp.analysis.retransmission || tcp.analysis.duplicate_ack || "
            "tcp.analysis.ack_lost_segment || tcp.analysis.window_full || "
            "tcp.analysis.zero_window || tcp.analysis.spurious_retransmission || "
            "tcp.analysis.fast_retransmission || tcp.analysis.reused_ports || "
            "_ws.expert.severity >= \"Warning\"")


def problems(pcap, allow=None):
    """Frames tshark flags, as 'number: messages' lines; allow is a display
    filter for frames that may be flagged (an injected RST)."""
    f = PROBLEMS if not allow else f"({PROBLEMS}) && !({allow})"
    return [" ".join(r) for r in fields(pcap, f, "frame.number", "_ws.expert.message")]


def expect_clean(pcap, allow=None):
    p = problems(pcap, allow)
    expect(not p, f"tshark flags {len(p)} frame(s) in {pcap}: {p[:10]}")
