#!/bin/sh
# Real programs over real sockets: python3 -m http.server (on 127.0.0.1, a
# free port, serving a 5 MB random file) and curl, both with the shim
# preloaded.  The file curl fetches under the shim is byte-identical to the
# source and to what a native curl fetches; so are two files fetched over
# one kept-alive connection.
#
# Environment (set by CMake): SF_PRELOAD (the LD_PRELOAD value that loads the
# shim), SF_PYTHON3, SF_CURL, and SF_SAN_RUNTIME in sanitizer builds (the
# runtime SF_PRELOAD starts with).  Exit status 77: skipped.
set -u
: "${SF_PRELOAD:?}" "${SF_PYTHON3:?}" "${SF_CURL:?}"
SF_SAN_RUNTIME=${SF_SAN_RUNTIME:-}

# In a sanitizer build the shim needs the sanitizer runtime preloaded first;
# some programs do not run with that runtime at all (curl hangs in setlocale
# with libasan preloaded, shim or no shim).  That is no fault of the shim's:
# skip, rather than fail or test something else.
if [ -n "$SF_SAN_RUNTIME" ]; then
	if ! timeout 20 env LD_PRELOAD="$SF_SAN_RUNTIME" "$SF_CURL" -sS -o /dev/null file:///etc/hostname \
		>/dev/null 2>&1; then
		echo "# skip: curl does not run with $SF_SAN_RUNTIME preloaded (without the shim either)"
		exit 77
	fi
fi

# python3 may be a pyenv shim script: run the interpreter itself, so that the
# shim is preloaded into the server and not into a wrapper.
py=$("$SF_PYTHON3" -c 'import sys; print(sys.executable)') || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sf-curl.XXXXXX") || exit 1
server=
cleanup() {
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null
		wait "$server" 2>/dev/null
	fi
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

mkdir "$tmp/srv"
head -c 5242880 /dev/urandom >"$tmp/srv/big.bin"
head -c 100000 /dev/urandom >"$tmp/srv/small.bin"

# A free port: ask the kernel for one, then start the server on it; if
# somebody took it meanwhile the server dies, and we try another.
free_port() {
	"$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
up=
for attempt in 1 2 3 4 5; do
	port=$(free_port) || exit 1
	LD_PRELOAD=$SF_PRELOAD "$py" -m http.server --bind 127.0.0.1 --directory "$tmp/srv" "$port" \
		>"$tmp/server.log" 2>&1 &
	server=$!
	i=0
	while [ $i -lt 200 ]; do
		if ! kill -0 "$server" 2>/dev/null; then
			break
		fi
		if env -u LD_PRELOAD "$SF_CURL" -s -o /dev/null "http://127.0.0.1:$port/small.bin" 2>/dev/null; then
			up=1
			break
		fi
		sleep 0.05
		i=$((i + 1))
	done
	[ -n "$up" ] && break
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	server=
done
if [ -z "$up" ]; then
	not_ok "http.server did not start"
	sed 's/^/#   /' "$tmp/server.log"
	finish
fi
ok "python3 -m http.server under the shim on 127.0.0.1:$port (pid $server)"
url=http://127.0.0.1:$port

# The shim is really in both programs.
if grep -q libsockfault "/proc/$server/maps"; then
	ok "the server has the shim loaded"
else
	not_ok "libsockfault is not mapped in the server"
fi
LD_PRELOAD=$SF_PRELOAD "$SF_CURL" -sS file:///proc/self/maps >"$tmp/curl.maps" 2>"$tmp/err"
if grep -q libsockfault "$tmp/curl.maps"; then
	ok "curl has the shim loaded"
else
	not_ok "libsockfault is not mapped in curl: $(cat "$tmp/err")"
fi

fetch() { # fetch DESCRIPTION OUTPUT PRELOAD-OR-EMPTY ARGS...
	desc=$1 out=$2 pre=$3
	shift 3
	if [ -n "$pre" ]; then
		LD_PRELOAD=$pre "$SF_CURL" -sS --fail "$@" >"$tmp/err" 2>&1
	else
		env -u LD_PRELOAD "$SF_CURL" -sS --fail "$@" >"$tmp/err" 2>&1
	fi
	got=$?
	if [ "$got" -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc: curl exited $got: $(cat "$tmp/err")"
	fi
}
same() { # same DESCRIPTION A B
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1: $(cmp "$2" "$3" 2>&1 | head -n 1) (sizes $(wc -c <"$2") and $(wc -c <"$3"))"
	fi
}

fetch "native curl fetches the 5 MB file" "$tmp/native.bin" "" -o "$tmp/native.bin" "$url/big.bin"
fetch "curl under the shim fetches the 5 MB file" "$tmp/shim.bin" "$SF_PRELOAD" -o "$tmp/shim.bin" "$url/big.bin"
same "the native fetch is the source, byte for byte" "$tmp/native.bin" "$tmp/srv/big.bin"
same "the fetch under the shim is the source, byte for byte" "$tmp/shim.bin" "$tmp/srv/big.bin"
same "the fetch under the shim is the native fetch, byte for byte" "$tmp/shim.bin" "$tmp/native.bin"

# Two transfers on one connection (HTTP/1.0 server: curl may reconnect;
# either way both must be intact).
fetch "curl under the shim fetches two files in one run" "" "$SF_PRELOAD" \
	-o "$tmp/a.bin" "$url/small.bin" -o "$tmp/b.bin" "$url/big.bin"
same "the first of the two is intact" "$tmp/a.bin" "$tmp/srv/small.bin"
same "the second of the two is intact" "$tmp/b.bin" "$tmp/srv/big.bin"

# A missing file: the same HTTP error both ways.
LD_PRELOAD=$SF_PRELOAD "$SF_CURL" -s -o /dev/null -w '%{http_code}' "$url/missing" >"$tmp/code.shim"
env -u LD_PRELOAD "$SF_CURL" -s -o /dev/null -w '%{http_code}' "$url/missing" >"$tmp/code.native"
if [ "$(cat "$tmp/code.shim")" = 404 ] && [ "$(cat "$tmp/code.native")" = 404 ]; then
	ok "a missing file is 404 both ways"
else
	not_ok "missing file: $(cat "$tmp/code.shim") under the shim, $(cat "$tmp/code.native") natively"
fi

# The server survived it all.
if kill -0 "$server" 2>/dev/null; then
	ok "the server is still running"
else
	not_ok "the server died"
	sed 's/^/#   /' "$tmp/server.log"
fi
finish
