"""Prints, as one JSON document, what Python's resolver functions return for
names /etc/hosts and glibc answer by themselves (localhost, numeric
addresses, no name), over every combination of getaddrinfo hints the
resolver tests care about.  Run natively and under the shim and compared:
the shim must not change a single answer for a name it does not own.  With
names as arguments, the same for those names (a virtual name under the
shim against localhost natively)."""
import json
import socket
import sys

# resolver_probe.py [NAME...]: these names only, and no reverse lookups.
NAMES = sys.argv[1:] or ["localhost", "LOCALHOST", "127.0.0.1", "::1", "127.1", "::ffff:127.0.0.1", None]
REVERSE = not sys.argv[1:]
FAMILIES = [socket.AF_UNSPEC, socket.AF_INET, socket.AF_INET6]
TYPES = [0, socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_RAW]
PROTOS = [0, socket.IPPROTO_TCP, socket.IPPROTO_UDP]
FLAGS = [0, socket.AI_PASSIVE, socket.AI_CANONNAME, socket.AI_NUMERICHOST, socket.AI_NUMERICSERV,
         socket.AI_ADDRCONFIG, socket.AI_V4MAPPED, socket.AI_V4MAPPED | socket.AI_ALL]
SERVICES = [None, 443, "https", "nosuchservice"]
NI_FLAGS = [0, socket.NI_NUMERICHOST, socket.NI_NAMEREQD, socket.NI_NUMERICSERV, socket.NI_DGRAM,
            socket.NI_NOFQDN]


def attempt(f, *args):
    try:
        r = f(*args)
    except socket.gaierror as e:
        return ["gaierror", e.errno]
    except socket.herror as e:
        return ["herror", e.errno]
    except OSError as e:
        return [type(e).__name__, e.errno]
    if isinstance(r, list):
        return [[int(fa), int(ty), pr, cn, list(sa)] for fa, ty, pr, cn, sa in r]
    return list(r) if isinstance(r, tuple) else r


# What glibc hands to DNS (here: localhost's IPv6 address, when /etc/hosts
# has none; reverse lookups of addresses it does not list) is left out: a
# DNS timeout in one run and not the other would be a difference the shim
# did not make.  A name or address glibc cannot answer for a family is
# taken to be one of those.
def answerable(name, fam):
    if ":" in name or name.replace(".", "").isdigit():
        return True  # numeric: glibc never asks DNS
    try:
        return bool(socket.getaddrinfo(name, None, fam))
    except OSError:
        return False


def reverse_known(addr):
    try:
        socket.gethostbyaddr(addr)
        return True
    except OSError:
        return False


out = {}
for name in NAMES:
    for fam in FAMILIES:
        if name is not None and not answerable(name, fam):
            out["skipped %r %d" % (name, fam)] = True
            continue
        for ty in TYPES:
            for pr in PROTOS:
                for fl in FLAGS:
                    for sv in SERVICES:
                        key = "gai %r %r %d %d %d %d" % (name, sv, fam, ty, pr, fl)
                        out[key] = attempt(socket.getaddrinfo, name, sv, fam, ty, pr, fl)
    if name is not None and answerable(name, socket.AF_INET):
        out["gethostbyname %r" % name] = attempt(socket.gethostbyname, name)
        out["gethostbyname_ex %r" % name] = attempt(socket.gethostbyname_ex, name)
for addr in ["127.0.0.1", "::1", "127.0.0.2"] if REVERSE else []:
    known = reverse_known(addr)
    out["reverse known %r" % addr] = known
    if known:
        out["gethostbyaddr %r" % addr] = attempt(socket.gethostbyaddr, addr)
    for sa in [(addr, 80), (addr, 7)]:
        if ":" in addr:
            sa += (0, 0)
        for fl in NI_FLAGS:
            if known or fl & socket.NI_NUMERICHOST:
                out["getnameinfo %r %d" % (sa, fl)] = attempt(socket.getnameinfo, sa, fl)
print(json.dumps(out, sort_keys=True))
