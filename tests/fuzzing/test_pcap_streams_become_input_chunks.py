"""sockfault pcap-to-input: each TCP connection of a capture becomes a
connection of the input, the peer's bytes reassembled in sequence order
(a retransmission dropped, an out-of-order segment placed after the gap
fills), one chunk per segment, then its FIN -- from an Ethernet capture
with the peer as client, and a raw-IP one with --side client."""
import socket
import struct
from fzcase import *


def checksum(b):
    return 0  # pcap-to-input does not verify checksums


def tcp(sport, dport, seq, flags, payload=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0) + payload


def ipv4(src, dst, seg):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), 0, 0, 64, 6, 0, socket.inet_aton(src),
                       socket.inet_aton(dst)) + seg


def pcap(linktype, frames):
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype)
    for i, f in enumerate(frames):
        out += struct.pack("<IIII", i, 0, len(f), len(f)) + f
    return out


SYN, FIN, ACK, PSH = 0x02, 0x01, 0x10, 0x08
C, S = ("10.0.0.1", 40000), ("10.0.0.2", 7000)


def segments():
    """(from client?, tcp segment) of one connection, client ISN 1000, server ISN 5000."""
    return [
        (True, tcp(C[1], S[1], 1000, SYN)),
        (False, tcp(S[1], C[1], 5000, SYN | ACK)),
        (True, tcp(C[1], S[1], 1001, ACK | PSH, b"E\x01x")),
        (True, tcp(C[1], S[1], 1001, ACK | PSH, b"E\x01x")),          # retransmission
        (False, tcp(S[1], C[1], 5001, ACK | PSH, b"e\x01x")),
        (True, tcp(C[1], S[1], 1006, ACK | PSH, b"\x02hi")),          # out of order
        (True, tcp(C[1], S[1], 1004, ACK | PSH, b"EB")),               # fills the gap
        (True, tcp(C[1], S[1], 1009, FIN | ACK)),
        (False, tcp(S[1], C[1], 5004, FIN | ACK)),
    ]


def frame_eth(from_client, seg):
    src, dst = (C, S) if from_client else (S, C)
    return b"\x00" * 12 + b"\x08\x00" + ipv4(src[0], dst[0], seg)


def frame_raw(from_client, seg):
    src, dst = (C, S) if from_client else (S, C)
    return ipv4(src[0], dst[0], seg)


def peer_lines(capture, *opts):
    cap = write_input(os.path.basename(capture) + ".pcap", capture_bytes[capture])
    inp = tmp_path(os.path.basename(capture) + ".in")
    r = subprocess.run([CLI, "pcap-to-input", cap, "-o", inp, *opts], capture_output=True, text=True,
                       env=clean_env())
    expect(r.returncode == 0, f"pcap-to-input: {r.stderr}")
    return [l for l in open(convert(inp)).read().splitlines() if l.startswith("peer ")]


capture_bytes = {
    "eth": pcap(1, [frame_eth(c, s) for c, s in segments()]),
    "raw": pcap(101, [frame_raw(c, s) for c, s in segments()]),
}
expect_equal(peer_lines("eth"), ["peer 1 in listen=1", "peer 1 send 450178", "peer 1 send 4542",
                                 "peer 1 send 026869", "peer 1 fin"], "client's side, Ethernet")
expect_equal(peer_lines("raw", "--side", "client"), ["peer 1 out", "peer 1 send 650178", "peer 1 fin"],
             "server's side, raw IP")
print("ok")
