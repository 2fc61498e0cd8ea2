#!/bin/sh
# expect_rejected.sh PROGRAM SCENARIO WANT: runs PROGRAM under the shim with
# SCENARIO (LD_PRELOAD from the environment); passes when it exits 2 before
# main (no output) with a message on stderr that starts with WANT.
prog=$1 scen=$2 want=$3
out=$(SOCKFAULT_SCENARIO=$scen "$prog" 2>/tmp/sf-links-rejected.$$)
rc=$?
err=$(cat /tmp/sf-links-rejected.$$); rm -f /tmp/sf-links-rejected.$$
echo "exit $rc, stdout '$out', stderr '$err'"
[ "$rc" = 2 ] || { echo "want exit 2"; exit 1; }
[ -z "$out" ] || { echo "main ran"; exit 1; }
case $err in
"$want"*) echo ok ;;
*) echo "want stderr starting '$want'"; exit 1 ;;
esac
