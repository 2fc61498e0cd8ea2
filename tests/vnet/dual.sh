#!/bin/sh
# dual.sh native|virtual PROGRAM: the two halves of a vnet conformance test.
#   native   PROGRAM, without the shim, twice: both runs exit 0 and print the
#            same transcript (a transcript that varies natively cannot be
#            compared with the virtual network's)
#   virtual  PROGRAM natively, then under the shim with SOCKFAULT_NET=virtual
#            (LD_PRELOAD=$SF_VNET_PRELOAD): both exit 0, same transcript
set -u
mode=$1 prog=$2
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
"$prog" >"$dir/a"; rc=$?
[ "$rc" -eq 0 ] || { cat "$dir/a"; echo "dual.sh: native run exited $rc"; exit 1; }
if [ "$mode" = native ]; then
  "$prog" >"$dir/b"; rc=$?; what="second native run"
else
  LD_PRELOAD=$SF_VNET_PRELOAD SOCKFAULT_NET=virtual "$prog" >"$dir/b"; rc=$?; what="virtual run"
fi
[ "$rc" -eq 2 ] && [ "$mode" = virtual ] && echo "dual.sh: exit 2: the shim refused SOCKFAULT_NET=virtual?"
[ "$rc" -eq 0 ] || { cat "$dir/b"; echo "dual.sh: $what exited $rc"; exit 1; }
diff -u "$dir/a" "$dir/b" || { echo "dual.sh: the $what's transcript (+) differs from the native one (-)"; exit 1; }
cat "$dir/a"
