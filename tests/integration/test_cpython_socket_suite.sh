#!/bin/sh
# CPython's own socket test suite (test_socket, without the VSOCK tests that
# need a hypervisor) run natively and under `sockfault run`: the summary
# counts -- tests run, failures, skipped -- and the result are identical.
#
# Environment (set by CMake): SF_CLI, SF_PYTHON3, SF_SAN_RUNTIME (empty
# unless the shim is built with a sanitizer whose runtime must come first),
# and optionally SF_SCENARIO: a scenario to run under (`sockfault run -s`),
# one whose rules never fire, so that the shim's engaged paths are used and
# must be just as invisible.
set -u
: "${SF_CLI:?}" "${SF_PYTHON3:?}"
SF_SAN_RUNTIME=${SF_SAN_RUNTIME:-}
SF_SCENARIO=${SF_SCENARIO:-}

# python3 may be a pyenv shim script; the interpreter itself is what runs.
py=$("$SF_PYTHON3" -c 'import sys; print(sys.executable)') || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sf-cpython.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

run_suite() { # run_suite LOG [sockfault run]
	log=$1
	shift
	mkdir -p "$tmp/cwd"
	(cd "$tmp/cwd" && "$@" "$py" -m test test_socket -i '*VSOCK*') >"$log" 2>&1
	echo $?
}

# "Total tests: run=712 (filtered) failures=1 skipped=104" -> "run=712 failures=1 skipped=104"
counts() {
	line=$(grep '^Total tests:' "$1" | tail -n 1)
	[ -n "$line" ] || return 1
	run=$(printf '%s\n' "$line" | sed -n 's/.*run=\([0-9,]*\).*/\1/p' | tr -d ,)
	failures=$(printf '%s\n' "$line" | sed -n 's/.*failures=\([0-9,]*\).*/\1/p' | tr -d ,)
	skipped=$(printf '%s\n' "$line" | sed -n 's/.*skipped=\([0-9,]*\).*/\1/p' | tr -d ,)
	[ -n "$run" ] || return 1
	echo "run=$run failures=${failures:-0} skipped=${skipped:-0}"
}
result() { grep '^Result:' "$1" | tail -n 1; }

echo "# $py -m test test_socket -i '*VSOCK*', natively"
native_status=$(run_suite "$tmp/native.log" env -u LD_PRELOAD)
set -- "$SF_CLI" run ${SF_SCENARIO:+-s "$SF_SCENARIO" --summary /dev/null} --
echo "# ... and under $*"
if [ -n "$SF_SAN_RUNTIME" ]; then
	shim_status=$(run_suite "$tmp/shim.log" env LD_PRELOAD="$SF_SAN_RUNTIME" "$@")
else
	shim_status=$(run_suite "$tmp/shim.log" env -u LD_PRELOAD "$@")
fi

status=0
native=$(counts "$tmp/native.log") || { echo "not ok 1 - no 'Total tests:' line in the native run"; status=1; }
shim=$(counts "$tmp/shim.log") || { echo "not ok 1 - no 'Total tests:' line in the run under the shim"; status=1; }
if [ $status -ne 0 ]; then
	echo "# native run (exit $native_status), last lines:"
	tail -n 30 "$tmp/native.log" | sed 's/^/#   /'
	echo "# run under the shim (exit $shim_status), last lines:"
	tail -n 30 "$tmp/shim.log" | sed 's/^/#   /'
	exit 1
fi
echo "# native:     $native, $(result "$tmp/native.log"), exit $native_status"
echo "# under shim: $shim, $(result "$tmp/shim.log"), exit $shim_status"
n=0
check() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1: $2"
	else
		echo "not ok $n - $1: '$3' under the shim, '$2' natively"
		status=1
	fi
}
check "the same counts" "$native" "$shim"
check "the same result" "$(result "$tmp/native.log")" "$(result "$tmp/shim.log")"
check "the same exit status" "$native_status" "$shim_status"
if ! grep -q '^Total tests: run=[1-9]' "$tmp/native.log"; then
	echo "not ok - the native run ran no tests"
	status=1
fi
if [ $status -ne 0 ]; then
	echo "# the run under the shim:"
	grep -E '^(FAIL|ERROR):|^test_socket|Error|failed' "$tmp/shim.log" | head -n 60 | sed 's/^/#   /'
	tail -n 40 "$tmp/shim.log" | sed 's/^/#   /'
fi
echo "1..$n"
exit $status
