#!/bin/sh
# A link's latency holds between processes of a run as within one:
# `sockfault run -s FILE` with `net virtual` and `link * latency 50ms`
# runs `sh -c 'server & client'`, the server and the client two python3
# processes.  The client's blocking connect() to the server's listener is a
# round trip over the link: it takes at least 90 ms (2 x 50 ms, less a
# margin for the clocks) and, generously, less than 2 s.  The client then
# reads the server's greeting, so the connection really reached the other
# process.
#
# Environment (set by CMake): SF_CLI, SF_PYTHON3, SF_SAN_RUNTIME.
set -u
: "${SF_CLI:?}" "${SF_PYTHON3:?}"
SF_SAN_RUNTIME=${SF_SAN_RUNTIME:-}
here=$(cd "$(dirname "$0")" && pwd)
scenario=$here/test_link_latency_delays_connect_between_processes.sf

py=$("$SF_PYTHON3" -c 'import sys; print(sys.executable)') || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sf-link-mp.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

failures=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }
show() { [ -s "$tmp/$1" ] && sed "s|^|#   $1: |" "$tmp/$1" | head -n 20; }

# The server: listens, says so in a file, greets one client with its pid,
# says in another file when the client has closed.
cat >"$tmp/server.py" <<'EOF'
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 7300))
s.listen(1)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(30)
c, _ = s.accept()
c.sendall(b"hello from %d\n" % os.getpid())
c.settimeout(30)
c.recv(1)  # until the client closes (its FIN arrives)
with open(sys.argv[1] + ".done", "w") as f:
    pass
EOF

# The client: waits (bounded) for the server, times its connect, prints
# "connect_ms N" and the greeting's pid.
cat >"$tmp/client.py" <<'EOF'
import os, socket, sys, time
deadline = time.monotonic() + 20
while not os.path.exists(sys.argv[1]):
    if time.monotonic() > deadline:
        sys.exit("the server did not start listening in 20 s")
    time.sleep(0.02)
c = socket.socket()
c.settimeout(30)
t0 = time.monotonic()
c.connect(("127.0.0.1", 7300))
t1 = time.monotonic()
data = b""
while not data.endswith(b"\n"):
    chunk = c.recv(100)
    if not chunk:
        break
    data += chunk
print("connect_ms %d" % round((t1 - t0) * 1000))
print("client %d" % os.getpid())
print(data.decode().strip())
sys.stdout.flush()
# The FIN crosses the link too, delivered by this process's timer: stay
# (bounded) until the server saw it.
c.close()
deadline = time.monotonic() + 20
while not os.path.exists(sys.argv[1] + ".done"):
    if time.monotonic() > deadline:
        sys.exit("the server did not see the client's FIN in 20 s")
    time.sleep(0.02)
EOF

if [ -n "$SF_SAN_RUNTIME" ]; then
	set -- env -u SOCKFAULT_VNET -u SOCKFAULT_NET LD_PRELOAD="$SF_SAN_RUNTIME" "$SF_CLI"
else
	set -- env -u LD_PRELOAD -u SOCKFAULT_VNET -u SOCKFAULT_NET "$SF_CLI"
fi
timeout 120 "$@" run -s "$scenario" -- sh -c '"$1" "$2" "$4" & "$1" "$3" "$4"; rc=$?; wait $!; exit $rc' \
	sh "$py" "$tmp/server.py" "$tmp/client.py" "$tmp/ready" >"$tmp/out" 2>"$tmp/err" </dev/null
status=$?
if [ "$status" -eq 0 ]; then
	ok "the run (server and client in one shell) exited 0"
else
	not_ok "the run exited $status"
	show out
	show err
fi

ms=$(sed -n 's/^connect_ms //p' "$tmp/out")
client=$(sed -n 's/^client //p' "$tmp/out")
server=$(sed -n 's/^hello from //p' "$tmp/out")
if [ -n "$server" ] && [ "$server" = "$(cat "$tmp/ready" 2>/dev/null)" ] && [ "$server" != "$client" ]; then
	ok "the client (pid $client) got the greeting of the server, another process (pid $server)"
else
	not_ok "the client (pid ${client:-none}) should have the greeting of the server (pid $(cat "$tmp/ready" 2>/dev/null)), got '${server:-none}'"
fi
if [ -n "$ms" ] && [ "$ms" -ge 90 ]; then
	ok "connect() over link * latency 50ms took $ms ms, at least the round trip (>= 90 ms)"
else
	not_ok "connect() over link * latency 50ms took ${ms:-no} ms, expected >= 90 ms (2 x 50 ms)"
fi
if [ -n "$ms" ] && [ "$ms" -lt 2000 ]; then
	ok "and less than 2 s"
else
	not_ok "connect() took ${ms:-no} ms, expected < 2000 ms"
fi
echo "1..$n"
[ "$failures" -eq 0 ] || echo "# $failures of $n checks failed"
exit $((failures != 0))
