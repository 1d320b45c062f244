#!/usr/bin/env bash
# The whole test suite, as the README's test command and CI run it:
#   1. install missing Debian packages,
#   2. build Release (warnings are errors) and run every test with ctest,
#   3. build Debug with AddressSanitizer + UndefinedBehaviorSanitizer and run the tests
#      labelled "unit" (unit tests and the Raft simulation) again under the sanitizers.
#
# Knobs (environment): COORD_JOBS (parallel build jobs, default: cores), COORD_SKIP_ASAN=1,
# COORD_SIM_SEEDS=N (Raft simulation seeds; default 2,000, soak 100,000+).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=${COORD_JOBS:-$(nproc)}
start=$(date +%s)

stage() { printf '\n== %s (%ss elapsed)\n' "$1" "$(( $(date +%s) - start ))"; }

stage "dependencies"
./scripts/install-deps.sh

mkdir -p build
stage "release build"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DCOORD_WERROR=ON > build/release-configure.log 2>&1 \
  || { cat build/release-configure.log; exit 1; }
cmake --build build/release -j "$jobs"

stage "release tests"
ctest --test-dir build/release --output-on-failure -j "$jobs" --timeout 900

if [ "${COORD_SKIP_ASAN:-0}" != "1" ]; then
  stage "sanitizer build (ASan + UBSan)"
  cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DCOORD_SANITIZE=ON -DCOORD_WERROR=ON \
    -DCOORD_BENCHMARKS=OFF > build/asan-configure.log 2>&1 || { cat build/asan-configure.log; exit 1; }
  # Only the executables of the "unit" label (CMake target unit_tests): the daemon, the tools
  # and the process tests are not run under the sanitizers, so they are not built for them.
  cmake --build build/asan -j "$jobs" --target unit_tests

  stage "sanitizer tests (label: unit)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/asan --output-on-failure -j "$jobs" -L unit --timeout 1800
fi

stage "all tests passed"
