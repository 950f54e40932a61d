#!/bin/sh
# test.sh - installs dependencies, builds, and runs the whole test suite
# (unit tests and golden end-to-end tests) with CTest: once in the release
# build, then again in an AddressSanitizer + UBSan debug build where any
# memory error, leak or undefined behaviour fails the test that caused it.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOWAUDIT_WERROR=ON
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

# Sanitizers: the same tests, the same expectations. abort_on_error turns a
# report into a non-zero exit the tests already check; detect_leaks makes a
# leak at exit an error like any other.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFLOWAUDIT_SANITIZE=ON -DFLOWAUDIT_WERROR=ON
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ctest --test-dir build-asan --output-on-failure -j"$jobs"

# Fuzzing, in its own clang build: every target replays its regression
# inputs, then fuzzes from its seed corpus for FLOWAUDIT_FUZZ_SECONDS
# (default 30) each; the long runs are in docs/robustness.md.
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOWAUDIT_FUZZ=ON \
	-DFLOWAUDIT_FUZZ_SECONDS="${FLOWAUDIT_FUZZ_SECONDS:-30}"
cmake --build build-fuzz -j"$jobs" --target fuzz_decode fuzz_flow_dpi fuzz_policy fuzz_site
ctest --test-dir build-fuzz --output-on-failure -j"$jobs" -R '^fuzz\.'
