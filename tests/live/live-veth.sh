#!/bin/sh
# live-veth.sh - live capture for real: two network namespaces joined by a
# veth pair, a web server (python3 http.server) and a DNS server (dnsmasq)
# in one, curl and dig in the other, flowaudit capturing on the client's
# veth with a small policy. Checks the flows, their applications and
# verdicts, that SIGUSR1 writes a stats record and SIGTERM ends every flow
# and exits 0. Skips (77) where namespaces cannot be made.
# Usage: live-veth.sh FLOWAUDIT
set -u
FA=$1
SKIP=77
tag=fal$$
ns_c=$tag-c ns_s=$tag-s
tmp=$(mktemp -d)

cleanup() {
	[ -n "${fa_pid:-}" ] && kill "$fa_pid" 2>/dev/null
	ip netns pids "$ns_s" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$ns_c" 2>/dev/null
	ip netns del "$ns_s" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

for tool in ip curl dig dnsmasq python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit $SKIP; }
done
if ! ip netns add "$ns_c" 2>/dev/null || ! ip netns add "$ns_s" 2>/dev/null; then
	echo "SKIP: cannot create network namespaces here (needs root and netns support)"
	exit $SKIP
fi
set -e
ip link add "$tag-c0" type veth peer name "$tag-s0"
ip link set "$tag-c0" netns "$ns_c"
ip link set "$tag-s0" netns "$ns_s"
ip -n "$ns_c" addr add 192.0.2.10/24 dev "$tag-c0"
ip -n "$ns_s" addr add 192.0.2.20/24 dev "$tag-s0"
for ns in "$ns_c" "$ns_s"; do
	ip -n "$ns" link set lo up
done
ip -n "$ns_c" link set "$tag-c0" up
ip -n "$ns_s" link set "$tag-s0" up

cat > "$tmp/live.policy" <<'POL'
policy "live test"
role clients
role servers
rule web  clients -> servers tcp 8080 app HTTP
rule dns  clients -> servers udp 53 app DNS
rule ntp  clients -> servers udp 123 app NTP
POL
cat > "$tmp/live.site" <<'SITE'
role clients = 192.0.2.10
role servers = 192.0.2.20
SITE
mkdir "$tmp/www" && echo hello > "$tmp/www/index.html"
ip netns exec "$ns_s" python3 -m http.server 8080 --bind 192.0.2.20 --directory "$tmp/www" \
	>"$tmp/http.log" 2>&1 &
ip netns exec "$ns_s" dnsmasq --no-daemon --no-resolv --no-hosts --port=53 \
	--listen-address=192.0.2.20 --bind-interfaces --address=/svc.example/192.0.2.20 \
	--pid-file="$tmp/dnsmasq.pid" >"$tmp/dnsmasq.log" 2>&1 &

ip netns exec "$ns_c" "$FA" -i "$tag-c0" -p "$tmp/live.policy" --site "$tmp/live.site" \
	--json "$tmp/out.jsonl" -q >"$tmp/fa.out" 2>"$tmp/fa.err" &
fa_pid=$!

# Wait for readiness rather than a fixed time (a loaded machine is slow):
# both servers listening, and flowaudit past opening its capture (it then
# gives up root and runs as nobody).
ready() {
	ip netns exec "$ns_s" ss -Hltn 'sport = :8080' | grep -q . &&
		ip netns exec "$ns_s" ss -Hlun 'sport = :53' | grep -q . &&
		[ "$(stat -c %U "/proc/$fa_pid" 2>/dev/null)" = nobody ]
}
tries=0
until ready; do
	tries=$((tries + 1))
	if [ $tries -gt 200 ] || ! kill -0 "$fa_pid" 2>/dev/null; then
		echo "FAIL: servers or capture not ready after 20 s"
		cat "$tmp/fa.err" "$tmp/http.log" "$tmp/dnsmasq.log"
		exit 1
	fi
	sleep 0.1
done

ip netns exec "$ns_c" dig +short +time=2 +tries=1 @192.0.2.20 svc.example A >/dev/null
ip netns exec "$ns_c" curl -s --max-time 5 -o /dev/null http://192.0.2.20:8080/
ip netns exec "$ns_c" ping -c 2 -i 0.2 -W 1 192.0.2.20 >/dev/null
sleep 1
kill -USR1 "$fa_pid"
sleep 0.5
kill -TERM "$fa_pid"
set +e
wait "$fa_pid"
status=$?
fa_pid=
if [ "$status" -ne 1 ]; then # the ping is undocumented: violations found
	echo "FAIL: flowaudit exited $status (expected 1: the ping is undocumented)"
	cat "$tmp/fa.err"
	exit 1
fi
python3 - "$tmp/out.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
flows = [r for r in recs if r["type"] == "flow"]
stats = [r for r in recs if r["type"] == "stats"]
def find(proto, port):
    return [f for f in flows if f["proto"] == proto and f["dst_port"] == port
            and f["src_ip"] == "192.0.2.10"]
fail = []
web, dns = find("tcp", 8080), find("udp", 53)
ping = [f for f in flows if f["proto"] == "icmp" and f["src_ip"] == "192.0.2.10"]
if len(web) != 1 or web[0]["app"] != "HTTP" or web[0]["verdict"] != "allowed":
    fail.append(f"web flow: {web}")
if len(dns) != 1 or not dns[0]["app"].startswith("DNS") or dns[0]["verdict"] != "allowed" \
        or dns[0]["hostname"] != "svc.example":
    fail.append(f"dns flow: {dns}")
if len(ping) != 1 or ping[0]["verdict"] != "undocumented" or ping[0]["end"] != "eof":
    fail.append(f"ping flow: {ping}")
if web and web[0].get("dst_name") != "svc.example":
    fail.append("the web flow does not carry the name dig resolved")
if len(stats) != 2:
    fail.append(f"expected a SIGUSR1 stats record and a final one, got {len(stats)}")
elif "capture_drops" not in stats[-1]:
    fail.append("no capture_drops in the stats record")
unused = [r["id"] for r in recs if r["type"] == "rule" and r["unused"]]
if unused != ["ntp"]:
    fail.append(f"unused rules {unused}, expected ['ntp']")
for f in fail:
    print("FAIL:", f)
print(f"{len(flows)} flows, {len(stats)} stats records; "
      f"{'1 passed, 0 failed' if not fail else '0 passed, 1 failed'}")
sys.exit(1 if fail else 0)
PY
