#!/bin/sh
# signals.sh - flowaudit's signals on a paced replay (deploy-ocs.pcap at twice
# its pace, about 16 s, stopped early): SIGUSR1 writes a stats record at once;
# SIGHUP with a broken policy file prints file:line:col and keeps the loaded
# policy; SIGHUP after the fix reloads it; SIGTERM ends every open flow as
# "eof", writes the last stats record and the report, and exits.
#   signals.sh path/to/flowaudit SOURCE_DIR
# Exit 77 (skipped) when python3 is not installed.
set -u

FA=$1
SRC=$2
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is not installed"; exit 77; }

tmp=$(mktemp -d)
fa_pid=
cleanup() {
	[ -n "$fa_pid" ] && kill -KILL "$fa_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $1"
	echo "--- stderr ---"
	cat "$tmp/err" 2>/dev/null
	exit 1
}

# poll CMD... : retries the command for up to 5 s
poll() {
	i=0
	while [ $i -lt 50 ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
alive() { kill -0 "$fa_pid" 2>/dev/null; }
stats_records() { grep -c '"type":"stats"' "$tmp/out.jsonl" 2>/dev/null || true; }
has_stats() { [ "$(stats_records)" -ge "$1" ]; }
in_stderr() { grep -q -- "$1" "$tmp/err"; }
# the handlers are installed: SIGHUP (bit 0) and SIGUSR1 (bit 9) are caught
handlers_set() {
	mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$fa_pid/status" 2>/dev/null) || return 1
	[ -n "$mask" ] && [ $((0x$mask & 0x201)) = $((0x201)) ]
}

cp "$SRC/policies/examples/lab.policy" "$SRC/policies/examples/lab.site" "$tmp/"
cp "$tmp/lab.policy" "$tmp/lab.policy.good"

"$FA" -r "$SRC/pcaps/deploy-ocs.pcap" -p "$tmp/lab.policy" --site "$tmp/lab.site" \
	--speed 2 --json "$tmp/out.jsonl" --report "$tmp/report.md" --no-progress \
	>"$tmp/out" 2>"$tmp/err" &
fa_pid=$!
started=$(date +%s%N)
if [ ! -d /proc/$fa_pid ]; then
	sleep 1 # no /proc: give it time to install its handlers
else
	poll handlers_set || fail "the signal handlers were never installed"
	sleep 1 # some packets read, so the stats record has something to count
fi

# ---- SIGUSR1: a stats record now ----------------------------------------------------
alive || fail "flowaudit ended at once"
kill -USR1 "$fa_pid"
poll has_stats 1 || fail "SIGUSR1: no stats record written"
alive || fail "SIGUSR1 ended the run"

# ---- SIGHUP with a broken policy: the error, and the old policy stays ---------------
broken="rule broken clients -> nowhere tcp 1"
echo "$broken" >>"$tmp/lab.policy"
line=$(wc -l <"$tmp/lab.policy")
col=$(($(printf '%s' "${broken%%nowhere*}" | wc -c) + 1)) # where the unknown role starts
kill -HUP "$fa_pid"
poll in_stderr "the policy loaded before stays" || fail "SIGHUP (broken): no 'loaded before stays'"
in_stderr "lab.policy:$line:$col: error: unknown role 'nowhere'" ||
	fail "SIGHUP (broken): no 'lab.policy:$line:$col: error'"
alive || fail "SIGHUP with a broken policy ended the run"

# ---- SIGHUP after the fix: reloaded -------------------------------------------------
cp "$tmp/lab.policy.good" "$tmp/lab.policy"
kill -HUP "$fa_pid"
poll in_stderr "policy reloaded" || fail "SIGHUP (fixed): no 'policy reloaded'"
alive || fail "SIGHUP ended the run"

# ---- SIGTERM: every flow ends, the last records, the report -----------------------------
# from 3 s on (6 s of capture) UDP flows are always open, to be ended as eof
ms=$((($(date +%s%N) - started) / 1000000))
[ "$ms" -lt 3000 ] && sleep "$(printf '%d.%03d' $(((3000 - ms) / 1000)) $(((3000 - ms) % 1000)))"
kill -TERM "$fa_pid"
wait "$fa_pid"
status=$?
fa_pid=
elapsed=$((($(date +%s%N) - started) / 1000000000))
# nothing in the lab site's roles is in this capture: all out of scope, no violation
[ "$status" = 0 ] || fail "exit status $status after SIGTERM (expected 0)"
[ "$elapsed" -lt 14 ] || fail "SIGTERM did not stop the replay ($elapsed s)"
[ -s "$tmp/report.md" ] || fail "no report written"

python3 - "$tmp/out.jsonl" "$tmp/lab.policy.good" <<'PY' || fail "records after SIGTERM"
import json, re, sys
recs = []
for n, line in enumerate(open(sys.argv[1]), 1):
	try:
		recs.append(json.loads(line))
	except ValueError as e:
		sys.exit("line %d is not JSON: %s" % (n, e))
stats = [r for r in recs if r["type"] == "stats"]
flows = [r for r in recs if r["type"] == "flow"]
if len(stats) != 2:
	sys.exit("%d stats records, expected 2 (SIGUSR1, end)" % len(stats))
if recs[-1]["type"] != "stats":
	sys.exit("the last record is a %s, not the final stats" % recs[-1]["type"])
first, last = stats
# the capture holds 1100 packets over 33 s: some read at SIGUSR1, more by
# SIGTERM, and stopped well before the end
if not 0 < first["packets"] < last["packets"] < 1100:
	sys.exit("packets: %d at SIGUSR1, %d at the end" % (first["packets"], last["packets"]))
if last["flows"] != len(flows):
	sys.exit("stats count %d flows, %d flow records" % (last["flows"], len(flows)))
if last["flows_active"] != 0:
	sys.exit("%d flows still active at the end" % last["flows_active"])
# the 33 s capture has flows that last to its end (RTP, STUN): cut as eof
if not any(f["end"] == "eof" for f in flows):
	sys.exit("no flow ended as eof")
# rule coverage is written at the reload (old policy) and at the end (new one)
ids = re.findall(r"^rule\s+(\S+)", open(sys.argv[2]).read(), re.M)
for i in ids:
	n = sum(1 for r in recs if r["type"] == "rule" and r["id"] == i)
	if n != 2:
		sys.exit("rule %s: %d records, expected 2 (reload, end)" % (i, n))
print("records: %d flows, %d stats, %d rules x 2; packets %d then %d" %
      (len(flows), len(stats), len(ids), first["packets"], last["packets"]))
PY
echo "PASS: signals (${elapsed}s)"
