#!/bin/sh
# The fuzzing benchmark: execs/s on the sample server
#   1. loopback:     a fresh server process per input, driven over real
#                    loopback TCP by a client (tests/bench/fuzz_loopback)
#   2. AFL++:        afl-fuzz in forkserver mode, the unmodified server
#                    (instrumented with afl-clang-fast) under the shim in
#                    fuzz-peer mode: AFL_PRELOAD=libsockfault.so SOCKFAULT_FUZZ=-
#   3. in-process:   the libFuzzer harness's code path without libFuzzer
#                    (bench_fuzz_inprocess, libsockfault_fuzz.a)
# and the ratio AFL++ / loopback.  Also the persistent-server loopback rate
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
# The AFL++ seeds: the raw-mode ones (no magic) and the structured ones alike.
AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
	AFL_PRELOAD="$SF_SHIM" SOCKFAULT_FUZZ=- \
	afl-fuzz -V "$secs" -i "$seeds" -o "$work/afl" -- "$work/server" 7000 >"$work/afl.log" 2>&1 || {
	tail -20 "$work/afl.log" >&2
	exit 1
}
afl=$(sed -n 's/^execs_per_sec *: *//p' "$work/afl/default/fuzzer_stats")
loop=$(sed -n 's/.*= \([0-9]*\) execs\/s/\1/p' "$work/loopback")
echo "afl++ forkserver + shim: $afl execs/s"
awk -v a="$afl" -v l="$loop" 'BEGIN { if (l > 0) printf "ratio afl++/loopback: %.1fx\n", a / l }'
