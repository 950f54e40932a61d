#!/bin/bash
# Makes pcaps/deploy-ovoc.pcap: the AudioCodes OVOC single-node deployment of
# policies/audiocodes/ovoc-sp-single.policy, played by real programs in network namespaces
# addressed as policies/audiocodes/ovoc-sp-single.site says, plus deliberate violations.
#
# Usage (as root):  pcaps/lab/deploy-ovoc.sh [OUTPUT.pcap]   (default: pcaps/deploy-ovoc.pcap)
#
# Needs (Debian 12 packages): iproute2 tcpdump ethtool nginx-light openssl curl ncat socat
#   snmp snmpd snmptrapd chrony slapd ldap-utils rsyslog bsdutils (logger) swaks
#   python3-aiosmtpd python3-websockets sip-tester openssh-server openssh-client iputils-ping
# Every daemon gets a config written to a temporary directory and runs in the foreground
# inside namespaces named ovoc<pid>-*; all of it is removed on exit. See deploy-ovoc.md.

set -u

LAB_DIR="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$(cd "$LAB_DIR/.." && pwd)/deploy-ovoc.pcap}"
PY=/usr/bin/python3

. "$LAB_DIR/common.sh"
. "$LAB_DIR/daemons.sh"
LAB_TAG="ovoc$$"

[ "$(id -u)" = 0 ] || lab_die "must run as root (network namespaces, tcpdump)"
for tool in ip tcpdump ethtool nginx openssl curl ncat socat snmpd snmptrapd snmptrap snmpget \
	chronyd slapd ldapsearch rsyslogd logger swaks sipp sshd ssh ssh-keygen ping unshare ss; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
		lab_die "missing tool '$tool' (see the package list at the top of this script)"
done
"$PY" -c "import aiosmtpd, websockets" 2>/dev/null ||
	lab_die "python3-aiosmtpd and python3-websockets are needed"
export PATH="$PATH:/usr/sbin"

LAB_TMP="$(mktemp -d)"
LAB_KEEP_TMP="${LAB_KEEP_TMP:-}"
trap lab_cleanup EXIT
trap 'exit 130' INT TERM
# net-snmp keeps state under /var/lib/snmp unless told otherwise; not on this host.
export SNMP_PERSISTENT_DIR="$LAB_TMP/snmp-client"

NET=203.0.113
# host name -> last octet; the roles of ovoc-sp-single.site
declare -A IP=([ovoc]=70 [opc]=72 [dev]=76 [ep]=78 [waf]=80 [blob]=81 [share]=82
	[flic]=83 [ldap]=84 [mail]=85 [syslog]=86 [dbg]=87 [rdp]=88 [guesta]=93 [guestb]=94)
HOSTS=(ovoc opc dev ep waf blob share flic ldap mail syslog dbg rdp guesta guestb)
a() { echo "$NET.${IP[$1]}"; }

# Client commands: output kept in clients.log (the scratch directory survives a failure).
q() { echo "\$ $*" >>"$LAB_TMP/clients.log"; "$@" >>"$LAB_TMP/clients.log" 2>&1; return 0; }

# One bridge, one namespace per host; IPv4 only (no neighbour discovery or MLD noise);
# offloads off everywhere so no segment larger than the MTU is captured.
setup_net() {
	local h o mac
	lab_ns lan
	ip -n "$LAB_TAG-lan" link add br0 type bridge
	ip -n "$LAB_TAG-lan" link set br0 address 02:01:cb:00:71:01
	lab_in lan sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$LAB_TAG-lan" link set br0 up
	for h in "${HOSTS[@]}"; do
		o=${IP[$h]}
		mac=$(printf '02:00:cb:00:71:%02x' "$o")
		lab_ns "$h"
		lab_in "$h" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		lab_veth lan "p-$h" "$(printf '02:01:cb:00:71:%02x' "$o")" "$h" eth0 "$mac"
		ip -n "$LAB_TAG-lan" link set "p-$h" master br0
		lab_addr "$h" eth0 "$(a "$h")/24"
		lab_in "$h" ethtool -K eth0 tso off gso off gro off >/dev/null 2>&1
		lab_in lan ethtool -K "p-$h" tso off gso off gro off >/dev/null 2>&1
	done
	lab_in lan ethtool -K br0 tso off gso off gro off >/dev/null 2>&1
}

# One certificate for every TLS server of the lab (names under example.net).
make_cert() {
	local n san=""
	for n in ovoc dm device waf blob sharefile license ldap; do san="$san,DNS:$n.example.net"; done
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$LAB_TMP/key.pem" -out "$LAB_TMP/cert.pem" -days 3650 \
		-subj "/CN=ovoc.example.net" -addext "subjectAltName=${san#,}" \
		>/dev/null 2>&1 || lab_die "openssl could not make the test certificate"
	mkdir -p "$LAB_TMP/www"
	printf '{"status":"ok"}\n' >"$LAB_TMP/www/index.html"
}

# web NS: nginx on the host's address, 80 and 443 (TLS).
web() {
	local h="$1" d="$LAB_TMP/nginx-$1" ip
	ip=$(a "$h")
	lab_nginx_start "$h" "$d" <<EOF
	server {
		listen $ip:80;
		listen $ip:443 ssl;
		ssl_certificate $LAB_TMP/cert.pem;
		ssl_certificate_key $LAB_TMP/key.pem;
		root $LAB_TMP/www;
	}
EOF
	lab_wait_port "$h" tcp 443
}

start_servers() {
	local d
	make_cert
	for h in ovoc dev waf share flic; do web "$h"; done
	web blob
	BLOB_NGINX=$LAB_LAST_PID

	# OVOC: SNMP trap listener on 162 and the keep-alive port 1161 (rows 4, 5).
	d="$LAB_TMP/snmptrapd" && mkdir -p "$d"
	echo "disableAuthorization yes" >"$d/snmptrapd.conf"
	SNMP_PERSISTENT_DIR="$d" lab_bg ovoc snmptrapd -f -Lf "$d/traps.log" -C -c "$d/snmptrapd.conf" \
		-p "$d/pid" "udp:$(a ovoc):162" "udp:$(a ovoc):1161"
	lab_wait_port ovoc udp 1161
	# Device: SNMP command responder on 161 (row 6).
	d="$LAB_TMP/snmpd" && mkdir -p "$d"
	printf 'agentAddress udp:%s:161\nrocommunity public\nsysName mg-1\n' "$(a dev)" >"$d/snmpd.conf"
	SNMP_PERSISTENT_DIR="$d" lab_bg dev snmpd -f -Lf "$d/snmpd.log" -C -c "$d/snmpd.conf" \
		-p "$d/pid"
	lab_wait_port dev udp 161
	# OVOC: NTP server for the devices (row 7); never touches the clock (-x).
	d="$LAB_TMP/chrony" && mkdir -p "$d"
	printf 'local stratum 8\nallow %s.0/24\nbindaddress %s\ncmdport 0\npidfile %s/pid\ndriftfile %s/drift\n' \
		"$NET" "$(a ovoc)" "$d" "$d" >"$d/chrony.conf"
	lab_bg ovoc chronyd -d -x -u root -f "$d/chrony.conf"
	lab_wait_port ovoc udp 123
	# OVOC: WebSocket notifications on 915 (row 3).
	cat >"$LAB_TMP/ws-server.py" <<EOF
import asyncio, websockets
async def notify(ws, path):
    async for msg in ws:
        await ws.send('{"alarm":"cleared","ack":' + msg + '}')
async def main():
    async with websockets.serve(notify, "$(a ovoc)", 915):
        await asyncio.Future()
asyncio.run(main())
EOF
	lab_bg ovoc "$PY" "$LAB_TMP/ws-server.py"
	lab_wait_port ovoc tcp 915
	# OVOC: Voice Quality Package XML on 5000 (row 19) and XML over TLS on 5001 (row 20).
	lab_bg ovoc ncat -k -l "$(a ovoc)" 5000 --recv-only
	lab_wait_port ovoc tcp 5000
	lab_bg ovoc openssl s_server -accept "$(a ovoc):5001" -cert "$LAB_TMP/cert.pem" \
		-key "$LAB_TMP/key.pem" -quiet
	lab_wait_port ovoc tcp 5001
	# OVOC: SEM server answering SIP PUBLISH (row 28).
	mkdir -p "$LAB_TMP/sip"
	cat >"$LAB_TMP/sip/sem.xml" <<'EOF'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="SEM server: accept one RFC 6035 PUBLISH">
  <recv request="PUBLISH" crlf="true"/>
  <send><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      SIP-ETag: vq[call_number]
      Expires: 3600
      Content-Length: 0

    ]]></send>
</scenario>
EOF
	LAB_CWD="$LAB_TMP/sip" lab_bg ovoc sipp -sf sem.xml -i "$(a ovoc)" -p 5060 -m 1 -nostdin \
		-timeout 30s
	lab_wait_port ovoc udp 5060
	# OVOC: sshd (not in the document: the undocumented flow).
	lab_sshd ovoc

	# Active Directory stand-in: slapd on 389 and 636 (rows 21, 22).
	d="$LAB_TMP/slapd" && mkdir -p "$d/db"
	cat >"$d/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
pidfile $d/pid
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile $LAB_TMP/cert.pem
TLSCertificateKeyFile $LAB_TMP/key.pem
database mdb
suffix "dc=example,dc=net"
rootdn "cn=ovoc,dc=example,dc=net"
rootpw secret
directory $d/db
EOF
	lab_bg ldap slapd -d 0 -f "$d/slapd.conf" -h "ldap://$(a ldap)/ ldaps://$(a ldap)/"
	lab_wait_port ldap tcp 636
	# Mail server for trap forwarding (row 24).
	lab_bg mail "$PY" -m aiosmtpd -n -l "$(a mail):25" -c aiosmtpd.handlers.Sink
	lab_wait_port mail tcp 25
	# Syslog server over TCP 514 (row 25).
	d="$LAB_TMP/rsyslog" && mkdir -p "$d"
	cat >"$d/rsyslog.conf" <<EOF
global(workDirectory="$d")
module(load="imtcp")
input(type="imtcp" port="514" address="$(a syslog)")
*.* action(type="omfile" file="$d/messages")
EOF
	lab_bg syslog rsyslogd -n -f "$d/rsyslog.conf" -i "$d/pid"
	lab_wait_port syslog tcp 514
	# Debug recording receiver (row 26): ncat stands in for the recording server.
	lab_bg dbg ncat -u -l "$(a dbg)" 925 --recv-only
	lab_wait_port dbg udp 925
	# A TCP listener on 3389 of the remote managed device (the denied flow only).
	lab_bg rdp ncat -k -l "$(a rdp)" 3389 --recv-only
	lab_wait_port rdp tcp 3389
}

# The Azure Blob opening a connection to the Device Manager from its own port 443: the
# reverse of the send-only row 17. The Azure Blob's nginx is stopped first (it holds 443);
# socat, unlike curl, binds with SO_REUSEADDR, so TIME_WAIT leftovers do not stop it.
wrong_direction() {
	local i
	lab_stop "$BLOB_NGINX"
	for i in $(seq 30); do
		lab_in blob ss -H -lnt "sport = :443" | grep -q . || break
		sleep 0.1
	done
	printf 'GET / HTTP/1.1\r\nHost: dm.example.net\r\nConnection: close\r\n\r\n' |
		q lab_in blob timeout 5 socat - \
			"OPENSSL:$(a ovoc):443,verify=0,snihost=dm.example.net,bind=$(a blob):443,reuseaddr"
}

documented_flows() {
	local o k
	o=$(a ovoc)
	# row 1: OVOC Web / NBIF client over HTTPS
	q lab_in opc curl -sSk --max-time 5 --resolve "ovoc.example.net:443:$o" https://ovoc.example.net/
	# row 3: WebSocket notifications
	cat >"$LAB_TMP/ws-client.py" <<EOF
import asyncio, websockets
async def main():
    async with websockets.connect("ws://$o:915/notifications") as ws:
        await ws.send("17")
        print(await ws.recv())
asyncio.run(main())
EOF
	q lab_in opc "$PY" "$LAB_TMP/ws-client.py"
	# rows 5, 4: traps to 162 and the keep-alive to 1161 (AudioCodes enterprise 5003)
	for k in 162 1161; do
		q lab_in dev snmptrap -v 2c -c public -m "" "$o:$k" "" 1.3.6.1.4.1.5003.9.10.1.21.2.0.1 \
			1.3.6.1.2.1.1.5.0 s mg-1
	done
	# row 6: the OVOC polls the device's SNMP command responder
	q lab_in ovoc snmpget -v 2c -c public -m "" "$(a dev):161" 1.3.6.1.2.1.1.5.0
	# row 7: the device synchronises its clock with the OVOC (chronyd -Q: measure only)
	q lab_in dev timeout 15 chronyd -Q -t 10 "server $o iburst maxsamples 4" "cmdport 0" \
		"pidfile $LAB_TMP/chrony-dev.pid"
	# row 8: device -> OVOC HTTP; row 9: OVOC -> device HTTPS REST (the other side of "<->")
	q lab_in dev curl -sS --max-time 5 "http://$o/"
	q lab_in ovoc curl -sSk --max-time 5 --resolve "device.example.net:443:$(a dev)" \
		https://device.example.net/
	# rows 11, 12: endpoints to the Device Manager, HTTP and HTTPS
	q lab_in ep curl -sS --max-time 5 --resolve "dm.example.net:80:$o" http://dm.example.net/
	q lab_in ep curl -sSk --max-time 5 --resolve "dm.example.net:443:$o" https://dm.example.net/
	# rows 15, 16: endpoints to the WAF and to the Azure Blob
	q lab_in ep curl -sSk --max-time 5 --resolve "waf.example.net:443:$(a waf)" \
		https://waf.example.net/
	q lab_in ep curl -sSk --max-time 5 --resolve "blob.example.net:443:$(a blob)" \
		https://blob.example.net/
	# row 17: the Device Manager uploads to the Azure Blob; row 14: downloads from ShareFile
	q lab_in ovoc curl -sSk --max-time 5 --resolve "blob.example.net:443:$(a blob)" \
		-d 'firmware=placeholder' https://blob.example.net/
	q lab_in ovoc curl -sSk --max-time 5 --resolve "sharefile.example.net:443:$(a share)" \
		https://sharefile.example.net/
	# rows 19, 20: XML reports to the Voice Quality Package, plain and over TLS
	printf '<?xml version="1.0"?><QoE><Device>mg-1</Device><MOS>4.1</MOS></QoE>\n' \
		>"$LAB_TMP/qoe.xml"
	q lab_in dev ncat --send-only "$o" 5000 <"$LAB_TMP/qoe.xml"
	(cat "$LAB_TMP/qoe.xml"; sleep 0.5) |
		q lab_in dev timeout 5 openssl s_client -connect "$o:5001" -servername ovoc.example.net \
			-brief
	# rows 21, 22: LDAP (anonymous bind: nDPI 4.2 takes a bind with a DN for MQTT) and
	# LDAPS (bind with the OVOC's DN) to Active Directory
	q lab_in ovoc ldapsearch -x -H "ldap://$(a ldap)" -b "dc=example,dc=net" "(uid=operator)"
	LDAPTLS_REQCERT=never q lab_in ovoc ldapsearch -x -H "ldaps://$(a ldap)" \
		-D "cn=ovoc,dc=example,dc=net" -w secret -b "dc=example,dc=net" "(uid=operator)"
	# row 23: the OVOC REST client to the Floating License Service
	q lab_in ovoc curl -sSk --max-time 5 --resolve "license.example.net:443:$(a flic)" \
		https://license.example.net/
	# rows 24, 25, 26: trap forwarding to mail, syslog and debug recording
	q lab_in ovoc swaks --server "$(a mail):25" --from ovoc@example.net --to noc@example.net \
		--helo ovoc.example.net --header "Subject: OVOC alarm" --body "Major alarm on mg-1"
	q lab_in ovoc logger --tcp -n "$(a syslog)" -P 514 -t ovoc "trap forward: mg-1 major alarm"
	printf 'AC-DEBUG-RECORDING mg-1 seq=1\n' | q lab_in ovoc ncat -u --send-only "$(a dbg)" 925
	# row 28: an endpoint's RFC 6035 voice quality report
	cat >"$LAB_TMP/sip/publish.xml" <<'EOF'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="Endpoint: one RFC 6035 vq-rtcpxr PUBLISH">
  <send retrans="500"><![CDATA[
      PUBLISH sip:collector@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:phone-1@example.net>;tag=[pid]SIPpTag00[call_number]
      To: <sip:collector@example.net>
      Call-ID: [call_id]
      CSeq: 1 PUBLISH
      Max-Forwards: 70
      Event: vq-rtcpxr
      Expires: 3600
      Content-Type: application/vq-rtcpxr
      Content-Length: [len]

      VQSessionReport: CallTerm
      CallID: 6dg37f1890463@phone-1.example.net
      LocalID: <sip:phone-1@example.net>
      RemoteID: <sip:mg-1@example.net>
      LocalAddr: IP=203.0.113.78 PORT=6000 SSRC=0x2468ace0
      RemoteAddr: IP=203.0.113.76 PORT=6000 SSRC=0x1357bdf1
      LocalMetrics:
      Timestamps: START=2024-01-01T10:00:00Z STOP=2024-01-01T10:05:00Z
      PacketLoss: NLR=0.0 JDR=0.0
      QualityEst: MOSLQ=4.1 MOSCQ=4.0
    ]]></send>
  <recv response="200"/>
</scenario>
EOF
	(cd "$LAB_TMP/sip" && q lab_in ep timeout 20 sipp -sf publish.xml "$o:5060" -i "$(a ep)" \
		-p 5060 -m 1 -nostdin)
}

violations() {
	local o
	o=$(a ovoc)
	# app-mismatch: plain HTTP to the OVOC's TLS port 443 (nginx answers 400)
	q lab_in opc curl -sS --max-time 5 "http://$o:443/"
	# denied: the operator's workstation straight to a managed device's RDP port
	q lab_in opc ncat -w 2 --send-only "$(a rdp)" 3389 </dev/null
	# undocumented: an SSH login to the OVOC server
	q lab_in opc ssh -F /dev/null -i "$LAB_TMP/id_client" -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "root@$o" 'uptime'
	# out-of-scope: two hosts in no role
	q lab_in guesta ping -c 2 -i 0.2 -W 2 "$(a guestb)"
}

setup_net
start_servers
sleep 0.5
lab_cap_start lan br0 "$LAB_TMP/deploy-ovoc.pcap"
documented_flows
violations
wrong_direction
lab_cap_stop
tcpdump -r "$LAB_TMP/deploy-ovoc.pcap" -c 1 2>/dev/null | grep -q . || lab_die "empty capture"
cp "$LAB_TMP/deploy-ovoc.pcap" "$OUT" && chmod 0644 "$OUT"
echo "wrote $OUT ($(tcpdump -r "$OUT" 2>/dev/null | wc -l) packets)" >&2
