#!/bin/sh
# demo.sh - installs dependencies, builds, and runs flowaudit on a bundled
# lab capture: JSON Lines go to out/demo.jsonl, the summary to the terminal.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
mkdir -p out
build/src/flowaudit -r pcaps/lab-mixed.pcap --json out/demo.jsonl
echo
echo "JSON flow records: out/demo.jsonl ($(wc -l < out/demo.jsonl) lines)"
