#!/bin/bash
# Records pcaps/deploy-ocs.pcap: the OCS 2007 R2 consolidated edge topology
# (policies/microsoft/ocs-2007r2-edge-consolidated.policy) played by real programs in
# network namespaces, with one deliberate violation of every verdict kind.
#
# Usage (as root, from anywhere):  pcaps/lab/deploy-ocs.sh
#
# Needs (Debian 12 packages): iproute2 tcpdump openssl coturn (turnserver, turnutils_uclient,
#   turnutils_peer) sip-tester (sipp) ncat curl ethtool
# Nothing is fetched from the network; every daemon runs with a config written to a
# temporary directory, inside namespaces named ocs<pid>-*, all removed on exit.
# Addresses are those of policies/microsoft/ocs-2007r2-edge-consolidated.site; see
# deploy-ocs.md.

set -u

LAB_DIR="$(cd "$(dirname "$0")" && pwd)"
OUT_DIR="$(cd "$LAB_DIR/.." && pwd)"

. "$LAB_DIR/common.sh"
. "$LAB_DIR/daemons.sh"
# Namespaces of this script are told apart from the other lab scripts' by their prefix.
LAB_TAG="ocs$$"

PATH="$PATH:/usr/sbin"
[ "$(id -u)" = 0 ] || lab_die "must run as root (network namespaces, tcpdump)"
for tool in ip bridge tcpdump openssl turnserver turnutils_uclient turnutils_peer sipp ncat \
	curl ethtool ss timeout; do
	command -v "$tool" >/dev/null 2>&1 ||
		lab_die "missing tool '$tool' (see the package list at the top of this script)"
done

LAB_TMP="$(mktemp -d)"
LAB_KEEP_TMP="${LAB_KEEP_TMP:-}"
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

# Hosts: "internal/prefix external/prefix". The internal network is 172.16.4.0/27, the
# perimeter's internal side 172.16.4.32/27, the perimeter's external side
# 203.0.113.160/27, the Internet 198.51.100.160/27. s1 and s2 belong to no role.
declare -A ADDR=(
	[dir]="172.16.4.10/27"         # Director: the Access Edge's next hop
	[cli]="172.16.4.20/27"         # an internal user's PC
	[fe]="172.16.4.22/27"          # Front End + Web Conferencing Server (and its IIS)
	[rp]="172.16.4.36/27 203.0.113.168/27"   # HTTP reverse proxy
	[ae]="172.16.4.37/27 203.0.113.169/27"   # Access Edge
	[wc]="172.16.4.38/27 203.0.113.170/27"   # Web Conferencing Edge
	[av]="172.16.4.39/27 203.0.113.171/27"   # A/V Edge
	[remote]="198.51.100.170/27"   # a remote user on the Internet
	[partner]="198.51.100.171/27"  # a federated partner's edge (and a media peer)
	[s1]="192.0.2.170/27"          # two hosts in no role
	[s2]="192.0.2.171/27"
)
HOSTS="dir cli fe rp ae wc av remote partner s1 s2"
declare -A MAC=(
	[dir]=10 [cli]=20 [fe]=22 [rp]=36 [ae]=37 [wc]=38 [av]=39 [remote]=70 [partner]=71
	[s1]=a1 [s2]=a2
)
ip4() { local a="${ADDR[$1]}"; a="${a%% *}"; echo "${a%/*}"; }
ext4() { local a="${ADDR[$1]}"; a="${a##* }"; echo "${a%/*}"; }

q() { echo "\$ $*" >>"$LAB_TMP/clients.log"; "$@" >>"$LAB_TMP/clients.log" 2>&1; return 0; }

no_offload() {
	local ns="$1" ifc="$2"
	lab_in "$ns" ethtool -K "$ifc" tso off gso off gro off >/dev/null 2>&1 ||
		lab_die "ethtool could not disable offloads on $ifc in $ns"
}

# One Ethernet segment: a bridge that learns nothing, so it floods every frame to every
# port like a hub, and the monitor port sees each frame exactly once.
setup_net() {
	local h a
	lab_ns hub
	lab_ns mon
	for h in $HOSTS; do lab_ns "$h"; done
	for h in hub mon $HOSTS; do
		lab_in "$h" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$LAB_TAG-hub" link add br0 type bridge stp_state 0
	ip -n "$LAB_TAG-hub" link set br0 up
	for h in mon $HOSTS; do
		local m="${MAC[$h]:-ee}"
		lab_veth hub "p-$h" "02:00:00:04:01:$m" "$h" eth0 "02:00:00:04:00:$m"
		ip -n "$LAB_TAG-hub" link set "p-$h" master br0
		lab_in hub bridge link set dev "p-$h" learning off flood on
		no_offload hub "p-$h"
		no_offload "$h" eth0
	done
	for h in $HOSTS; do
		# shellcheck disable=SC2086
		lab_addr "$h" eth0 ${ADDR[$h]}
	done
	# Every block is on the one segment; dual-homed hosts answer inside from their
	# internal address and outside from their external one.
	for h in dir cli fe; do
		lab_in "$h" ip route add 172.16.4.32/27 dev eth0
	done
	for h in rp ae wc av; do
		lab_in "$h" ip route add 172.16.4.0/27 dev eth0 src "$(ip4 "$h")"
		lab_in "$h" ip route add 198.51.100.160/27 dev eth0 src "$(ext4 "$h")"
	done
	for h in remote partner; do
		lab_in "$h" ip route add 203.0.113.160/27 dev eth0
	done
}

# A CA and one certificate per TLS server name, so every handshake carries a real chain.
make_certs() {
	local d="$LAB_TMP/pki" n
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$d/ca.key" -out "$d/ca.pem" -days 3650 -subj "/CN=OCS lab CA" \
		>/dev/null 2>&1 || lab_die "openssl could not make the lab CA"
	for n in "$@"; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$d/$n.key" -out "$d/$n.csr" -subj "/CN=$n" >/dev/null 2>&1 &&
			openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
				-CAcreateserial -days 3650 -out "$d/$n.pem" \
				-extfile <(printf 'subjectAltName=DNS:%s\n' "$n") >/dev/null 2>&1 ||
			lab_die "openssl could not make the certificate for $n"
	done
}

# tls_server NS PORT NAME [mtls]: openssl s_server answering one HTTP-style request per
# connection; with "mtls" it requires a client certificate (SIP/MTLS, PSOM/MTLS).
tls_server() {
	local ns="$1" port="$2" name="$3" d="$LAB_TMP/pki" v=()
	[ "${4:-}" = mtls ] && v=(-Verify 1 -CAfile "$d/ca.pem")
	lab_bg "$ns" openssl s_server -quiet -www -accept "$port" -cert "$d/$name.pem" \
		-key "$d/$name.key" "${v[@]}"
	lab_wait_port "$ns" tcp "$port"
}

# tls_client NS ADDR PORT SNI [CLIENTNAME]: one TLS connection, one request; with a
# client name it presents that certificate (mutual TLS).
tls_client() {
	local ns="$1" addr="$2" port="$3" sni="$4" d="$LAB_TMP/pki" c=()
	[ -n "${5:-}" ] && c=(-cert "$d/$5.pem" -key "$d/$5.key")
	printf 'GET / HTTP/1.0\r\n\r\n' |
		q lab_in "$ns" timeout 5 openssl s_client -quiet -connect "$addr:$port" \
			-servername "$sni" -CAfile "$d/ca.pem" "${c[@]}"
	sleep 0.3
}

# coturn on the A/V Edge: one instance per listening port (3478 and 443), each on the
# internal and the external address, relaying from the external address in the
# document's media range 50,000-59,999.
turn_server() {
	local port="$1" lo="$2" hi="$3" d="$LAB_TMP/turn-$1"
	mkdir -p "$d"
	cat >"$d/turnserver.conf" <<EOF
listening-ip=$(ip4 av)
listening-ip=$(ext4 av)
listening-port=$port
relay-ip=$(ext4 av)
min-port=$lo
max-port=$hi
realm=ocs.example
lt-cred-mech
user=ocsuser:ocspass
userdb=$d/turndb
pidfile=$d/turnserver.pid
log-file=$d/turn.log
simple-log
no-tls
no-dtls
no-cli
no-rfc5780
no-stun-backward-compatibility
EOF
	lab_bg av turnserver -c "$d/turnserver.conf" --no-stdout-log
	lab_wait_port av udp "$port"
}

# turn_client NS SERVER PORT [-t]: allocate a relay, send a few messages to the partner's
# peer through it (coturn relays them from the A/V Edge's external media port).
turn_client() {
	local ns="$1" srv="$2" port="$3"
	shift 3
	q lab_in "$ns" timeout 10 turnutils_uclient -u ocsuser -w ocspass -p "$port" -n 2 -m 1 \
		-l 100 -e "$(ip4 partner)" -r 3480 "$@" "$srv"
	sleep 0.3
}

main() {
	lab_log "deploy-ocs: OCS 2007 R2 consolidated edge"
	setup_net
	make_certs meet.ocs.example webconf.ocs.internal dir.ocs.internal sip.ocs.example \
		sip.partner.example fe.ocs.internal av.ocs.internal webconf.ocs.example \
		wcedge.ocs.internal

	# Servers of the documented flows, and the media peer on the partner side.
	tls_server rp 443 meet.ocs.example
	tls_server fe 443 webconf.ocs.internal
	tls_server dir 5061 dir.ocs.internal mtls
	tls_server ae 5061 sip.ocs.example mtls
	tls_server ae 443 sip.ocs.example
	tls_server fe 8057 fe.ocs.internal
	tls_server wc 443 webconf.ocs.example
	tls_server av 5062 av.ocs.internal mtls
	turn_server 3478 50000 54999
	turn_server 443 55000 59999
	lab_bg partner turnutils_peer -L "$(ip4 partner)" -p 3480
	lab_wait_port partner udp 3480
	mkdir -p "$LAB_TMP/sip/pcap"
	cp /usr/share/sip-tester/g711a.pcap /usr/share/sip-tester/dtmf_2833_1.pcap "$LAB_TMP/sip/pcap/"
	LAB_CWD="$LAB_TMP/sip" lab_bg partner sipp -sn uas -i "$(ip4 partner)" -p 5060 \
		-mi "$(ip4 partner)" -mp 6000 -rtp_echo -m 1 -nostdin -timeout 30s
	lab_wait_port partner udp 5060
	lab_bg s2 ncat -l -k 9000 --sh-exec "echo hello"
	lab_wait_port s2 tcp 9000

	lab_cap_start mon eth0 "$LAB_TMP/deploy-ocs.pcap"

	# Wrong direction first, while nothing on the Web Conferencing Edge listens on 8057:
	# the edge opens PSOM from its port 8057 to the internal server, where Table 11
	# row 1 has the internal server open it to the edge's 8057.
	echo psom | q lab_in wc timeout 5 ncat --ssl -p 8057 "$(ip4 fe)" 8057
	sleep 0.3
	tls_server wc 8057 wcedge.ocs.internal mtls

	# Table 9: the reverse proxy, outside (figure 1) and inside (figure 2).
	tls_client remote "$(ext4 rp)" 443 meet.ocs.example
	tls_client rp "$(ip4 fe)" 443 webconf.ocs.internal
	# Table 10: SIP/MTLS both ways between the Access Edge and the Director (figure 5),
	# federation from the partner (figure 3), remote user SIP/TLS on 443 (figure 4).
	tls_client dir "$(ip4 ae)" 5061 sip.ocs.example dir.ocs.internal
	tls_client ae "$(ip4 dir)" 5061 dir.ocs.internal sip.ocs.example
	tls_client partner "$(ext4 ae)" 5061 sip.ocs.example sip.partner.example
	tls_client remote "$(ext4 ae)" 443 sip.ocs.example
	# Table 11: PSOM/MTLS from the Web Conferencing Server (figure 7), PSOM/TLS from a
	# remote user (figure 6).
	tls_client fe "$(ip4 wc)" 8057 wcedge.ocs.internal fe.ocs.internal
	tls_client remote "$(ext4 wc)" 443 webconf.ocs.example
	# Table 12: A/V authentication (figure 13), STUN/TURN inside over UDP 3478
	# (figure 14) and TCP 443 (figure 12), outside over UDP 3478 (figure 10) and TCP 443
	# (figure 8); every relay sends to the partner from the media range (figure 11).
	tls_client fe "$(ip4 av)" 5062 av.ocs.internal fe.ocs.internal
	turn_client cli "$(ip4 av)" 3478
	turn_client cli "$(ip4 av)" 443 -t
	turn_client remote "$(ext4 av)" 3478
	turn_client remote "$(ext4 av)" 443 -t
	# A SIP call from the A/V Edge's external address: the RTP from its port 50000 is
	# the media of Table 12 row 7 (outbound), the SIP on 5060 that set it up is in no row.
	(cd "$LAB_TMP/sip" && q lab_in av timeout 30 sipp -sn uac_pcap "$(ip4 partner):5060" \
		-i "$(ext4 av)" -p 5060 -mi "$(ext4 av)" -mp 50000 -m 1 -nostdin)

	# Violations.
	# denied: PSOM's 8057 reached from the Internet on the external address.
	tls_client remote "$(ext4 wc)" 8057 wcedge.ocs.internal
	# app-mismatch: plain HTTP to the reverse proxy's HTTPS port.
	q lab_in remote curl -sS --max-time 3 -o /dev/null "http://$(ext4 rp):443/meet"
	# out-of-scope: two hosts in no role.
	echo hi | q lab_in s1 timeout 3 ncat "$(ip4 s2)" 9000

	lab_cap_stop
	mkdir -p "$OUT_DIR"
	cp "$LAB_TMP/deploy-ocs.pcap" "$OUT_DIR/deploy-ocs.pcap" || lab_die "no capture written"
	lab_log "wrote $OUT_DIR/deploy-ocs.pcap ($(stat -c %s "$OUT_DIR/deploy-ocs.pcap") bytes)"
}

main "$@"
