#!/bin/sh
# tui-tmux.sh - drives the dashboard demo in a private tmux server and reads
# the screen back with capture-pane: header, each view, filter, details,
# pause, resize, help, quitting (by q and by SIGINT) and the end of a replay.
#   tui-tmux.sh path/to/tui_demo
# Exit 77 (skipped) when tmux is not installed.
set -eu

DEMO=$1
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux is not installed (scripts/install-deps.sh installs it)"
	exit 77
fi

SOCK="fa-tui-test-$$"
DIR=$(mktemp -d)
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
	tm kill-server 2>/dev/null || true
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM
# a placeholder that outlives the demos, so the tmux server is not shutting down
# (after a demo's tmux window closes) when the next one starts
tm new-session -d -s keep -x 80 -y 24 "sleep 600"

fail() {
	echo "FAIL: $1"
	[ -f "$DIR/screen" ] && { echo "--- screen ---"; cat "$DIR/screen"; echo "--------------"; }
	exit 1
}

# start NAME [demo options]: the demo in a new 80x24 tmux window
start() {
	name=$1
	shift
	rm -f "$DIR/status.$name"
	tm new-session -d -s "$name" -x 80 -y 24 \
		"LC_ALL=C.UTF-8 TERM=screen '$DEMO' $* 2>'$DIR/stderr.$name'; echo \$? >'$DIR/status.$name'"
}

snap() { tm capture-pane -p -t "$1" >"$DIR/screen" 2>/dev/null || : >"$DIR/screen"; }

# until NAME PATTERN WHAT: polls the screen (5 s) until grep finds PATTERN
until_shown() {
	i=0
	while [ $i -lt 50 ]; do
		snap "$1"
		grep -q -- "$2" "$DIR/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "$3: '$2' not on the screen"
}

until_gone() {
	i=0
	while [ $i -lt 50 ]; do
		snap "$1"
		grep -q -- "$2" "$DIR/screen" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "$3: '$2' still on the screen"
}

# exits NAME WHAT: waits for the demo to end and checks it exited 0
exits() {
	i=0
	while [ $i -lt 50 ] && [ ! -s "$DIR/status.$1" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$DIR/status.$1" ] || fail "$2: the demo did not exit"
	st=$(cat "$DIR/status.$1")
	[ "$st" = 0 ] || { cat "$DIR/stderr.$1"; fail "$2: exit status $st"; }
}

line_of() { grep -n -- "$1" "$DIR/screen" | head -1 | cut -d: -f1; }
widest() { awk '{ n = length($0); if (n > w) w = n } END { print w + 0 }' "$DIR/screen"; }

# ---- header and findings at 80x24 --------------------------------------------
start main
until_shown main "decode errors 3" "header"
for want in "file lab-capture.pcap" "policy device-manager" "elapsed 00:00:" "pkt/s" \
	"Mbit/s" "active flows 32" "kernel drops 0" "denied 1" "1 Findings 7" "sort: severity"; do
	grep -q -- "$want" "$DIR/screen" || fail "header: no '$want'"
done
for want in "critical denied  *guest-wifi  *ovoc-servers  *tcp/22 " \
	"high  *app-mismatch" "high  *wrong-direction" "medium  *undocumented  *10.1.2.3" \
	"low  *app-unknown  *sbc-media" "info  *app-unknown  *ntp-clients"; do
	grep -q -- "$want" "$DIR/screen" || fail "findings: no row '$want'"
done
# worst first
c=$(line_of "^critical") h=$(line_of "^high") m=$(line_of "^medium") l=$(line_of "^low")
i=$(line_of "^info")
[ "$c" -lt "$h" ] && [ "$h" -lt "$m" ] && [ "$m" -lt "$l" ] && [ "$l" -lt "$i" ] ||
	fail "findings: not worst first ($c $h $m $l $i)"
[ "$(widest)" -le 80 ] || fail "80 columns: a line is $(widest) wide"
[ "$(wc -l <"$DIR/screen")" -le 24 ] || fail "24 lines: more on screen"
# at 80 columns the low-value columns are dropped and long names cut
grep "^SEVERITY" "$DIR/screen" | grep -q "RULE" && fail "80 columns: RULE column shown"
grep -q "aspenuc-platform-servers" "$DIR/screen" && fail "80 columns: long role not cut"
grep -q "aspenuc-.*…" "$DIR/screen" || fail "80 columns: no ellipsis on a cut name"

# ---- the other views ------------------------------------------------------------
tm send-keys -t main 2
until_shown main "sort: policy order" "rules view"
grep -q "^snmp-legacy-poll .* unused " "$DIR/screen" || fail "rules: unused rule not marked"
grep -q "^ftp-old-backup  *deny  *unused" "$DIR/screen" || fail "rules: unused deny rule"
grep -q "^dm-https  *allow  *endpoints" "$DIR/screen" || fail "rules: used rule row"
grep "^dm-https" "$DIR/screen" | grep -q unused && fail "rules: a used rule marked unused"

tm send-keys -t main 3
until_shown main "DESTINATION" "flows view"
grep -q "^tcp  *192.0.2.10:40000  *198.51.100.20:443  *TLS  *undocumented" "$DIR/screen" ||
	fail "flows: first (largest) flow"
grep -q "\[2001:db8:.*…" "$DIR/screen" || fail "flows: IPv6 address not cut in the middle"

tm send-keys -t main 4
until_shown main "Applications, by flows (8)" "apps view"
grep -q "Top talkers, by bytes (6)" "$DIR/screen" || fail "apps: talkers section"
# each application's share is its flows over all applications' flows
awk '/^Applications/ { on = 1; next } /^Top talkers/ { on = 0 }
	on && NF >= 5 { flows[$1] = $2; pct[$1] = $NF; sum += $2 }
	END { for (a in flows) { want = sprintf("%.1f%%", 100 * flows[a] / sum)
		if (want != pct[a]) { print a, pct[a], "want", want; bad = 1 } }
		exit bad + (sum == 0) }' "$DIR/screen" || fail "apps: shares"

tm send-keys -t main Tab
until_shown main "sort: severity" "Tab back to findings"
tm send-keys -t main F2
until_shown main "sort: policy order" "F2: rules"
tm send-keys -t main 1
until_shown main "sort: severity" "1: findings"

# ---- sort -------------------------------------------------------------------------
tm send-keys -t main s
until_shown main "sort: newest" "s: next sort key"
tm send-keys -t main s s s
until_shown main "sort: severity" "s: sort keys cycle"

# ---- filter -------------------------------------------------------------------------
tm send-keys -t main / o v o c
until_shown main 'filter "ovoc" 2/7' "filter count"
until_gone main "aspenuc" "filter hides rows"
grep -q "guest-wifi" "$DIR/screen" || fail "filter: matching row hidden"
grep -q "10.1.2.3" "$DIR/screen" || fail "filter: matching row hidden"
tm send-keys -t main Escape
until_shown main "aspenuc" "Esc clears the filter"
grep -q "7 rows" "$DIR/screen" || fail "filter: all rows back"

# ---- details --------------------------------------------------------------------------
tm send-keys -t main / a s p e n Enter
until_gone main "guest-wifi" "filter kept with Enter"
tm send-keys -t main Enter
until_shown main "rule aspenuc-tls expects app TLS on tcp/443; saw HTTP" "details: why"
for want in "Finding: high app-mismatch" "Initiator: *aspenuc-clients (role)" \
	"Responder: *aspenuc-platform-servers (role)" "Fix: *add app HTTP to rule aspenuc-tls" \
	"Rule: *aspenuc-tls" "Example: *10.1.2.4:40001 -> 198.51.100.11:443"; do
	grep -q -- "$want" "$DIR/screen" || fail "details: no '$want'"
done
tm send-keys -t main Escape
until_shown main "^SEVERITY" "Esc closes details"
tm send-keys -t main Escape
until_shown main "guest-wifi" "Esc clears the filter"

# the selection bar moves: Down then Enter opens the second row
tm send-keys -t main Down Enter
until_shown main "Finding: high app-mismatch" "Down, Enter: second row's details"
tm send-keys -t main Escape

# ---- pause ---------------------------------------------------------------------------
tm send-keys -t main p
until_shown main "PAUSED" "p: paused"
# the demo counts one more allowed flow with every snapshot (5 a second)
p1=$(grep -o "allowed [0-9]*" "$DIR/screen") || fail "pause: no allowed count"
sleep 1
snap main
p2=$(grep -o "allowed [0-9]*" "$DIR/screen") || fail "pause: no allowed count"
[ "$p1" = "$p2" ] || fail "paused view changed: $p1 then $p2"
tm send-keys -t main p
until_gone main "PAUSED" "p: resumed"
until_gone main "$p1" "resumed view takes new snapshots"

# ---- resize --------------------------------------------------------------------------
tm resize-window -t main -x 120 -y 40
until_shown main "^SEVERITY.* RULE" "120 columns: RULE column"
grep "^SEVERITY" "$DIR/screen" | grep -q "BYTES" || fail "120 columns: BYTES column"
grep -q "aspenuc-platform-servers" "$DIR/screen" || fail "120 columns: full role name"
[ "$(widest)" -gt 100 ] || fail "120 columns: the width is not used ($(widest))"
[ "$(widest)" -le 120 ] || fail "120 columns: a line is $(widest) wide"
grep -q "Enter details" "$DIR/screen" || fail "120x40: status line"
[ "$(line_of "Enter details")" = 40 ] || fail "120x40: status line not at the bottom"

# ---- help and quit ------------------------------------------------------------------
tm send-keys -t main '?'
until_shown main "flowaudit dashboard: keys" "?: help"
grep -q "pause: keep showing the same data" "$DIR/screen" || fail "help: p"
tm send-keys -t main Escape
until_gone main "flowaudit dashboard: keys" "help closes"
tm send-keys -t main q
exits main "q quits"

# ---- the end of a replay stays until q; ^C stops through the engine's path ---------
start replay --finish-after 3
until_shown replay "replay finished — q to quit" "replay finished"
sleep 0.5
[ -s "$DIR/status.replay" ] && fail "replay: exited before q"
tm send-keys -t replay q
exits replay "q after the replay"

start sigint --no-color
until_shown sigint "1 Findings 7" "no colour: screen"
tm send-keys -t sigint C-c
exits sigint "SIGINT stops the dashboard"

echo "PASS: dashboard in tmux"
