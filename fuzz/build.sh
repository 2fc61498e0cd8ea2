#!/bin/bash -eu
# Builds every libFuzzer target of fuzz/CMakeLists.txt the way OSS-Fuzz and
# ClusterFuzzLite expect (https://google.github.io/oss-fuzz/getting-started/new-project-guide/):
#   $CC, $CFLAGS            compiler and instrumentation (sanitizer, coverage)
#   $LIB_FUZZING_ENGINE     what a target links for its engine (-fsanitize=fuzzer,
#                           or an AFL/honggfuzz driver library)
#   $OUT                    where the targets go, each with
#                           $OUT/<target>_seed_corpus.zip and $OUT/<target>.dict
#   $SRC, $WORK             (optional) sources and scratch space
# Run by hand with the defaults below: fuzz/build.sh && ls "$OUT".
here=$(cd "$(dirname "$0")/.." && pwd)
: "${CC:=clang}"
: "${CFLAGS:=-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$here/build-ossfuzz/out}"
: "${WORK:=$here/build-ossfuzz/work}"
export CC CFLAGS
mkdir -p "$OUT" "$WORK"
build="$WORK/sockfault-fuzz"

# The engine's flags are also the link flags of every target: an ASan
# CFLAGS needs -fsanitize=address at link time too.
san_link=$(printf '%s\n' $CFLAGS | grep -E '^-fsanitize=' | grep -v 'fuzzer-no-link' | tr '\n' ' ' || true)
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DSF_FUZZ=ON \
	-DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
	-DSF_FUZZ_ENGINE="$LIB_FUZZING_ENGINE $san_link"
targets=$(cut -d' ' -f1 "$build/fuzz/fuzz-targets.txt" | grep . || true)
[ -n "$targets" ] || { echo "fuzz/build.sh: no targets in fuzz/CMakeLists.txt" >&2; exit 1; }
# shellcheck disable=SC2086
cmake --build "$build" -j"${JOBS:-$(nproc)}" --target $targets

while read -r name corpus dict; do
	[ -n "$name" ] || continue
	cp "$build/fuzz/$name" "$OUT/$name"
	rm -f "$OUT/${name}_seed_corpus.zip"
	if [ -d "$corpus" ] && [ -n "$(ls -A "$corpus")" ]; then
		(cd "$corpus" && zip -q -r "$OUT/${name}_seed_corpus.zip" .)
	fi
	if [ "$dict" != - ]; then
		cp "$dict" "$OUT/$name.dict"
	fi
	echo "fuzz/build.sh: $OUT/$name"
done <"$build/fuzz/fuzz-targets.txt"
