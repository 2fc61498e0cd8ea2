#!/bin/sh
# `sockfault run` and the bare LD_PRELOAD path:
#   - the exit status is the program's (0, 7, death by a signal);
#   - a program that cannot be found gives 127 and a message naming it;
#   - the program runs with the shim first in LD_PRELOAD, the user's own
#     preloads kept after it, and the shim really loaded;
#   - a malformed SOCKFAULT_* variable stops the program before main with
#     exit status 2 and one line on stderr naming the variable;
#   - after `cmake --install` into a fresh prefix, the installed sockfault
#     finds the installed shim with no environment variable.
#
# Environment (set by CMake): SF_CLI, SF_SHIM, SF_BUILD_DIR, SF_CMAKE, and
# SF_SAN_RUNTIME (the sanitizer runtime an instrumented shim needs in front
# of it in programs that are not instrumented; empty otherwise).
set -u
: "${SF_CLI:?}" "${SF_SHIM:?}" "${SF_BUILD_DIR:?}" "${SF_CMAKE:?}"
SF_SAN_RUNTIME=${SF_SAN_RUNTIME:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sf-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

failures=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }
# expect_status DESCRIPTION WANT CMD...: runs CMD, output in $tmp/out, $tmp/err
expect_status() {
	desc=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$desc (status $got)"
	else
		not_ok "$desc: status $got, expected $want"
		sed 's/^/#   stderr: /' "$tmp/err"
	fi
}
contains() { case $1 in *"$2"*) return 0 ;; esac; return 1; }
lines() { wc -l <"$1" | tr -d ' '; }

# The runtime an instrumented shim needs before it, for programs we did not
# build (sh, true, cat); `sockfault run` puts the shim first and keeps it.
san_preload() {
	if [ -n "$SF_SAN_RUNTIME" ]; then
		LD_PRELOAD=$SF_SAN_RUNTIME "$@"
	else
		env -u LD_PRELOAD "$@"
	fi
}
shim_real=$(realpath "$SF_SHIM")

echo "# sockfault run: exit statuses"
expect_status "run -- true exits 0" 0 san_preload "$SF_CLI" run -- true
expect_status "run -- sh -c 'exit 7' exits 7" 7 san_preload "$SF_CLI" run -- sh -c 'exit 7'
expect_status "run -- a program killed by SIGTERM: 128+15 from the shell" 143 \
	san_preload sh -c '"$1" run -- sh -c "kill -TERM \$\$"' sh "$SF_CLI"
expect_status "options before -- are parsed, the program's own are not" 3 \
	san_preload "$SF_CLI" run --seed 5 -- sh -c 'exit 3' -s not-an-option

echo "# sockfault run: programs that cannot run"
missing=sockfault-no-such-program-$$
expect_status "a program not in PATH gives 127" 127 san_preload "$SF_CLI" run -- "$missing" arg
if contains "$(cat "$tmp/err")" "$missing" && [ "$(lines "$tmp/err")" -eq 1 ]; then
	ok "one line on stderr naming the program: $(cat "$tmp/err")"
else
	not_ok "stderr should be one line naming $missing, got: $(cat "$tmp/err")"
fi
expect_status "a missing path gives 127" 127 san_preload "$SF_CLI" run -- "$tmp/nothing/here"
contains "$(cat "$tmp/err")" "$tmp/nothing/here" && ok "the message names the path" ||
	not_ok "the message should name $tmp/nothing/here: $(cat "$tmp/err")"
printf 'not a program\n' >"$tmp/data"
chmod 644 "$tmp/data"
expect_status "a file that is not executable gives 126" 126 san_preload "$SF_CLI" run -- "$tmp/data"
expect_status "no program at all gives 2" 2 san_preload "$SF_CLI" run --
expect_status "an unknown option gives 2" 2 san_preload "$SF_CLI" run --no-such-option -- true

echo "# sockfault run: the program's environment"
san_preload "$SF_CLI" run -- sh -c 'printf "%s" "$LD_PRELOAD"' >"$tmp/preload" 2>"$tmp/err"
preload=$(cat "$tmp/preload")
first=${preload%% *}
if [ "$(realpath "$first" 2>/dev/null)" = "$shim_real" ]; then
	ok "LD_PRELOAD starts with the shim: $preload"
else
	not_ok "LD_PRELOAD should start with $shim_real, got '$preload'"
fi
# the user's own preload stays, after the shim
user_lib=${SF_SAN_RUNTIME:-}
if [ -z "$user_lib" ]; then
	for candidate in /lib/x86_64-linux-gnu/libm.so.6 /lib/aarch64-linux-gnu/libm.so.6 /lib64/libm.so.6 /usr/lib/libm.so.6; do
		[ -e "$candidate" ] && user_lib=$candidate && break
	done
fi
if [ -n "$user_lib" ]; then
	LD_PRELOAD=$user_lib "$SF_CLI" run -- sh -c 'printf "%s" "$LD_PRELOAD"' >"$tmp/preload" 2>"$tmp/err"
	preload=$(cat "$tmp/preload")
	first=${preload%% *}
	if [ "$(realpath "$first" 2>/dev/null)" = "$shim_real" ] && [ "${preload#* }" = "$user_lib" ]; then
		ok "a preload of the user's is kept after the shim: $preload"
	else
		not_ok "expected '$shim_real $user_lib', got '$preload'"
	fi
fi
# really loaded: the program's own memory map shows it
san_preload "$SF_CLI" run -- cat /proc/self/maps >"$tmp/maps" 2>"$tmp/err"
if grep -q "$shim_real" "$tmp/maps"; then
	ok "the shim is mapped in the program"
else
	not_ok "the shim is not in the program's /proc/self/maps"
fi
# the program's own arguments and stdin/stdout are untouched
printf 'line one\nline two\n' | san_preload "$SF_CLI" run -- sh -c 'cat; printf "%s|" "$@"' sh 'a b' '' c >"$tmp/out" 2>"$tmp/err"
if [ "$(cat "$tmp/out")" = "line one
line two
a b||c|" ]; then
	ok "arguments, stdin and stdout pass through"
else
	not_ok "arguments/stdio changed: $(cat "$tmp/out")"
fi

echo "# bad SOCKFAULT_* variables stop the program before main"
# the program would print "main" if it ran; under sh -c the "main" is sh's
# bad_var DESCRIPTION NAMED VAR=VALUE: the message must contain NAMED
bad_var() {
	desc=$1 name=$2
	shift 2
	env "$@" LD_PRELOAD="${SF_SAN_RUNTIME:+$SF_SAN_RUNTIME }$SF_SHIM" sh -c 'echo main' >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -ne 2 ]; then
		not_ok "$desc: status $got, expected 2"
	elif [ -s "$tmp/out" ]; then
		not_ok "$desc: the program ran (printed $(cat "$tmp/out"))"
	elif [ "$(lines "$tmp/err")" -ne 1 ]; then
		not_ok "$desc: expected one line on stderr, got $(lines "$tmp/err"): $(cat "$tmp/err")"
	elif ! grep -q "$name" "$tmp/err"; then
		not_ok "$desc: the message does not name $name: $(cat "$tmp/err")"
	else
		ok "$desc: status 2, before main: $(cat "$tmp/err")"
	fi
}
bad_var "SOCKFAULT_SEED=abc" SOCKFAULT_SEED SOCKFAULT_SEED=abc
bad_var "SOCKFAULT_SEED=-1" SOCKFAULT_SEED SOCKFAULT_SEED=-1
bad_var "SOCKFAULT_SEED= (empty)" SOCKFAULT_SEED SOCKFAULT_SEED=
bad_var "SOCKFAULT_BOGUS=1 (unknown variable)" SOCKFAULT_BOGUS SOCKFAULT_BOGUS=1
bad_var "SOCKFAULT_NET=moon" SOCKFAULT_NET SOCKFAULT_NET=moon
bad_var "SOCKFAULT_LOG= (empty)" SOCKFAULT_LOG SOCKFAULT_LOG=
bad_var "SOCKFAULT_SCENARIO naming no file (the message names the file)" "$tmp/no-such.sf" \
	SOCKFAULT_SCENARIO="$tmp/no-such.sf"
# and the same through sockfault run
SOCKFAULT_BOGUS=1 san_preload "$SF_CLI" run -- sh -c 'echo main' >"$tmp/out" 2>"$tmp/err"
got=$?
if [ "$got" -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q SOCKFAULT_BOGUS "$tmp/err"; then
	ok "sockfault run with SOCKFAULT_BOGUS=1: status 2 before main"
else
	not_ok "sockfault run with SOCKFAULT_BOGUS=1: status $got, stdout '$(cat "$tmp/out")', stderr '$(cat "$tmp/err")'"
fi
# good values are accepted
expect_status "SOCKFAULT_SEED=42 is fine" 0 env SOCKFAULT_SEED=42 \
	LD_PRELOAD="${SF_SAN_RUNTIME:+$SF_SAN_RUNTIME }$SF_SHIM" true

echo "# an installed copy finds its own shim"
prefix=$tmp/prefix
if "$SF_CMAKE" --install "$SF_BUILD_DIR" --prefix "$prefix" >"$tmp/install.log" 2>&1; then
	ok "cmake --install into $prefix"
else
	not_ok "cmake --install failed"
	sed 's/^/#   /' "$tmp/install.log"
fi
installed_cli=$prefix/bin/sockfault
installed_shim=$(find "$prefix" -name libsockfault.so | head -n 1)
if [ -x "$installed_cli" ] && [ -n "$installed_shim" ]; then
	ok "installed: $installed_cli and $installed_shim"
	installed_real=$(realpath "$installed_shim")
	# from another directory, found through PATH, with no SOCKFAULT_* or LD_PRELOAD
	(cd / && env -u LD_PRELOAD PATH="$prefix/bin:$PATH" ${SF_SAN_RUNTIME:+LD_PRELOAD=$SF_SAN_RUNTIME} \
		sockfault run -- cat /proc/self/maps) >"$tmp/maps" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq 0 ] && grep -q "$installed_real" "$tmp/maps"; then
		ok "the installed sockfault runs programs with the installed shim"
	else
		not_ok "the installed sockfault (status $got) did not load $installed_real: $(cat "$tmp/err")"
	fi
	if grep -q "$shim_real" "$tmp/maps"; then
		not_ok "the installed sockfault loaded the build tree's shim"
	else
		ok "the build tree's shim is not used"
	fi
	expect_status "the installed sockfault passes the exit status" 7 \
		san_preload "$installed_cli" run -- sh -c 'exit 7'
else
	not_ok "nothing installed at $installed_cli / libsockfault.so under $prefix"
fi

echo "1..$n"
[ "$failures" -eq 0 ] || echo "# $failures of $n checks failed"
exit $((failures != 0))
