#!/bin/sh
# test.sh - installs dependencies, builds, and runs the whole test suite
# (unit tests and golden end-to-end tests) with CTest.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOWAUDIT_WERROR=ON
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
