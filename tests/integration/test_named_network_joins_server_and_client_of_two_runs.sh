#!/bin/sh
# Two separate `sockfault run`s meet on a network named with --net
# virtual:NAME: a python3 server started by one run (in the background,
# listening on 127.0.0.1:80 of the network) answers a client started by
# another run with the same NAME.  Checked:
#   - the client of the second run connects and gets the server's answer;
#   - isolation: a run on another name, and a plain --net virtual run,
#     are refused on the same address (ECONNREFUSED: nothing listens on
#     their networks);
#   - while the server runs, the network is the file
#     /dev/shm/sockfault-UID/net-NAME, mode 0600, in a directory of mode
#     0700;
#   - after both runs exit, that file is gone;
#   - a bad name (--net virtual:../x) stops the run before the program
#     starts: exit status 2, one line on stderr naming SOCKFAULT_NET.
#
# Environment (set by CMake): SF_CLI, SF_PYTHON3, and SF_SAN_RUNTIME in
# sanitizer builds (the runtime the shim needs in front of it in programs
# that are not instrumented).
set -u
: "${SF_CLI:?}" "${SF_PYTHON3:?}"
SF_SAN_RUNTIME=${SF_SAN_RUNTIME:-}

# python3 may be a pyenv shim script: the interpreter itself gets the shim.
py=$("$SF_PYTHON3" -c 'import sys; print(sys.executable)') || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sf-named-net.XXXXXX") || exit 1
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

failures=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }
finish() {
	echo "1..$n"
	[ "$failures" -eq 0 ] || echo "# $failures of $n checks failed"
	exit $((failures != 0))
}
show() { [ -s "$tmp/$1" ] && sed "s|^|#   $1: |" "$tmp/$1" | head -n 20; }

# $sf ARGS...: the sockfault CLI, with the sanitizer runtime in front when
# the build has one, no preload of the test's own otherwise, and no network
# inherited from the test's environment (a script, so timeout can run it).
sf=$tmp/sf
{
	echo '#!/bin/sh'
	if [ -n "$SF_SAN_RUNTIME" ]; then
		printf 'export LD_PRELOAD="%s"\n' "$SF_SAN_RUNTIME"
	else
		echo 'unset LD_PRELOAD'
	fi
	echo 'unset SOCKFAULT_VNET SOCKFAULT_NET'
	printf 'exec "%s" "$@"\n' "$SF_CLI"
} >"$sf"
chmod +x "$sf"

name=sftest-named-$$
other=sftest-other-$$
dir=/dev/shm/sockfault-$(id -u)
netfile=$dir/net-$name

# The server: listens on 127.0.0.1:80, says so in a file, answers one
# client ("pong " and what it sent), then exits.  Every wait is bounded.
cat >"$tmp/server.py" <<'EOF'
import os, socket, sys
ready = sys.argv[1]
s = socket.socket()
s.bind(("127.0.0.1", 80))
s.listen(8)
with open(ready + ".tmp", "w") as f:
    f.write(os.environ.get("SOCKFAULT_VNET", ""))
os.replace(ready + ".tmp", ready)
s.settimeout(60)
c, _ = s.accept()
c.settimeout(30)
data = b""
while not data.endswith(b"\n"):
    chunk = c.recv(100)
    if not chunk:
        break
    data += chunk
c.sendall(b"pong " + data)
c.close()
s.close()
EOF

# The client: connects to 127.0.0.1:80 and prints what happened:
# "refused", or "answer: ..." with the server's reply.
cat >"$tmp/client.py" <<'EOF'
import socket, sys
c = socket.socket()
c.settimeout(30)
try:
    c.connect(("127.0.0.1", 80))
except ConnectionRefusedError:
    print("refused")
    sys.exit(0)
c.sendall(b"ping\n")
data = b""
while True:
    chunk = c.recv(100)
    if not chunk:
        break
    data += chunk
print("answer: " + data.decode().strip())
EOF

if [ -e "$netfile" ]; then
	echo "# skip: $netfile exists before the test"
	exit 77
fi

timeout 120 "$sf" run --net "virtual:$name" -- "$py" "$tmp/server.py" "$tmp/ready" \
	>"$tmp/server.out" 2>"$tmp/server.err" </dev/null &
srv=$!

i=0
while [ ! -f "$tmp/ready" ]; do
	i=$((i + 1))
	if [ $i -ge 400 ] || ! kill -0 "$srv" 2>/dev/null; then
		not_ok "the server did not start listening (after $i looks, 50 ms apart)"
		show server.out
		show server.err
		finish
	fi
	sleep 0.05
done
ok "the server of run 1 (--net virtual:$name) listens on 127.0.0.1:80"

exported=$(cat "$tmp/ready")
if [ "$exported" = "$netfile" ]; then
	ok "the server's SOCKFAULT_VNET names the network's file: $exported"
else
	not_ok "the server's SOCKFAULT_VNET is '$exported', expected $netfile"
fi

if [ -f "$netfile" ]; then
	ok "while the server runs, the network is the file $netfile"
else
	not_ok "while the server runs, $netfile does not exist: $(ls -la "$dir" 2>&1 | head -n 5)"
fi
mode=$(stat -c %a "$netfile" 2>/dev/null)
owner=$(stat -c %u "$netfile" 2>/dev/null)
if [ "$mode" = 600 ] && [ "$owner" = "$(id -u)" ]; then
	ok "the network file is mode 0600, owned by the user"
else
	not_ok "the network file: mode ${mode:-none} owner ${owner:-none}, expected 600 and $(id -u)"
fi
mode=$(stat -c %a "$dir" 2>/dev/null)
if [ "$mode" = 700 ]; then
	ok "its directory $dir is mode 0700"
else
	not_ok "the directory $dir is mode ${mode:-none}, expected 700"
fi

# Isolation: another name, and a run's own network, have nothing on port 80.
timeout 60 "$sf" run --net "virtual:$other" -- "$py" "$tmp/client.py" \
	>"$tmp/other.out" 2>"$tmp/other.err" </dev/null
status=$?
if [ "$status" -eq 0 ] && [ "$(cat "$tmp/other.out")" = refused ]; then
	ok "a run on another network (virtual:$other) is refused on 127.0.0.1:80"
else
	not_ok "a run on virtual:$other: status $status, output '$(cat "$tmp/other.out")', expected refused"
	show other.err
fi
if [ ! -e "$dir/net-$other" ]; then
	ok "that run's network file is gone after it"
else
	not_ok "$dir/net-$other is left after its only run exited"
fi
timeout 60 "$sf" run --net virtual -- "$py" "$tmp/client.py" \
	>"$tmp/own.out" 2>"$tmp/own.err" </dev/null
status=$?
if [ "$status" -eq 0 ] && [ "$(cat "$tmp/own.out")" = refused ]; then
	ok "a run on its own network (--net virtual) is refused on 127.0.0.1:80"
else
	not_ok "a run with --net virtual: status $status, output '$(cat "$tmp/own.out")', expected refused"
	show own.err
fi

# The client of a second run with the same name.
timeout 60 "$sf" run --net "virtual:$name" -- "$py" "$tmp/client.py" \
	>"$tmp/client.out" 2>"$tmp/client.err" </dev/null
status=$?
if [ "$status" -eq 0 ] && [ "$(cat "$tmp/client.out")" = "answer: pong ping" ]; then
	ok "a second run on virtual:$name connects and gets the server's answer"
else
	not_ok "the second run on virtual:$name: status $status, output '$(cat "$tmp/client.out")', expected 'answer: pong ping'"
	show client.err
fi

# The server exits after its one client (bounded: at most 30 s).
i=0
while kill -0 "$srv" 2>/dev/null && [ $i -lt 600 ]; do
	i=$((i + 1))
	sleep 0.05
done
if kill -0 "$srv" 2>/dev/null; then
	not_ok "the server did not exit after its client (30 s)"
	kill "$srv" 2>/dev/null
fi
wait "$srv"
status=$?
srv=
if [ "$status" -eq 0 ]; then
	ok "the server's run exited 0"
else
	not_ok "the server's run exited $status"
	show server.err
fi
if [ ! -e "$netfile" ]; then
	ok "after both runs, $netfile is gone"
else
	not_ok "after both runs exited, $netfile is still there"
	rm -f "$netfile"
fi

# A name that could reach another file.
timeout 60 "$sf" run --net "virtual:../x" -- sh -c 'echo started' >"$tmp/bad.out" 2>"$tmp/bad.err" </dev/null
status=$?
if [ "$status" -eq 2 ]; then
	ok "--net virtual:../x: the run exits 2"
else
	not_ok "--net virtual:../x: status $status, expected 2"
fi
if [ ! -s "$tmp/bad.out" ]; then
	ok "the program did not start"
else
	not_ok "the program started: '$(cat "$tmp/bad.out")'"
fi
if [ "$(wc -l <"$tmp/bad.err" | tr -d ' ')" -eq 1 ] && grep -q SOCKFAULT_NET "$tmp/bad.err"; then
	ok "one line on stderr names SOCKFAULT_NET: $(cat "$tmp/bad.err")"
else
	not_ok "stderr should be one line naming SOCKFAULT_NET, got: $(cat "$tmp/bad.err")"
fi
if [ ! -e "$dir/x" ] && [ ! -e /dev/shm/x ]; then
	ok "no file was made outside the directory"
else
	not_ok "a file was made for ../x: $(ls -la "$dir/x" /dev/shm/x 2>&1)"
fi
finish
