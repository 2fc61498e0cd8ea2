#!/bin/sh
# The fuzzing benchmark: execs/s on the sample server
#   1. loopback:     a fresh server process per input, driven over real
#                    loopback TCP by a client (tests/bench/fuzz_loopback)
#   2. AFL++:        afl-fuzz in forkserver mode, the unmodified server
#                    (instrumented with afl-clang-fast) under the shim in
#                    fuzz-peer mode: AFL_PRELOAD=libsockfault.so SOCKFAULT_FUZZ=-
#   3. in-process:   the libFuzzer harness's code path without libFuzzer
#                    (bench_fuzz_inprocess, libsockfault_fuzz.a)
#   4. the ceiling:  AFL++ in forkserver mode on a program that only reads
#                    its input (fuzz_afl_floor.c, no shim): one fork per input
# and the ratios AFL++ / loopback and ceiling / loopback.  Also the persistent-server loopback rate
# (one server, a client connection per input), for scale.
#
#   tests/bench/bench_fuzz.sh [SECONDS]    (default 10 s per measurement)
#
# Environment (set by ctest): SF_SHIM, SF_SAMPLE_SERVER, SF_LOOPBACK,
# SF_INPROCESS, SF_SRC.  Asserts nothing about time: prints numbers.
set -eu
secs=${1:-10}
: "${SF_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SF_SHIM:=$SF_SRC/build/shim/libsockfault.so}"
: "${SF_SAMPLE_SERVER:=$SF_SRC/build/tests/programs/fuzz_sample_server}"
: "${SF_LOOPBACK:=$SF_SRC/build/tests/bench/fuzz_loopback}"
: "${SF_INPROCESS:=$SF_SRC/build/tests/bench/bench_fuzz_inprocess}"
seeds=$SF_SRC/fuzz/corpus/sample_server
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$SF_LOOPBACK" "$SF_SAMPLE_SERVER" "$seeds" "$secs" | tee "$work/loopback"
"$SF_LOOPBACK" "$SF_SAMPLE_SERVER" "$seeds" "$secs" --persistent
"$SF_INPROCESS" "$seeds" "$secs" 2>/dev/null

if ! command -v afl-fuzz >/dev/null || ! command -v afl-clang-fast >/dev/null; then
	echo "bench_fuzz: afl-fuzz/afl-clang-fast not installed (Debian package afl++): no AFL++ number" >&2
	exit 1
fi
AFL_QUIET=1 afl-clang-fast -O2 -o "$work/server" "$SF_SRC/tests/programs/fuzz_sample_server.c" \
	"$SF_SRC/tests/programs/fuzz_sample_proto.c"
AFL_QUIET=1 afl-clang-fast -O2 -o "$work/floor" "$SF_SRC/tests/bench/fuzz_afl_floor.c"
# afl NAME PRELOAD PROGRAM...: one campaign of $secs s, its execs/s in $work/out-NAME.
# The AFL++ seeds: the raw-mode ones (no magic) and the structured ones alike.
afl() {
	name=$1 preload=$2
	shift 2
	AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
		AFL_PRELOAD="$preload" SOCKFAULT_FUZZ=- \
		afl-fuzz -V "$secs" -i "$seeds" -o "$work/out-$name" -- "$@" >"$work/out-$name.log" 2>&1 || {
		tail -20 "$work/out-$name.log" >&2
		exit 1
	}
	sed -n 's/^execs_per_sec *: *//p' "$work/out-$name/default/fuzzer_stats"
}
afl=$(afl afl "$SF_SHIM" "$work/server" 7000)
# The ceiling: one fork per input of a program that only reads its input.
floor=$(afl floor "" "$work/floor")
loop=$(sed -n 's/.*= \([0-9]*\) execs\/s/\1/p' "$work/loopback")
echo "afl++ forkserver + shim: $afl execs/s"
echo "afl++ forkserver, a program that only reads stdin (no shim; the fork ceiling): $floor execs/s"
awk -v a="$afl" -v f="$floor" -v l="$loop" 'BEGIN { if (l > 0) printf "ratio afl++/loopback: %.1fx (ceiling %.1fx); afl++ at %.0f%% of the ceiling\n", a / l, f / l, 100 * a / f }'
