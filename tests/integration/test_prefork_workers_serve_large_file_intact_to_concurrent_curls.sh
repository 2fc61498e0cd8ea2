#!/bin/sh
# A pre-fork server on the run's virtual network: under `sockfault run --net
# virtual`, a small python3 server listens on 127.0.0.1:8080, then forks 3
# workers that each loop on accept() of the one listener and answer every
# request with a 20 MB file (HTTP/1.0, Content-Length, socket.sendfile);
# the parent waits for them.  Four curls of the same run fetch the file at
# once.  Checked: every curl succeeds and its copy has the file's SHA-256.
# (Which workers served them is printed, not required: the kernel does not
# promise how accepts spread either.)
#
# Environment (set by CMake): SF_CLI, SF_PYTHON3, SF_CURL, SF_SAN_RUNTIME.
# Exit status 77: skipped.
set -u
: "${SF_CLI:?}" "${SF_PYTHON3:?}" "${SF_CURL:?}"
SF_SAN_RUNTIME=${SF_SAN_RUNTIME:-}

# curl does not run with a sanitizer runtime preloaded (test_curl_http.sh).
if [ -n "$SF_SAN_RUNTIME" ]; then
	if ! timeout 20 env LD_PRELOAD="$SF_SAN_RUNTIME" "$SF_CURL" -sS -o /dev/null file:///etc/hostname \
		>/dev/null 2>&1; then
		echo "# skip: curl does not run with $SF_SAN_RUNTIME preloaded (without the shim either)"
		exit 77
	fi
fi

py=$("$SF_PYTHON3" -c 'import sys; print(sys.executable)') || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sf-prefork.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

failures=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }
show() { [ -s "$tmp/$1" ] && sed "s|^|#   $1: |" "$tmp/$1" | head -n 20; }

head -c 20971520 /dev/urandom >"$tmp/big.bin"
want=$(sha256sum <"$tmp/big.bin" | cut -d' ' -f1)

# The server.  argv: the file, the readiness file.  SIGTERM to the parent
# ends the workers and then the parent.
cat >"$tmp/server.py" <<'EOF'
import os, signal, socket, sys
path, ready = sys.argv[1], sys.argv[2]
size = os.path.getsize(path)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8080))
s.listen(16)

def worker():
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        c, _ = s.accept()
        c.settimeout(60)
        req = b""
        while b"\r\n\r\n" not in req:
            chunk = c.recv(4096)
            if not chunk:
                break
            req += chunk
        head = ("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n"
                "Content-Length: %d\r\nX-Worker: %d\r\n\r\n" % (size, os.getpid()))
        c.sendall(head.encode())
        with open(path, "rb") as f:
            c.sendfile(f)
        c.close()

workers = []
def stop(*_):
    for w in workers:
        os.kill(w, signal.SIGTERM)
signal.signal(signal.SIGTERM, stop)
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        try:
            worker()
        finally:
            os._exit(1)
    workers.append(pid)
with open(ready + ".tmp", "w") as f:
    f.write(os.environ.get("SOCKFAULT_VNET", "none"))
os.replace(ready + ".tmp", ready)
for w in workers:
    while True:
        try:
            os.waitpid(w, 0)
            break
        except InterruptedError:
            pass
EOF

# The run: the server in the background, (bounded) until it is ready, then
# four curls at once; each curl's status in $out/status.N.
inner='
py=$1 dir=$2 curl=$3
"$py" "$dir/server.py" "$dir/big.bin" "$dir/ready" >"$dir/server.log" 2>&1 &
srv=$!
i=0
while [ ! -f "$dir/ready" ]; do
	i=$((i + 1))
	if [ $i -ge 400 ] || ! kill -0 $srv 2>/dev/null; then
		echo "the server did not get ready (after $i looks)" >"$dir/why"
		kill $srv 2>/dev/null
		exit 3
	fi
	sleep 0.05
done
pids=
for k in 1 2 3 4; do
	( "$curl" -sS --fail --max-time 120 -D "$dir/headers.$k" -o "$dir/got.$k" \
		http://127.0.0.1:8080/big.bin 2>"$dir/curl.$k.err"; echo $? >"$dir/status.$k" ) &
	pids="$pids $!"
done
wait $pids
kill -TERM $srv
wait $srv
'
if [ -n "$SF_SAN_RUNTIME" ]; then
	set -- env LD_PRELOAD="$SF_SAN_RUNTIME" -u SOCKFAULT_VNET -u SOCKFAULT_NET "$SF_CLI"
else
	set -- env -u LD_PRELOAD -u SOCKFAULT_VNET -u SOCKFAULT_NET "$SF_CLI"
fi
timeout 240 "$@" run --net virtual -- sh -c "$inner" sh "$py" "$tmp" "$SF_CURL" \
	>"$tmp/run.out" 2>"$tmp/run.err" </dev/null
status=$?
if [ "$status" -eq 0 ]; then
	ok "the pre-fork server served and stopped, the run exited 0"
else
	not_ok "the run exited $status: $(cat "$tmp/why" 2>/dev/null)"
	show run.err
	show server.log
fi

vnet=$(cat "$tmp/ready" 2>/dev/null)
case $vnet in
/dev/shm/sockfault-*) ok "the server was on the run's virtual network ($vnet)" ;;
*) not_ok "the server's SOCKFAULT_VNET is '${vnet:-unknown}': not on a virtual network" ;;
esac

workers=
for k in 1 2 3 4; do
	st=$(cat "$tmp/status.$k" 2>/dev/null || echo none)
	if [ "$st" = 0 ]; then
		got=$(sha256sum <"$tmp/got.$k" | cut -d' ' -f1)
		size=$(wc -c <"$tmp/got.$k" | tr -d ' ')
		w=$(sed -n 's/^X-Worker: \([0-9]*\).*/\1/p' "$tmp/headers.$k")
		workers="$workers $w"
		if [ "$got" = "$want" ]; then
			ok "curl $k got the 20 MB file intact ($size bytes, same SHA-256), from worker $w"
		else
			not_ok "curl $k got $size bytes, SHA-256 $got, expected 20971520 bytes $want"
		fi
	else
		not_ok "curl $k exited $st: $(cat "$tmp/curl.$k.err" 2>/dev/null)"
		show server.log
	fi
done
echo "# workers that served:$(printf '%s\n' $workers | sort -u | tr '\n' ' ')"
echo "1..$n"
[ "$failures" -eq 0 ] || echo "# $failures of $n checks failed"
exit $((failures != 0))
