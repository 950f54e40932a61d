#!/bin/bash
# Records pcaps/deploy-dm.pcap: the AudioCodes Live Platform Device Manager provisioning
# deployment (policies/audiocodes/device-manager.policy) played by real programs in
# network namespaces on one bridge, with one deliberate violation of every verdict kind.
#
# Usage (as root, from anywhere):  pcaps/lab/deploy-dm.sh
#
# Needs (Debian 12 packages): iproute2 tcpdump nginx-light curl openssl openssh-server
#   openssh-client iputils-ping ethtool ncat
# Nothing is fetched from the network; every daemon runs with a config written to a
# temporary directory, inside namespaces named dm<pid>-*, all removed on exit.
# Addresses are those of policies/audiocodes/device-manager.site; see deploy-dm.md.

set -u

LAB_DIR="$(cd "$(dirname "$0")" && pwd)"
OUT_DIR="$(cd "$LAB_DIR/.." && pwd)"

. "$LAB_DIR/common.sh"
. "$LAB_DIR/daemons.sh"
# Namespaces of this script are told apart from the other lab scripts' by their prefix.
LAB_TAG="dm$$"

[ "$(id -u)" = 0 ] || lab_die "must run as root (network namespaces, tcpdump)"
for tool in ip tcpdump nginx ncat curl openssl ssh ssh-keygen sshd ping ethtool unshare ss; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
		lab_die "missing tool '$tool' (see the package list at the top of this script)"
done

LAB_TMP="$(mktemp -d)"
LAB_KEEP_TMP="${LAB_KEEP_TMP:-}"
trap lab_cleanup EXIT
trap 'exit 130' INT TERM
PATH="$PATH:/usr/sbin"

# Host: address/prefix and MAC. Endpoints sit in the enterprise site, the Device
# Manager and the redirect server in the AudioCodes data centre, the rest in the cloud.
# ga and gb belong to no role: their traffic is out of scope.
declare -A ADDR=(
	[ep]=172.16.91.10/27 [dm]=198.51.100.70/27 [rdr]=198.51.100.80/27
	[waf]=203.0.113.100/27 [agg]=203.0.113.104/27 [blob]=203.0.113.108/27
	[sf]=203.0.113.112/27 [ga]=203.0.113.120/27 [gb]=203.0.113.121/27
)
declare -A MAC=(
	[ep]=01 [dm]=02 [rdr]=03 [waf]=04 [agg]=05 [blob]=06 [sf]=07 [ga]=08 [gb]=09
)
HOSTS="ep dm rdr waf agg blob sf ga gb"
BLOCKS="172.16.91.0/27 198.51.100.64/27 203.0.113.96/27"
ip4() { echo "${ADDR[$1]%/*}"; }

# TLS server names the clients ask for (SNI); the Blob and ShareFile names follow the
# forms the document's references give (*.blob.core.windows.net, ShareFile).
N_DM=dm.lp.example.com
N_WAF=keepalive.waf.example.net
N_BLOB=lpfirmware.blob.core.windows.net
N_SF=lpfiles.sharefile.com
N_RDR=redirect.audiocodes.com

no_offload() {
	local ns="$1" ifc="$2"
	ip netns exec "$LAB_TAG-$ns" ethtool -K "$ifc" tso off gso off gro off >/dev/null 2>&1 ||
		lab_die "ethtool could not turn offloads off on $ifc in $ns"
}

# Every host hangs off one bridge; the bridge is captured (in promiscuous mode it
# sees every frame it forwards). IPv6 is off: no neighbour discovery noise.
setup_net() {
	local h
	lab_ns br
	ip -n "$LAB_TAG-br" link add br0 type bridge
	ip -n "$LAB_TAG-br" link set br0 address 02:00:00:d0:01:00
	for h in $HOSTS; do
		lab_ns "$h"
		lab_in "$h" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	lab_in br sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	for h in $HOSTS; do
		lab_veth br "p-$h" "02:00:00:d0:01:${MAC[$h]}" "$h" eth0 "02:00:00:d0:00:${MAC[$h]}"
		ip -n "$LAB_TAG-br" link set "p-$h" master br0
		no_offload br "p-$h"
		no_offload "$h" eth0
		lab_addr "$h" eth0 "${ADDR[$h]}"
		# The three blocks share the bridge: each is on-link for every host.
		local b
		for b in $BLOCKS; do
			ip -n "$LAB_TAG-$h" route replace "$b" dev eth0
		done
	done
	ip -n "$LAB_TAG-br" link set br0 up
	no_offload br br0
}

# A self-signed certificate per server, naming only that server: nDPI also names a
# flow by the certificate's names, so one shared certificate listing the Blob's
# windows.net name would make every flow look like Microsoft's.
make_cert() {
	local host="$1" name="$2"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$LAB_TMP/key-$host.pem" -out "$LAB_TMP/cert-$host.pem" -days 3650 \
		-subj "/CN=$name" -addext "subjectAltName=DNS:$name" \
		>/dev/null 2>&1 || lab_die "openssl could not make the certificate of $host"
}

make_www() {
	mkdir -p "$LAB_TMP/www/firmware"
	printf '<html><body>provisioning</body></html>\n' >"$LAB_TMP/www/index.html"
	# A stand-in firmware image: 16 kB, enough for a few full-size segments.
	head -c 16384 /dev/zero | tr '\0' 'f' >"$LAB_TMP/www/firmware/UC_3.4.bin"
}

# dm_nginx NS NAME [80]: nginx with TLS on 443 for server NAME (and plain HTTP on 80
# if asked), IPv4 only. PUT to /upload/ reads the body and answers 201.
dm_nginx() {
	local name="$1" plain="${3:-}" d="$LAB_TMP/nginx-$1"
	make_cert "$name" "$2"
	lab_nginx_start "$name" "$d" <<EOF
	# The server closes first and keeps the TIME_WAIT state: the WAF's client port
	# 443 (see wrong_direction) is then free again for the WAF's own nginx.
	keepalive_timeout 0;
	types { text/html html; application/octet-stream bin; }
	server {
		listen 443 ssl;
		${plain:+listen 80;}
		server_name _;
		ssl_certificate $LAB_TMP/cert-$name.pem;
		ssl_certificate_key $LAB_TMP/key-$name.pem;
		root $LAB_TMP/www;
		location /upload/ { client_max_body_size 1m; return 201; }
	}
EOF
	lab_wait_port "$name" tcp 443
}

# Client commands: output kept in clients.log (the scratch directory survives a failure).
q() { echo "\$ $*" >>"$LAB_TMP/clients.log"; "$@" >>"$LAB_TMP/clients.log" 2>&1; return 0; }

# https FROM NAME HOST PATH [curl options]: one HTTPS request with SNI NAME to HOST.
https() {
	local from="$1" name="$2" host="$3" path="$4"
	shift 4
	q lab_in "$from" curl -sSk --max-time 5 -o /dev/null "$@" \
		--resolve "$name:443:$(ip4 "$host")" "https://$name$path"
}

ssh_to() {
	local from="$1" host="$2" port="$3"
	q lab_in "$from" ssh -F /dev/null -i "$LAB_TMP/id_client" -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -p "$port" \
		"root@$(ip4 "$host")" 'echo provisioning-check'
}

# wrong-direction: the WAF calls the phone from its own port 443 (the documented
# relationship is endpoints -> WAF). Played before the WAF's nginx starts: once a
# server has used 443, curl (no SO_REUSEADDR) cannot bind it while TIME_WAIT lasts.
wrong_direction() {
	q lab_in waf curl -sSk --max-time 5 -o /dev/null --local-port 443 \
		"https://$(ip4 ep)/index.html"
}

traffic() {
	# Documented flows (rule ids of device-manager.policy in brackets).
	https ep $N_DM dm /index.html                     # row 1  [ep-dm]
	https ep $N_WAF waf /index.html                   # row 2  [ep-waf]
	https ep $N_BLOB blob /firmware/UC_3.4.bin        # row 3  [ep-blob]
	https agg $N_WAF waf /index.html                  # row 12 [waf-agg, its mirror]
	https waf $N_DM dm /index.html                    # row 6  [waf-dm]
	q lab_in dm curl -sSk --max-time 5 -o /dev/null "https://$(ip4 ep)/index.html" # row 7 [dm-ep]
	https dm $N_BLOB blob /upload/UC_3.4.bin -T "$LAB_TMP/www/firmware/UC_3.4.bin" -H "Expect:" # row 8 [dm-blob]
	https dm $N_SF sf /firmware/UC_3.4.bin            # row 9  [dm-sf]
	https dm $N_RDR rdr /index.html                   # row 10 [dm-rdr]

	# Deliberate violations.
	# app-mismatch: plain HTTP to the Device Manager's HTTPS port (nginx answers 400).
	q lab_in ep curl -sS --max-time 5 -o /dev/null "http://$(ip4 dm):443/"
	# app-mismatch: SSH on the aggregator's 443.
	ssh_to dm agg 443
	# app-unknown: bytes that are no known protocol sent to the WAF's 443 (nginx drops them).
	printf 'KEEPALIVE 00:90:8f:00:00:01\r\n' | q lab_in ep ncat --send-only "$(ip4 waf)" 443
	# denied: the Device Manager manages the phone over plain HTTP.
	q lab_in dm curl -sS --max-time 5 -o /dev/null "http://$(ip4 ep)/index.html"
	# undocumented: SSH from the enterprise to the Device Manager.
	ssh_to ep dm 22
	# undocumented: the phone asks the redirect server directly (implied, not in the table).
	https ep $N_RDR rdr /index.html
	# out-of-scope: two hosts of no role.
	q lab_in ga ping -c 2 -i 0.2 -W 2 "$(ip4 gb)"
	sleep 0.5
}

lab_log "deploy-dm: pcaps/deploy-dm.pcap"
setup_net
make_www
ssh-keygen -q -t ed25519 -N "" -C lab-client -f "$LAB_TMP/id_client" >/dev/null
dm_nginx ep phone-0090.example.org 80
dm_nginx dm $N_DM
dm_nginx rdr $N_RDR
dm_nginx blob $N_BLOB
dm_nginx sf $N_SF
lab_sshd dm 22
lab_sshd agg 443
sleep 0.5
lab_cap_start br br0 "$LAB_TMP/deploy-dm.pcap"
wrong_direction
dm_nginx waf $N_WAF
traffic
lab_cap_stop
cp "$LAB_TMP/deploy-dm.pcap" "$OUT_DIR/deploy-dm.pcap" || lab_die "cannot write $OUT_DIR"
chmod 0644 "$OUT_DIR/deploy-dm.pcap"
lab_log "wrote $OUT_DIR/deploy-dm.pcap ($(stat -c %s "$OUT_DIR/deploy-dm.pcap") bytes)"
