#!/bin/bash
# Lab capture for the AspenUC thin-client policy (policies/lsnetworks/): real clients and
# servers in network namespaces on one bridge, addressed as aspenuc-thin-client.site says.
#
# Usage (as root):  pcaps/lab/deploy-aspenuc.sh      -> writes pcaps/deploy-aspenuc.pcap
#
# Needs (Debian 12 packages): iproute2 ethtool tcpdump dnsmasq dnsutils (dig) openssl prosody
#   sip-tester (sipp) chrony ncat socat curl nginx-light
# Every daemon runs in the foreground with a config written to a mktemp directory; nothing
# under /etc is read or changed, no clock is set (chronyd -x / -Q). Namespaces are named
# aspenuc<pid>-*; namespaces, processes and scratch files are removed on exit.
# What each flow is for: pcaps/lab/deploy-aspenuc.md.

set -u

LAB_DIR="$(cd "$(dirname "$0")" && pwd)"
OUT_DIR="$(cd "$LAB_DIR/.." && pwd)"
OUT="$OUT_DIR/deploy-aspenuc.pcap"

. "$LAB_DIR/common.sh"
. "$LAB_DIR/daemons.sh"
LAB_TAG="aspenuc$$"

[ "$(id -u)" = 0 ] || lab_die "must run as root (network namespaces, tcpdump)"
for tool in ip ethtool tcpdump dnsmasq dig openssl prosody sipp chronyd ncat socat curl nginx \
	ss; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
		lab_die "missing tool '$tool' (see the package list at the top of this script)"
done

LAB_TMP="$(mktemp -d)"
LAB_KEEP_TMP="${LAB_KEEP_TMP:-}"
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

# Hosts: namespace, MAC suffix, IPv4 (roles from aspenuc-thin-client.site).
PC=10.102.0.10          # aspenuc-pcs: PC soft client
MOB=10.102.1.20         # aspenuc-mobiles: phone
DNS=10.102.0.250        # aspenuc-resolvers
PLAT=203.0.113.70       # aspenuc-platform: SIP, XMPP, TLS, media
PLATWEB=203.0.113.71    # aspenuc-platform: a web server answering plain HTTP on 443
APNS=198.51.100.70      # aspenuc-apns
APNS2=198.51.100.71     # aspenuc-apns: a second push server
NTP=198.51.100.123      # in no role: a public time server
G1=10.102.9.10          # in no role: guest network
G2=10.102.9.11
HOSTS="pc:10:$PC mob:20:$MOB dns:53:$DNS plat:70:$PLAT apns:71:$APNS ntp:7b:$NTP g1:91:$G1 g2:92:$G2"

q() { "$@" >>"$LAB_TMP/clients.log" 2>&1; }

# No offloads: the capture must hold wire-sized packets, not the kernel's super-packets.
no_offload() {
	lab_in "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 ||
		lab_die "ethtool could not turn offloads off on $2 in $1"
}

# One bridge namespace; every host a veth into it. IPv4 only: the document and the site
# need no IPv6, and its background chatter would only add noise. Every destination is
# on-link (default route on eth0), as if the perimeter firewall were a transparent bridge.
setup() {
	local h name mac addr
	lab_ns br
	lab_in br sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$LAB_TAG-br" link add br0 type bridge
	ip -n "$LAB_TAG-br" link set br0 address 02:a5:00:00:01:00
	ip -n "$LAB_TAG-br" link set br0 up
	no_offload br br0
	for h in $HOSTS; do
		IFS=: read -r name mac addr <<<"$h"
		lab_ns "$name"
		lab_in "$name" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		lab_veth br "p-$name" "02:a5:00:00:01:$mac" "$name" eth0 "02:a5:00:00:00:$mac"
		ip -n "$LAB_TAG-br" link set "p-$name" master br0
		no_offload br "p-$name"
		no_offload "$name" eth0
		lab_addr "$name" eth0 "$addr/32"
		ip -n "$LAB_TAG-$name" route add default dev eth0
	done
	lab_addr plat eth0 "$PLATWEB/32"
	lab_addr apns eth0 "$APNS2/32"
}

# wait_port NS tcp|udp [ADDR:]PORT: wait until something listens there.
wait_port() {
	local name="$1" proto="$2" port="$3" i flag=-lnt
	[ "$proto" = udp ] && flag=-lnu
	for i in $(seq 50); do
		lab_in "$name" ss -Hn "$flag" | awk '{print $4}' | grep -q -e ":$port\$" -e "^$port\$" &&
			return 0
		sleep 0.1
	done
	lab_die "nothing listens on $proto/$port in $name (see $LAB_TMP/daemons.log)"
}

# cert NAME CN: a self-signed certificate for CN.
cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$LAB_TMP/$1.key" -out "$LAB_TMP/$1.pem" -days 3650 -subj "/CN=$2" \
		-addext "subjectAltName=DNS:$2" >/dev/null 2>&1 || lab_die "openssl could not make $1"
}

# tls_server NS ADDR PORT CERT: openssl s_server answering one HTTP request per connection.
tls_server() {
	lab_bg "$1" openssl s_server -quiet -www -accept "$2:$3" -cert "$LAB_TMP/$4.pem" \
		-key "$LAB_TMP/$4.key"
	wait_port "$1" tcp "$3"
}

# tls_get NS ADDR PORT SNI: one TLS connection with SNI, one HTTP/1.0 request.
tls_get() {
	printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$4" |
		q lab_in "$1" timeout 5 openssl s_client -quiet -ign_eof -connect "$2:$3" -servername "$4"
}

start_dnsmasq() {
	local d="$LAB_TMP/dnsmasq"
	mkdir -p "$d"
	cat >"$d/dnsmasq.conf" <<EOC
no-resolv
no-hosts
no-poll
bind-interfaces
listen-address=$DNS
port=53
user=root
pid-file=$d/dnsmasq.pid
log-facility=$d/dnsmasq.log
local=/example.net/
local=/apple.com/
host-record=uc.aspenuc.example.net,$PLAT
host-record=www.aspenuc.example.net,$PLATWEB
host-record=1-courier.push.apple.com,$APNS
EOC
	lab_bg dns dnsmasq --conf-file="$d/dnsmasq.conf" --keep-in-foreground
	wait_port dns udp 53
}

start_prosody() {
	local d="$LAB_TMP/prosody"
	mkdir -p "$d/data"
	cat >"$d/prosody.cfg.lua" <<EOC
pidfile = "$d/prosody.pid"
data_path = "$d/data"
run_as_root = true
log = { { levels = { min = "info" }, to = "console" } }
modules_enabled = { "tls", "saslauth", "disco", "roster", "ping" }
c2s_ports = { 5222 }
c2s_interfaces = { "$PLAT" }
c2s_direct_tls_ports = { 5223 }
c2s_direct_tls_interfaces = { "$PLAT" }
s2s_ports = { }
ssl = { certificate = "$LAB_TMP/uc.pem", key = "$LAB_TMP/uc.key" }
VirtualHost "aspenuc.example.net"
EOC
	lab_bg plat prosody -F --config "$d/prosody.cfg.lua"
	wait_port plat tcp 5222
	wait_port plat tcp 5223
}

# nginx answering plain HTTP on the platform's web address, port 443.
start_nginx() {
	local d="$LAB_TMP/nginx"
	mkdir -p "$d/www"
	printf 'aspenuc\n' >"$d/www/index.html"
	lab_nginx_start plat "$d" <<EOC
	server {
		listen $PLATWEB:443;
		root $d/www;
	}
EOC
	wait_port plat tcp "$PLATWEB:443"
}

start_chronyd() {
	local d="$LAB_TMP/chrony"
	mkdir -p "$d"
	lab_bg ntp chronyd -d -x -u root -f /dev/null "pidfile $d/server.pid" "cmdport 0" \
		"allow all" "local stratum 8" "bindaddress $NTP" "port 123"
	wait_port ntp udp 123
}

run() {
	lab_log "setting up hosts"
	setup
	cert uc uc.aspenuc.example.net
	cert apns 1-courier.push.apple.com
	cert pc pc.site.example.net
	start_dnsmasq
	start_prosody
	start_chronyd
	tls_server plat "$PLAT" 443 uc
	lab_bg plat openssl s_server -quiet -accept "$PLAT:5061" -naccept 1 \
		-cert "$LAB_TMP/uc.pem" -key "$LAB_TMP/uc.key"
	wait_port plat tcp 5061
	tls_server apns "$APNS" 5223 apns
	tls_server pc "$PC" 443 pc
	tls_server mob "$MOB" 40123 pc
	start_nginx
	lab_bg mob ncat -l "$MOB" 1080 --recv-only
	lab_bg g2 ncat -l "$G2" 9000 --recv-only
	lab_bg plat ncat -u -l "$PLAT" 20000 --recv-only
	wait_port plat udp 20000
	mkdir -p "$LAB_TMP/sip/pcap"
	cp /usr/share/sip-tester/g711a.pcap /usr/share/sip-tester/dtmf_2833_1.pcap "$LAB_TMP/sip/pcap/" ||
		lab_die "sipp's media files (g711a.pcap, dtmf_2833_1.pcap) are missing"
	LAB_CWD="$LAB_TMP/sip" lab_bg plat sipp -sn uas -i "$PLAT" -p 5060 -mi "$PLAT" -rtp_echo \
		-m 1 -nostdin -timeout 40s
	wait_port plat udp 5060
	LAB_CWD="$LAB_TMP/sip" lab_bg plat sipp -sn uas -t t1 -i "$PLAT" -p 5100 -m 1 -nostdin \
		-timeout 40s
	wait_port plat tcp 5100

	lab_cap_start br br0 "$LAB_TMP/deploy-aspenuc.pcap"

	lab_log "documented flows"
	# Row 3: DNS over TCP (allowed), and the usual UDP lookup the document leaves out.
	q lab_in pc dig +tcp +time=2 +tries=1 @"$DNS" uc.aspenuc.example.net A
	q lab_in mob dig +tcp +time=2 +tries=1 @"$DNS" 1-courier.push.apple.com A
	q lab_in pc dig +notcp +time=2 +tries=1 @"$DNS" www.aspenuc.example.net A
	# Row 2: HTTPS to the platform.
	tls_get pc "$PLAT" 443 uc.aspenuc.example.net
	# Row 4: XMPP client to server, STARTTLS on 5222 and direct TLS on 5223.
	q lab_in pc timeout 5 openssl s_client -starttls xmpp -xmpphost aspenuc.example.net \
		-connect "$PLAT:5222" </dev/null
	q lab_in mob timeout 5 openssl s_client -connect "$PLAT:5223" \
		-servername aspenuc.example.net </dev/null
	# Row 5: the phone's Apple Push connection.
	tls_get mob "$APNS" 5223 1-courier.push.apple.com
	# Row 1: SIP over TLS on 5061 (one OPTIONS request inside TLS).
	printf 'OPTIONS sip:uc.aspenuc.example.net SIP/2.0\r\nVia: SIP/2.0/TLS %s:5061;branch=z9hG4bK1\r\nMax-Forwards: 70\r\nFrom: <sip:pc@aspenuc.example.net>;tag=1\r\nTo: <sip:uc.aspenuc.example.net>\r\nCall-ID: 1@%s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
		"$PC" "$PC" | q lab_in pc timeout 5 openssl s_client -quiet -connect "$PLAT:5061" \
		-servername uc.aspenuc.example.net
	# Row 1: SIP over TCP on 5100 (a call without media), then rows 1 and 6: SIP over UDP
	# 5060 with G.711 RTP echoed by the platform.
	(cd "$LAB_TMP/sip" && q lab_in pc timeout 40 sipp -sn uac -t t1 "$PLAT:5100" -i "$PC" \
		-m 1 -nostdin)
	(cd "$LAB_TMP/sip" && q lab_in pc timeout 40 sipp -sn uac_pcap "$PLAT:5060" -i "$PC" \
		-p 5060 -mi "$PC" -m 1 -nostdin)

	lab_log "deliberate violations"
	# Wrong direction: a push server opens a TLS connection FROM its port 5223 to the phone,
	# as if the Apple Push relationship of row 5 were "bi-directional".
	printf 'GET / HTTP/1.0\r\n\r\n' | q lab_in apns timeout 5 socat -t 2 - \
		"OPENSSL:$MOB:40123,bind=$APNS2:5223,verify=0"
	# Undocumented (not wrong-direction: its source port is no documented port): the
	# platform opens TLS to a PC's port 443.
	tls_get plat "$PC" 443 pc.site.example.net
	# App mismatch: plain HTTP on the platform's documented TLS port 443.
	q lab_in pc timeout 5 curl -s -o /dev/null "http://$PLATWEB:443/"
	# App unknown: a datagram nDPI cannot name, inside row 6's media range.
	printf 'aspenuc media probe\n' | q lab_in pc timeout 3 ncat -u --send-only "$PLAT" 20000
	# Denied (site policy): SOCKS5 from a PC to a phone's port 1080.
	q lab_in pc timeout 3 ncat --proxy "$MOB:1080" --proxy-type socks5 "$PLAT" 5222 </dev/null
	# Undocumented: NTP to a public time server (chronyd -Q only asks, never sets the clock).
	q lab_in pc timeout 10 chronyd -Q -u root -f /dev/null "pidfile $LAB_TMP/chrony/client.pid" \
		"cmdport 0" "server $NTP iburst maxsamples 1"
	# Out of scope: two guests talking, neither in any role.
	echo "guest hello" | q lab_in g1 timeout 3 ncat "$G2" 9000

	lab_cap_stop
	tcpdump -r "$LAB_TMP/deploy-aspenuc.pcap" -c 1 2>/dev/null | grep -q . ||
		lab_die "the capture is empty (scratch files kept in $LAB_TMP)"
	cp "$LAB_TMP/deploy-aspenuc.pcap" "$OUT" && chmod 0644 "$OUT"
	echo "wrote $OUT ($(stat -c %s "$OUT") bytes)" >&2
}

run
