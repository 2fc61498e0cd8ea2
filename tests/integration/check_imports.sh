#!/bin/sh
# usage: check_imports.sh BINARY SYMBOL...
# Fails unless BINARY imports (has undefined dynamic references to) every
# SYMBOL: a fortified build really calls the _chk entry points.
set -u
bin=$1
shift
undef=$(nm -D --undefined-only "$bin") || { echo "not ok - nm -D $bin failed"; exit 1; }
status=0
for sym in "$@"; do
	if printf '%s\n' "$undef" | grep -Eq "[[:space:]]${sym}(@|$)"; then
		echo "ok - $bin imports $sym"
	else
		echo "not ok - $bin does not import $sym"
		status=1
	fi
done
exit $status
