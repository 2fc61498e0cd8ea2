#!/bin/sh
# Every test, the way CI runs them:
#   1. -Werror build, all ctest tests (unit, integration, CPython suite parity, bench smoke)
#   2. ASan+UBSan build, all tests but the slow and bench ones
#   3. TSan build, the threaded tests
#   4. clang libFuzzer build, each fuzz target for a short smoke run
# Build trees go under ${SF_BUILD_ROOT:-build-tests}.
set -eu
cd "$(dirname "$0")/.."
root=${SF_BUILD_ROOT:-build-tests}
jobs=$(nproc)

step() { printf '\n=== %s ===\n' "$*"; }

step "werror build + all tests"
cmake -S . -B "$root/werror" -DSF_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$root/werror" -j "$jobs"
ctest --test-dir "$root/werror" -j "$jobs" --output-on-failure

step "ASan+UBSan"
cmake -S . -B "$root/asan" -DSF_WERROR=ON -DCMAKE_BUILD_TYPE=Debug -DSF_SANITIZE=address,undefined
cmake --build "$root/asan" -j "$jobs"
ctest --test-dir "$root/asan" -j "$jobs" --output-on-failure -LE 'slow|bench'

step "TSan, threaded tests"
cmake -S . -B "$root/tsan" -DSF_WERROR=ON -DCMAKE_BUILD_TYPE=Debug -DSF_SANITIZE=thread
cmake --build "$root/tsan" -j "$jobs"
ctest --test-dir "$root/tsan" -j "$jobs" --output-on-failure -L threaded

step "libFuzzer smoke"
CC=clang cmake -S . -B "$root/fuzz" -DSF_WERROR=ON -DSF_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$root/fuzz" -j "$jobs"
ctest --test-dir "$root/fuzz" -j "$jobs" --output-on-failure -L '^fuzz$'

step "all test stages passed"
