#!/bin/sh
# flowaudit-tmux.sh - the real flowaudit dashboard on a deployment capture,
# replayed at ten times its pace in a private tmux server and read back with
# capture-pane: header, the four views, filter, details, resize, the end of
# the replay, q, the exit status and the summary printed after the dashboard.
# What the screen must show comes from the committed golden records of the
# same run (tests/golden/expected/deploy-ocs.jsonl), read with python3.
#   flowaudit-tmux.sh path/to/flowaudit SOURCE_DIR
# Exit 77 (skipped) when tmux or python3 is not installed.
set -eu

FA=$1
SRC=$2
for tool in tmux python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "SKIP: $tool is not installed"
		exit 77
	fi
done

PCAP=pcaps/deploy-ocs.pcap
POLICY=policies/microsoft/ocs-2007r2-edge-consolidated.policy
SITE=policies/microsoft/ocs-2007r2-edge-consolidated.site
GOLDEN=$SRC/tests/golden/expected/deploy-ocs.jsonl

SOCK="fa-real-tui-$$"
DIR=$(mktemp -d)
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
	tm kill-server 2>/dev/null || true
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $1"
	[ -f "$DIR/screen" ] && { echo "--- screen ---"; cat "$DIR/screen"; echo "--------------"; }
	[ -s "$DIR/stderr" ] && { echo "--- stderr ---"; cat "$DIR/stderr"; }
	exit 1
}

# ---- what the screen must show, from the golden records --------------------------
python3 - "$GOLDEN" "$DIR" <<'PY'
import json, sys, collections
golden, out = sys.argv[1], sys.argv[2]
recs = [json.loads(l) for l in open(golden)]
flows = [r for r in recs if r["type"] == "flow"]
findings = [r for r in recs if r["type"] == "finding"]
rules = [r for r in recs if r["type"] == "rule"]
stats = [r for r in recs if r["type"] == "stats"][-1]
rank = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
# worst severity first, then newest (the Findings view's first sort order)
findings.sort(key=lambda f: f["last_seen"], reverse=True)
findings.sort(key=lambda f: rank[f["severity"]])

def prefix(s, n):
	# names longer than n may be cut at 80 columns: match the start only
	return s if len(s) <= n else s[:n] + "[^ ]*"

with open(out + "/findings80", "w") as fp:
	for f in findings:
		fp.write("^%s +%s +%s +%s +%s/%d +%s +%d +\n" % (
			f["severity"], f["verdict"], prefix(f["initiator"], 8),
			prefix(f["responder"], 8), f["proto"], f["port"], prefix(f["app"], 6),
			f["flows"]))
with open(out + "/findings120", "w") as fp:
	for f in findings:
		fp.write("^%s +%s +%s +%s +%s/%d +%s +%d +\n" % (
			f["severity"], f["verdict"], f["initiator"], f["responder"],
			f["proto"], f["port"], f["app"], f["flows"]))
# the filter keeps rows with the text in any column, shown or not
filt = "psom"
kept = [f for f in findings if any(filt in str(v).lower() for v in f.values())]
verdicts = collections.Counter(f.get("verdict") for f in flows)
order = ["denied", "app-mismatch", "wrong-direction", "undocumented", "app-unknown",
	"allowed", "out-of-scope"]
apps = collections.Counter(f["app"] for f in flows)
talkers = {f["src_ip"] for f in flows} | {f["dst_ip"] for f in flows}
top_app = sorted(apps.items(), key=lambda a: (-a[1], a[0]))[0]
biggest = max(flows, key=lambda f: f["bytes_fwd"] + f["bytes_rev"])
with open(out + "/expect.sh", "w") as fp:
	fp.write("NFINDINGS=%d\nNRULES=%d\nNFLOWS=%d\nPACKETS=%d\n" % (
		len(findings), len(rules), len(flows), stats["packets"]))
	fp.write("FILTER=%s\nFILTER_KEPT=%d\n" % (filt, len(kept)))
	fp.write("KEPT_WHY1='%s'\nKEPT_WHY2='%s'\n" % (kept[0]["why"][:40], kept[1]["why"][:40]))
	fp.write("KEPT_VERDICT1='%s'\n" % kept[0]["verdict"])
	fp.write("VERDICTS='%s'\n" % "  ".join(
		"%s %d" % (v, verdicts[v]) for v in order if verdicts[v]))
	fp.write("NAPPS=%d\nNTALKERS=%d\nTOP_APP='%s +%d '\n" % (
		len(apps), len(talkers), top_app[0], top_app[1]))
	fp.write("BIGGEST='^%s +%s:%d +%s:%d +%s +%s '\n" % (
		biggest["proto"], biggest["src_ip"], biggest["src_port"], biggest["dst_ip"],
		biggest["dst_port"], biggest["app"], biggest["verdict"]))
	unused = [r["id"] for r in rules if r["flows"] == 0 and r["kind"] == "allow"]
	used_deny = [r["id"] for r in rules if r["flows"] > 0 and r["kind"] == "deny"]
	fp.write("UNUSED_RULE='%s'\nUSED_DENY='%s'\n" % (unused[0], used_deny[0]))
	fp.write("SUMMARY_FLOWS='^Flows  *%d$'\nSUMMARY_FINDINGS='^Findings  *%d$'\n" % (
		len(flows), len(findings)))
PY
. "$DIR/expect.sh"

snap() { tm capture-pane -p -t main >"$DIR/screen" 2>/dev/null || : >"$DIR/screen"; }

# until_shown PATTERN WHAT [TENTHS]: polls the screen until grep -E finds PATTERN
until_shown() {
	i=0
	while [ $i -lt "${3:-50}" ]; do
		snap
		grep -Eq -- "$1" "$DIR/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "$2: '$1' not on the screen"
}

until_gone() {
	i=0
	while [ $i -lt 50 ]; do
		snap
		grep -Eq -- "$1" "$DIR/screen" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "$2: '$1' still on the screen"
}

has() { grep -Eq -- "$1" "$DIR/screen" || fail "$2: no '$1'"; }
line_of() { grep -En -- "$1" "$DIR/screen" | head -1 | cut -d: -f1; }
widest() { awk '{ n = length($0); if (n > w) w = n } END { print w + 0 }' "$DIR/screen"; }

# a placeholder window keeps the server up; the run's window stays open after
# flowaudit exits (sleep) so the summary it prints can be read
tm new-session -d -s keep -x 80 -y 24 "sleep 600"
tm new-session -d -s main -x 80 -y 24 \
	"cd '$SRC' && LC_ALL=C.UTF-8 TERM=screen '$FA' -r $PCAP -p $POLICY --site $SITE \
	--tui --speed 10 --json '$DIR/flows.jsonl' --report '$DIR/report.md' 2>'$DIR/stderr'; \
	echo \$? >'$DIR/status'; sleep 600"

# ---- while the replay runs (3.3 s of capture at ten times its pace) --------------
until_shown "file deploy-ocs.pcap" "header"
has "policy Microsoft Office" "header: policy name"
has "kernel drops 0" "header: kernel drops"
grep -q "replay finished" "$DIR/screen" && fail "replay finished at once: --speed 10 not pacing"

# ---- the end of the replay stays on the screen ------------------------------------
until_shown "replay finished — q to quit" "end of replay" 150
sleep 0.5
[ -e "$DIR/status" ] && fail "flowaudit exited before q"
snap
has "replay finished — q to quit" "the finished view stays"
has "active flows 0" "header after the end"
has " 1 Findings $NFINDINGS   2 Rules $NRULES   3 Flows $NFLOWS " "tab bar counts"
[ "$(widest)" -le 80 ] || fail "80 columns: a line is $(widest) wide"
[ "$(wc -l <"$DIR/screen")" -le 24 ] || fail "24 lines: more on screen"

# ---- 1 Findings: every golden finding, worst first, then newest -------------------
prev=0
while IFS= read -r row; do
	n=$(line_of "$row")
	[ -n "$n" ] || fail "findings: no row '$row'"
	[ "$n" -gt "$prev" ] || fail "findings: '$row' out of order"
	prev=$n
done <"$DIR/findings80"
has "$NFINDINGS rows" "findings: row count"

# ---- 2 Rules, 3 Flows, 4 Apps/talkers ---------------------------------------------
tm send-keys -t main 2
until_shown "sort: policy order" "rules view"
has "^RULE +KIND +USE" "rules: heading"
has "^$UNUSED_RULE +allow +unused " "rules: an unused rule marked"
has "^$USED_DENY +deny +[^ ]+ " "rules: the deny rule that matched"
grep -E "^$USED_DENY " "$DIR/screen" | grep -q unused && fail "rules: a used rule marked unused"
has "$NRULES rows" "rules: row count"

tm send-keys -t main 3
until_shown "sort: bytes" "flows view"
has "^PROTO +SOURCE +DESTINATION" "flows: heading"
has "$BIGGEST" "flows: the largest flow first"
[ "$(line_of "$BIGGEST")" = 6 ] || fail "flows: the largest flow is not the first row"
# after the end every flow is listed once (ended), not also as live
has "$NFLOWS rows" "flows: one row per flow"
dups=$(sed -n '6,23p' "$DIR/screen" | sort | uniq -d)
[ -z "$dups" ] || fail "flows: a flow listed twice: $dups"

tm send-keys -t main 4
until_shown "Applications, by flows \($NAPPS\)" "apps view"
has "Top talkers, by bytes \($NTALKERS\)" "apps: talkers"
has "^$TOP_APP" "apps: the most used application"

# ---- filter and details --------------------------------------------------------------
tm send-keys -t main 1 / $FILTER
until_shown "filter \"$FILTER\" $FILTER_KEPT/$NFINDINGS" "filter count"
tm send-keys -t main Enter
until_gone "^[a-z]+ +app-mismatch " "filter hides rows"
tm send-keys -t main Enter
until_shown "Why: +$KEPT_WHY1" "details: why"
has "Finding: high $KEPT_VERDICT1" "details: heading"
has "Fix: " "details: fix"
has "Example: +[0-9.]+:[0-9]+ -> [0-9.]+:[0-9]+" "details: example flow"
tm send-keys -t main Escape
until_shown "^SEVERITY" "Esc closes the details"
tm send-keys -t main Down Enter
until_shown "Why: +$KEPT_WHY2" "details of the second row"
tm send-keys -t main Escape
until_shown "^SEVERITY" "Esc closes the details"
tm send-keys -t main Escape
until_shown "$NFINDINGS rows" "Esc clears the filter"

# ---- resize to 120x40 and back ------------------------------------------------------------
tm resize-window -t main -x 120 -y 40
until_shown "^SEVERITY.* BYTES RULE" "120 columns: BYTES and RULE"
has "packets $PACKETS " "120 columns: packets"
has "^$VERDICTS" "120 columns: flows by verdict"
while IFS= read -r row; do
	has "$row" "120 columns: full finding row"
done <"$DIR/findings120"
[ "$(line_of "Enter details")" = 40 ] || fail "120x40: status line not at the bottom"
[ "$(widest)" -le 120 ] || fail "120 columns: a line is $(widest) wide"
tm resize-window -t main -x 80 -y 24
# tmux crops the old frame at once: wait for the dashboard's own redraw
i=0
while [ $i -lt 50 ]; do
	snap
	[ "$(line_of "Enter details")" = 24 ] && break
	sleep 0.1
	i=$((i + 1))
done
[ "$(line_of "Enter details")" = 24 ] || fail "back to 80x24: status line not at the bottom"
grep -q " BYTES RULE" "$DIR/screen" && fail "back to 80 columns: 120-column layout kept"
[ "$(widest)" -le 80 ] || fail "back to 80 columns: a line is $(widest) wide"
has "replay finished — q to quit" "after resizing"

# ---- q: the terminal back, the summary, exit 1 (violations) ----------------------------------
tm send-keys -t main q
i=0
while [ $i -lt 100 ] && [ ! -s "$DIR/status" ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -s "$DIR/status" ] || fail "q: flowaudit did not exit"
st=$(cat "$DIR/status")
[ "$st" = 1 ] || fail "exit status $st, expected 1 (policy violations)"
tm capture-pane -p -S - -t main >"$DIR/screen"
has "$SUMMARY_FLOWS" "summary after the dashboard: flows"
has "$SUMMARY_FINDINGS" "summary after the dashboard: findings"
grep -q "replay finished" "$DIR/screen" && fail "the dashboard is still on the screen after q"
grep -q "policy violations at or above" "$DIR/stderr" || fail "stderr: no violations notice"
[ -s "$DIR/report.md" ] || fail "no report written"
n=$(grep -c '"type":"flow"' "$DIR/flows.jsonl") || true
[ "$n" = "$NFLOWS" ] || fail "flow records: $n, expected $NFLOWS"

echo "PASS: flowaudit dashboard on $PCAP in tmux"
