# Shared functions for the lab capture scripts: namespaces, links, daemons, tcpdump.
# Sourced by make-captures.sh; everything it creates is recorded so that
# lab_cleanup (run from the EXIT trap) can remove it again.

LAB_NS=()       # namespaces created, deleted on exit
LAB_PIDS=()     # background daemons and captures, killed on exit

# Unique per run so that two runs, or a leftover from a crashed run, never collide.
LAB_TAG="fa$$"

lab_die() {
	echo "make-captures: $*" >&2
	LAB_KEEP_TMP=1
	exit 1
}

lab_log() {
	echo "== $*" >&2
}

# lab_ns NAME: create namespace "$LAB_TAG-NAME" with loopback up; prints nothing.
lab_ns() {
	local ns="$LAB_TAG-$1"
	ip netns add "$ns" || lab_die "cannot create namespace $ns"
	LAB_NS+=("$ns")
	ip -n "$ns" link set lo up
	# Router solicitations and DAD would only add noise to the captures.
	ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.accept_ra=0 \
		net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.conf.default.router_solicitations=0 \
		net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
}

# lab_in NAME CMD...: run a command inside the namespace NAME.
lab_in() {
	local ns="$LAB_TAG-$1"
	shift
	ip netns exec "$ns" "$@"
}

# lab_veth NS1 IF1 MAC1 NS2 IF2 MAC2: a veth pair with fixed names and MACs, up.
lab_veth() {
	local n1="$LAB_TAG-$1" i1="$2" m1="$3" n2="$LAB_TAG-$4" i2="$5" m2="$6"
	ip -n "$n1" link add "$i1" type veth peer name "$i2" netns "$n2" ||
		lab_die "cannot create veth $i1/$i2"
	ip -n "$n1" link set "$i1" address "$m1"
	ip -n "$n2" link set "$i2" address "$m2"
	ip -n "$n1" link set "$i1" up
	ip -n "$n2" link set "$i2" up
}

# lab_addr NS IF ADDR/PREFIX...: add addresses (IPv6 without DAD delay).
lab_addr() {
	local ns="$LAB_TAG-$1" ifc="$2" a
	shift 2
	for a in "$@"; do
		case "$a" in
		*:*) ip -n "$ns" addr add "$a" dev "$ifc" nodad ;;
		*) ip -n "$ns" addr add "$a" dev "$ifc" ;;
		esac
	done
}

# lab_bg NS CMD...: start a daemon in the background inside NS, remember its pid.
# Runs in directory $LAB_CWD when set (sipp looks for its media files there).
lab_bg() {
	local ns="$LAB_TAG-$1"
	shift
	(cd "${LAB_CWD:-/}" && exec ip netns exec "$ns" "$@") >>"$LAB_TMP/daemons.log" 2>&1 &
	LAB_PIDS+=("$!")
	LAB_LAST_PID=$!
}

# lab_stop PID: stop one background process we started, and wait for it.
lab_stop() {
	local pid="$1"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# lab_cap_start NS IFACE FILE [tcpdump args]: capture every packet, unsliced.
# Sets LAB_CAP_PID. Waits until tcpdump reports it is listening.
# --immediate-mode: with TPACKET_V3 a partly filled block is never handed over when
# tcpdump is interrupted, so a capture shorter than the block timeout came out empty.
lab_cap_start() {
	local ns="$LAB_TAG-$1" ifc="$2" out="$3" log
	shift 3
	log="$LAB_TMP/tcpdump.$$.$RANDOM.log"
	ip netns exec "$ns" tcpdump -Z root -i "$ifc" -s 0 --immediate-mode -U -w "$out" "$@" \
		>"$log" 2>&1 &
	LAB_CAP_PID=$!
	LAB_PIDS+=("$LAB_CAP_PID")
	local i
	for i in $(seq 50); do
		grep -q "listening on" "$log" && break
		sleep 0.1
	done
	grep -q "listening on" "$log" || lab_die "tcpdump did not start: $(cat "$log")"
	sleep 0.3
}

# lab_cap_stop: stop the capture started last and let it flush.
lab_cap_stop() {
	sleep 0.5
	kill -INT "$LAB_CAP_PID" 2>/dev/null
	wait "$LAB_CAP_PID" 2>/dev/null
	return 0
}

lab_cleanup() {
	local pid ns
	for pid in "${LAB_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${LAB_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	# Daemons that detach (none should) would keep a namespace busy; kill what is left in ours.
	for ns in "${LAB_NS[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -TERM "$pid" 2>/dev/null
		done
	done
	sleep 0.2
	for ns in "${LAB_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	LAB_NS=()
	LAB_PIDS=()
	[ -n "$LAB_TMP" ] && [ -d "$LAB_TMP" ] && [ -z "$LAB_KEEP_TMP" ] && rm -rf "$LAB_TMP"
	return 0
}

# lab_reset: tear down the namespaces of one scenario before the next one starts.
lab_reset() {
	local keep="$LAB_KEEP_TMP"
	LAB_KEEP_TMP=1
	lab_cleanup
	LAB_KEEP_TMP="$keep"
}
