#!/bin/sh
# One run, two programs on the virtual network: under `sockfault run --net
# virtual`, a shell starts python3 -m http.server on 127.0.0.1:PORT in the
# background, waits until it answers (curl, retried, bounded), and curl
# fetches a 3 MB file from it.  The server and curl are different processes
# of the run (children of the shell): the connection exists only on the
# run's shared virtual network.  Checked:
#   - the file came back intact (size and SHA-256 of the source);
#   - nothing listened on the host's loopback: during the run a native
#     program (LD_PRELOAD unset) can bind 127.0.0.1:PORT and a native curl
#     is refused there; after the run the port is free too.
#
# Environment (set by CMake): SF_CLI, SF_PYTHON3, SF_CURL, and
# SF_SAN_RUNTIME in sanitizer builds (the runtime the shim needs in front of
# it in programs that are not instrumented).  Exit status 77: skipped.
set -u
: "${SF_CLI:?}" "${SF_PYTHON3:?}" "${SF_CURL:?}"
SF_SAN_RUNTIME=${SF_SAN_RUNTIME:-}
PORT=${SF_TEST_PORT:-7180}

# curl does not run with a sanitizer runtime preloaded (test_curl_http.sh).
if [ -n "$SF_SAN_RUNTIME" ]; then
	if ! timeout 20 env LD_PRELOAD="$SF_SAN_RUNTIME" "$SF_CURL" -sS -o /dev/null file:///etc/hostname \
		>/dev/null 2>&1; then
		echo "# skip: curl does not run with $SF_SAN_RUNTIME preloaded (without the shim either)"
		exit 77
	fi
fi

# python3 may be a pyenv shim script: the interpreter itself gets the shim.
py=$("$SF_PYTHON3" -c 'import sys; print(sys.executable)') || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sf-curl-run.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
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

# Can a native program bind 127.0.0.1:PORT, i.e. nothing is bound there?
# (SO_REUSEADDR: a TIME_WAIT left by an earlier native test does not count.)
host_port_free() {
	env -u LD_PRELOAD "$py" -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError as e:
    print(e)
    sys.exit(1)' "$PORT"
}

if ! host_port_free >"$tmp/err" 2>&1; then
	echo "# skip: 127.0.0.1:$PORT is taken on this host before the run: $(cat "$tmp/err")"
	exit 77
fi

mkdir "$tmp/srv"
head -c 3145728 /dev/urandom >"$tmp/srv/big.bin"
echo hello >"$tmp/srv/small.txt"
want_sum=$(sha256sum <"$tmp/srv/big.bin" | cut -d' ' -f1)

# The shell run under the shim.  $1 python, $2 port, $3 directory, $4 curl,
# $5 where the results go.  Everything in it is bounded: 200 probes 50 ms
# apart, each probe and the fetch with curl's --max-time.
inner='
py=$1 port=$2 dir=$3 curl=$4 out=$5
"$py" -m http.server "$port" --bind 127.0.0.1 --directory "$dir" >"$out/server.log" 2>&1 &
srv=$!
i=0
until "$curl" -s --max-time 5 -o /dev/null "http://127.0.0.1:$port/small.txt"; do
	i=$((i + 1))
	if [ $i -ge 200 ] || ! kill -0 $srv 2>/dev/null; then
		echo "the server did not answer (after $i probes)" >"$out/why"
		kill $srv 2>/dev/null
		wait $srv
		exit 3
	fi
	sleep 0.05
done
# natively, meanwhile: 127.0.0.1:port is free on the host, curl is refused
env -u LD_PRELOAD "$py" -c "import socket; s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((\"127.0.0.1\", $port))" \
	>"$out/native_bind" 2>&1
echo $? >"$out/native_bind_status"
env -u LD_PRELOAD "$curl" -s --max-time 5 -o /dev/null "http://127.0.0.1:$port/small.txt"
echo $? >"$out/native_curl_status"
"$curl" -sS --fail --max-time 120 -o "$out/got.bin" "http://127.0.0.1:$port/big.bin" 2>"$out/curl.err"
rc=$?
kill $srv
wait $srv
exit $rc
'
if [ -n "$SF_SAN_RUNTIME" ]; then
	set -- env LD_PRELOAD="$SF_SAN_RUNTIME" "$SF_CLI"
else
	set -- env -u LD_PRELOAD "$SF_CLI"
fi
timeout 240 "$@" run --net virtual -- sh -c "$inner" sh "$py" "$PORT" "$tmp/srv" "$SF_CURL" "$tmp" \
	>"$tmp/run.out" 2>"$tmp/run.err" </dev/null
status=$?
if [ "$status" -eq 0 ]; then
	ok "sockfault run --net virtual: curl fetched big.bin from the run's own http.server"
else
	not_ok "sockfault run --net virtual exited $status: $(cat "$tmp/why" 2>/dev/null)"
	for f in run.out run.err server.log curl.err; do
		[ -s "$tmp/$f" ] && sed "s|^|#   $f: |" "$tmp/$f" | head -n 20
	done
fi

if [ -f "$tmp/got.bin" ]; then
	got_sum=$(sha256sum <"$tmp/got.bin" | cut -d' ' -f1)
	got_size=$(wc -c <"$tmp/got.bin" | tr -d ' ')
else
	got_sum=none got_size=none
fi
if [ "$got_sum" = "$want_sum" ]; then
	ok "the fetched file is the source: $got_size bytes, same SHA-256"
else
	not_ok "the fetched file differs: $got_size bytes, SHA-256 $got_sum, expected 3145728 bytes $want_sum"
fi

if [ "$(cat "$tmp/native_bind_status" 2>/dev/null)" = 0 ]; then
	ok "during the run, a native program could bind 127.0.0.1:$PORT (the server was not on the host)"
else
	not_ok "during the run, a native bind of 127.0.0.1:$PORT: status $(cat "$tmp/native_bind_status" 2>/dev/null || echo none): $(tail -n 1 "$tmp/native_bind" 2>/dev/null)"
fi
# curl's exit status 7: "Failed to connect to host".
if [ "$(cat "$tmp/native_curl_status" 2>/dev/null)" = 7 ]; then
	ok "during the run, a native curl of 127.0.0.1:$PORT was refused (curl status 7)"
else
	not_ok "during the run, a native curl of 127.0.0.1:$PORT: status $(cat "$tmp/native_curl_status" 2>/dev/null || echo none), expected 7"
fi

if host_port_free >"$tmp/err" 2>&1; then
	ok "after the run, 127.0.0.1:$PORT is free on the host"
else
	not_ok "after the run, 127.0.0.1:$PORT is taken on the host: $(cat "$tmp/err")"
fi
finish
