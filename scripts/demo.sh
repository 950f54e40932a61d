#!/bin/sh
# demo.sh - installs dependencies, builds, and audits a bundled deployment:
# the lab capture of the AudioCodes Device Manager deployment against the
# vendor's documented firewall rules (policies/audiocodes/), bound to the
# lab's addresses by its example site file. The summary goes to the
# terminal; the report and the JSON records go to out/.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
mkdir -p out
status=0
build/src/flowaudit -r pcaps/deploy-dm.pcap \
	-p policies/audiocodes/device-manager.policy \
	--site policies/audiocodes/device-manager.site \
	--report out/demo-report.md --json out/demo.jsonl || status=$?
echo
case $status in
0) echo "The traffic conforms to the documented policy." ;;
1) echo "Violations found (the lab capture holds one of every kind on purpose)." ;;
*) echo "flowaudit failed (exit status $status)." >&2; exit "$status" ;;
esac
echo "Audit report:       out/demo-report.md"
echo "JSON flow records:  out/demo.jsonl ($(wc -l < out/demo.jsonl) lines)"
