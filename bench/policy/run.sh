#!/bin/sh
# Builds the policy matcher benchmark in Release mode and runs it: per-flow
# time of fa_policy_match on a 10-rule and a 10,000-rule policy (and the
# sizes between with -p), median of the rounds. Run from the top of the
# repository; extra arguments go to bench_policy (-n flows, -r rounds,
# -p products of 10 rules each).
set -eu
build=${BUILD_DIR:-build-bench-policy}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target bench_policy >/dev/null
if [ $# -eq 0 ]; then
	set -- -r 11 -p 1 -p 10 -p 100 -p 1000
fi
exec "$build/bench/policy/bench_policy" "$@"
