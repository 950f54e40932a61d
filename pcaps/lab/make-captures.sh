#!/bin/bash
# Regenerates the test captures in pcaps/ from real programs talking across network namespaces.
#
# Usage (as root, from anywhere):  pcaps/lab/make-captures.sh [scenario...]
#   scenarios: basic mixed raw vxlan frag sip wrap   (default: all, in that order)
#
# Needs (Debian 12 packages): iproute2 tcpdump tshark (dumpcap) nginx-light dnsmasq
#   dnsutils curl openssl ncat iputils-ping openssh-server openssh-client sip-tester
#   python3 python3-scapy
# Nothing is fetched from the network; every daemon runs with a config file written to a
# temporary directory, inside namespaces named fa<pid>-*, all removed on exit.
#
# The kernel used for the committed captures offered veth, bridge, vxlan and tun devices
# in namespaces but not vlan, gre, gretap, erspan, ipip, sit or ip6tnl; those encapsulations
# are made by wrap.py from the real Ethernet capture lab-basic.pcap (see README.md).

set -u

LAB_DIR="$(cd "$(dirname "$0")" && pwd)"
OUT_DIR="$(cd "$LAB_DIR/.." && pwd)"
PY=/usr/bin/python3

. "$LAB_DIR/common.sh"
. "$LAB_DIR/daemons.sh"

[ "$(id -u)" = 0 ] || lab_die "must run as root (network namespaces, tcpdump)"
for tool in ip tcpdump dumpcap nginx dnsmasq dig curl openssl ncat ping ssh sshd ssh-keygen \
	sipp unshare ss; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
		lab_die "missing tool '$tool' (see the package list at the top of this script)"
done
"$PY" -c "import scapy.all" 2>/dev/null || lab_die "python3-scapy is not installed"

LAB_TMP="$(mktemp -d)"
LAB_KEEP_TMP="${LAB_KEEP_TMP:-}"
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

CLI_MAC=02:00:00:00:00:10
WEB_MAC=02:00:00:00:00:20
DNS_MAC=02:00:00:00:00:53
CLI4=192.0.2.10
WEB4=192.0.2.20
DNS4=192.0.2.53
CLI6=2001:db8:1::10
WEB6=2001:db8:1::20
DNS6=2001:db8:1::53

# Three hosts on one Ethernet segment (a bridge in its own namespace):
# client 192.0.2.10, web server 192.0.2.20, DNS server 192.0.2.53.
setup_lan() {
	lab_ns lan
	lab_ns cli
	lab_ns web
	lab_ns dns
	lab_in lan sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$LAB_TAG-lan" link add br0 type bridge
	ip -n "$LAB_TAG-lan" link set br0 address 02:00:00:00:01:00
	ip -n "$LAB_TAG-lan" link set br0 up
	local h mac
	for h in cli web dns; do
		case $h in
		cli) mac=$CLI_MAC ;;
		web) mac=$WEB_MAC ;;
		dns) mac=$DNS_MAC ;;
		esac
		lab_veth lan "p-$h" "02:00:00:00:01:${mac##*:}" "$h" eth0 "$mac"
		ip -n "$LAB_TAG-lan" link set "p-$h" master br0
	done
	lab_addr cli eth0 $CLI4/24 $CLI6/64
	lab_addr web eth0 $WEB4/24 $WEB6/64
	lab_addr dns eth0 $DNS4/24 $DNS6/64
}

# Two hosts joined by one veth pair: client .10 and server .20. Optional MTU.
setup_pair() {
	local mtu="${1:-1500}"
	lab_ns cli
	lab_ns web
	lab_veth cli eth0 $CLI_MAC web eth0 $WEB_MAC
	ip -n "$LAB_TAG-cli" link set eth0 mtu "$mtu"
	ip -n "$LAB_TAG-web" link set eth0 mtu "$mtu"
	lab_addr cli eth0 $CLI4/24
	lab_addr web eth0 $WEB4/24
	if [ "$mtu" -ge 1280 ]; then
		lab_addr cli eth0 $CLI6/64
		lab_addr web eth0 $WEB6/64
	fi
}

# Client commands: output kept in clients.log (the scratch directory survives a failure).
q() { echo "\$ $*" >>"$LAB_TMP/clients.log"; "$@" >>"$LAB_TMP/clients.log" 2>&1; return 0; }

# A few flows: DNS A and AAAA, HTTP over IPv4 and IPv6, one ping.
# $1 = DNS server address, $2 = web server v4, $3 = web server v6.
basic_traffic() {
	local dns="$1" w4="$2" w6="$3"
	q lab_in cli dig +tries=1 +time=2 @"$dns" app.example.com A
	q lab_in cli dig +tries=1 +time=2 @"$dns" app.example.com AAAA
	q lab_in cli curl -sS --max-time 5 --resolve "app.example.com:80:$w4" http://app.example.com/
	q lab_in cli curl -sS --max-time 5 --resolve "app.example.com:80:[$w6]" http://app.example.com/
	q lab_in cli ping -c 1 -W 2 "$w4"
}

scenario_basic() {
	lab_log "basic: lab-basic.pcap (Ethernet), link-sll.pcap, link-sll2.pcap"
	setup_lan
	lab_dnsmasq dns $DNS4 $DNS6
	lab_nginx web
	sleep 0.5
	lab_cap_start cli eth0 "$LAB_TMP/lab-basic.pcap"
	local eth=$LAB_CAP_PID
	lab_cap_start cli any "$LAB_TMP/link-sll.pcap" -y LINUX_SLL
	local sll=$LAB_CAP_PID
	lab_cap_start cli any "$LAB_TMP/link-sll2.pcap" -y LINUX_SLL2
	basic_traffic $DNS4 $WEB4 $WEB6
	lab_cap_stop
	LAB_CAP_PID=$sll lab_cap_stop
	LAB_CAP_PID=$eth lab_cap_stop
	lab_reset
}

# Everything a small office client does in a minute, on one Ethernet segment.
mixed_traffic() {
	q lab_in cli dig +tries=1 +time=2 @$DNS4 app.example.com A
	q lab_in cli dig +tries=1 +time=2 @$DNS4 app.example.com AAAA
	q lab_in cli dig +tries=1 +time=2 @$DNS6 files.example.com AAAA
	q lab_in cli dig +tries=1 +time=2 @$DNS4 missing.example.com A
	# TLS with SNI app.example.com, IPv4 then IPv6.
	q lab_in cli curl -sSk --max-time 5 --resolve "app.example.com:443:$WEB4" https://app.example.com/
	q lab_in cli curl -sSk --max-time 5 --resolve "app.example.com:443:[$WEB6]" https://app.example.com/
	# Plain HTTP.
	q lab_in cli curl -sS --max-time 5 --resolve "files.example.com:80:$WEB4" http://files.example.com/index.html
	# SSH session running one command.
	q lab_in cli ssh -F /dev/null -i "$LAB_TMP/id_client" -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@$WEB4 'echo hello'
	# UDP exchange with the echo service (RFC 862, ncat running cat on port 7).
	printf 'hello over udp\n' >"$LAB_TMP/udp-msg"
	# stdin stays open a moment so the client is still there to read the echo.
	(cat "$LAB_TMP/udp-msg"; sleep 0.5) | q lab_in cli ncat -u $WEB4 7
	# ICMP echo, IPv4 and IPv6.
	q lab_in cli ping -c 2 -i 0.2 -W 2 $WEB4
	q lab_in cli ping -6 -c 2 -i 0.2 -W 2 $WEB6
	# Closed UDP port: ICMP / ICMPv6 port unreachable quoting the datagram.
	q lab_in cli ncat -u --send-only $WEB4 9999 <"$LAB_TMP/udp-msg"
	sleep 0.3
	q lab_in cli ncat -6 -u --send-only $WEB6 9999 <"$LAB_TMP/udp-msg"
	# Closed TCP port: SYN answered by RST.
	q lab_in cli curl -sS --max-time 2 http://$WEB4:81/
	# A download abandoned mid-way: curl closes with unread data, the kernel sends RST.
	q lab_in cli curl -sS --max-time 1 -o /dev/null http://$WEB4/slow/big.bin
	sleep 0.5
}

scenario_mixed() {
	lab_log "mixed: lab-mixed.pcap and lab-mixed.pcapng (same traffic, two capture programs)"
	setup_lan
	lab_dnsmasq dns $DNS4 $DNS6
	lab_nginx web
	lab_sshd web
	lab_bg web ncat -u -l -k $WEB4 7 --exec /bin/cat
	lab_wait_port web udp 7
	sleep 0.5
	lab_cap_start cli eth0 "$LAB_TMP/lab-mixed.pcap"
	local tcpd=$LAB_CAP_PID
	lab_bg cli dumpcap -q -i eth0 -w "$LAB_TMP/lab-mixed.pcapng"
	local dcap=$LAB_LAST_PID
	sleep 1.5
	mixed_traffic
	kill -INT "$dcap" 2>/dev/null
	wait "$dcap" 2>/dev/null
	LAB_CAP_PID=$tcpd lab_cap_stop
	lab_reset
}

# Two tun devices joined by tun-relay.py: capturing on a tun device gives DLT_RAW.
scenario_raw() {
	lab_log "raw: link-raw.pcap (tun device, DLT_RAW)"
	lab_ns cli
	lab_ns web
	lab_bg cli "$PY" "$LAB_DIR/tun-relay.py" "/run/netns/$LAB_TAG-cli" tun0 \
		"/run/netns/$LAB_TAG-web" tun0
	local i
	for i in $(seq 50); do
		ip -n "$LAB_TAG-web" link show tun0 >/dev/null 2>&1 && break
		sleep 0.1
	done
	for h in cli web; do
		ip -n "$LAB_TAG-$h" link set tun0 up
	done
	ip -n "$LAB_TAG-cli" addr add $CLI4 peer $WEB4 dev tun0
	ip -n "$LAB_TAG-web" addr add $WEB4 peer $CLI4 dev tun0
	lab_addr cli tun0 $CLI6/64
	lab_addr web tun0 $WEB6/64
	lab_dnsmasq web $WEB4 $WEB6
	lab_nginx web
	sleep 0.5
	lab_cap_start cli tun0 "$LAB_TMP/link-raw.pcap"
	basic_traffic $WEB4 $WEB4 $WEB6
	lab_cap_stop
	lab_reset
}

# Real kernel VXLAN (VNI 42, UDP 4789) over a veth underlay, captured on the underlay.
scenario_vxlan() {
	lab_log "vxlan: tun-vxlan.pcap (kernel vxlan device)"
	lab_ns cli
	lab_ns web
	lab_veth cli under0 02:00:00:00:02:10 web under0 02:00:00:00:02:20
	lab_addr cli under0 198.51.100.1/24
	lab_addr web under0 198.51.100.2/24
	local h local_ip remote_ip mac
	for h in cli web; do
		if [ $h = cli ]; then
			local_ip=198.51.100.1 remote_ip=198.51.100.2 mac=$CLI_MAC
		else
			local_ip=198.51.100.2 remote_ip=198.51.100.1 mac=$WEB_MAC
		fi
		ip -n "$LAB_TAG-$h" link add vx42 type vxlan id 42 dstport 4789 \
			local $local_ip remote $remote_ip dev under0 ||
			lab_die "cannot create a vxlan device"
		ip -n "$LAB_TAG-$h" link set vx42 address $mac up
	done
	lab_addr cli vx42 $CLI4/24 $CLI6/64
	lab_addr web vx42 $WEB4/24 $WEB6/64
	lab_dnsmasq web $WEB4 $WEB6
	lab_nginx web
	sleep 0.5
	lab_cap_start cli under0 "$LAB_TMP/tun-vxlan.pcap"
	basic_traffic $WEB4 $WEB4 $WEB6
	lab_cap_stop
	lab_reset
}

# Real IP fragmentation by the kernel: small MTU, large UDP and ICMP payloads.
frag_traffic() {
	local fam="$1" dst="$2"
	# dnsmasq answers with ~2 kB of TXT; +notcp +ignore keep it on UDP, fragmented.
	q lab_in cli dig "-$fam" +tries=1 +time=2 +bufsize=4096 +notcp +ignore @"$dst" big.example.com TXT
	q lab_in cli ping "-$fam" -c 1 -W 2 -s 3000 "$dst"
	head -c 3000 /dev/zero | tr '\0' 'U' >"$LAB_TMP/udp-3000"
	# Echoed back by the server, so both directions are fragmented.
	(cat "$LAB_TMP/udp-3000"; sleep 0.5) | q lab_in cli ncat "-$fam" -u "$dst" 7
	sleep 0.3
}

scenario_frag() {
	lab_log "frag: frag-v4.pcap (MTU 576), frag-v6.pcap (MTU 1280)"
	setup_pair 576
	lab_dnsmasq web $WEB4
	lab_bg web ncat -u -l -k $WEB4 7 --exec /bin/cat
	lab_wait_port web udp 7
	lab_cap_start cli eth0 "$LAB_TMP/frag-v4.pcap"
	frag_traffic 4 $WEB4
	lab_cap_stop
	lab_reset

	setup_pair 1280
	lab_dnsmasq web $WEB6
	lab_bg web ncat -6 -u -l -k $WEB6 7 --exec /bin/cat
	lab_wait_port web udp 7
	lab_cap_start cli eth0 "$LAB_TMP/frag-v6.pcap"
	frag_traffic 6 $WEB6
	lab_cap_stop
	lab_reset
}

# One SIP call (sipp's built-in uac_pcap scenario) with G.711 RTP echoed by the uas.
scenario_sip() {
	lab_log "sip: sip-rtp.pcap (sipp uac_pcap against sipp uas -rtp_echo)"
	setup_pair 1500
	mkdir -p "$LAB_TMP/sip/pcap"
	cp /usr/share/sip-tester/g711a.pcap /usr/share/sip-tester/dtmf_2833_1.pcap "$LAB_TMP/sip/pcap/"
	LAB_CWD="$LAB_TMP/sip" lab_bg web sipp -sn uas -i $WEB4 -p 5060 -mi $WEB4 -rtp_echo \
		-m 1 -nostdin -timeout 40s
	lab_wait_port web udp 5060
	lab_cap_start cli eth0 "$LAB_TMP/sip-rtp.pcap"
	(cd "$LAB_TMP/sip" && q lab_in cli timeout 40 sipp -sn uac_pcap $WEB4:5060 -i $CLI4 -p 5060 \
		-mi $CLI4 -m 1 -nostdin)
	lab_cap_stop
	lab_reset
}

scenario_wrap() {
	lab_log "wrap: VLAN, QinQ, MPLS, PPPoE, GRE, ERSPAN, IP-in-IP, DLT_NULL/LOOP from lab-basic.pcap"
	"$PY" "$LAB_DIR/wrap.py" "$OUT_DIR/lab-basic.pcap" "$OUT_DIR" ||
		lab_die "wrap.py failed"
}

# Copy finished captures from the scratch directory into pcaps/ (only complete ones).
publish() {
	local f
	for f in "$LAB_TMP"/*.pcap "$LAB_TMP"/*.pcapng; do
		[ -s "$f" ] || continue
		tcpdump -r "$f" -c 1 2>/dev/null | grep -q . ||
			lab_die "$(basename "$f") has no packets (scratch files kept in $LAB_TMP)"
		cp "$f" "$OUT_DIR/"
		chmod 0644 "$OUT_DIR/$(basename "$f")"
		echo "wrote $OUT_DIR/$(basename "$f")" >&2
	done
	rm -f "$LAB_TMP"/*.pcap "$LAB_TMP"/*.pcapng
}

scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(basic mixed raw vxlan frag sip wrap)
for s in "${scenarios[@]}"; do
	case "$s" in
	basic | mixed | raw | vxlan | frag | sip | wrap) "scenario_$s" ;;
	*) lab_die "unknown scenario '$s'" ;;
	esac
	publish
done
