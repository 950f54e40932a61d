#!/bin/bash
# Makes pcaps/deploy-porta.pcap: a PortaSwitch installation (policies/portaone/portaswitch.site)
# in network namespaces, real servers and clients, documented flows and deliberate violations.
#
# Usage (as root, from anywhere):  pcaps/lab/deploy-porta.sh
#
# Needs (Debian 12 packages): iproute2 ethtool tcpdump nginx-light openssl curl
#   openssh-server openssh-client tftpd-hpa tftp-hpa freeradius freeradius-utils sip-tester
#   mariadb-server mariadb-client swaks python3-aiosmtpd nsca nsca-client iputils-ping
# Every daemon runs in the foreground with a configuration written to a temporary
# directory; namespaces are named porta<pid>-*; all of it is removed on exit.
# See deploy-porta.md for what the capture holds.

set -u

LAB_DIR="$(cd "$(dirname "$0")" && pwd)"
OUT_DIR="$(cd "$LAB_DIR/.." && pwd)"
OUT="$OUT_DIR/deploy-porta.pcap"
PY=/usr/bin/python3

. "$LAB_DIR/common.sh"
. "$LAB_DIR/daemons.sh"
LAB_TAG="porta$$"

[ "$(id -u)" = 0 ] || lab_die "must run as root (network namespaces, tcpdump)"
for tool in ip ethtool tcpdump nginx openssl curl ssh sshd ssh-keygen in.tftpd tftp freeradius \
	radclient sipp mariadbd mariadb-install-db mariadb swaks nsca send_nsca ping \
	unshare ss; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
		lab_die "missing tool '$tool' (see the package list at the top of this script)"
done
"$PY" -c "import aiosmtpd" 2>/dev/null || lab_die "python3-aiosmtpd is not installed"
export PATH="$PATH:/usr/sbin:/sbin"

LAB_TMP="$(mktemp -d)"
LAB_KEEP_TMP="${LAB_KEEP_TMP:-}"
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

# Addresses: exactly those of policies/portaone/portaswitch.site.
CFG_PUB=203.0.113.66 CFG_PRIV=10.3.3.66
WEB_PUB=203.0.113.67 WEB_PRIV=10.3.3.67
BILL_PUB=203.0.113.68 BILL_PRIV=10.3.3.68
SIP_VIP=203.0.113.70 SIP_MEDIA=203.0.113.71 SIP_PRIV=10.3.3.70
DB_PUB=203.0.113.72 DB_PRIV=10.3.3.72
ADMIN=198.51.100.100 PHONE=198.51.100.101 MAIL=198.51.100.102
STRAY1=198.51.100.120 STRAY2=198.51.100.121 # in no role of the site
SRV_NET=203.0.113.64/27 EXT_NET=198.51.100.96/27 PRIV_NET=10.3.3.0/24

q() { echo "\$ $*" >>"$LAB_TMP/clients.log"; "$@" >>"$LAB_TMP/clients.log" 2>&1; return 0; }

# No offloads: the capture then holds wire-sized frames, not >MTU super-packets.
no_offload() {
	lab_in "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 ||
		lab_die "ethtool could not turn offloads off on $1/$2"
}

# One Ethernet segment: a bridge in namespace "lan", one veth per host. IPv4 only.
HOSTS="cfg web bill sip db admin phone mail stray1 stray2"
setup_net() {
	local h n=0
	lab_ns lan
	lab_in lan sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$LAB_TAG-lan" link add br0 type bridge
	ip -n "$LAB_TAG-lan" link set br0 address 02:00:00:03:01:00 up
	no_offload lan br0
	for h in $HOSTS; do
		n=$((n + 1))
		lab_ns "$h"
		lab_in "$h" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		lab_veth lan "p-$h" "02:00:00:03:01:$(printf %02x $n)" "$h" eth0 \
			"02:00:00:03:00:$(printf %02x $n)"
		ip -n "$LAB_TAG-lan" link set "p-$h" master br0
		no_offload lan "p-$h"
		no_offload "$h" eth0
	done
	# Servers: a public and a private address on the one segment; the outside
	# world is on-link too, answered from the public address.
	srv() {
		lab_addr "$1" eth0 "$2/27" "$3/24"
		ip -n "$LAB_TAG-$1" route add $EXT_NET dev eth0 src "$2"
	}
	srv cfg $CFG_PUB $CFG_PRIV
	srv web $WEB_PUB $WEB_PRIV
	srv bill $BILL_PUB $BILL_PRIV
	srv sip $SIP_VIP $SIP_PRIV
	lab_addr sip eth0 $SIP_MEDIA/27
	srv db $DB_PUB $DB_PRIV
	ext() {
		lab_addr "$1" eth0 "$2/27"
		ip -n "$LAB_TAG-$1" route add $SRV_NET dev eth0 src "$2"
	}
	ext admin $ADMIN
	ext phone $PHONE
	ext mail $MAIL
	ext stray1 $STRAY1
	ext stray2 $STRAY2
	# The admin's route to the private segment exists only to show the denied flow.
	ip -n "$LAB_TAG-admin" route add $PRIV_NET dev eth0 src $ADMIN
}

make_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$LAB_TMP/key.pem" -out "$LAB_TMP/cert.pem" -days 3650 \
		-subj "/CN=admin.porta.example.com" \
		-addext "subjectAltName=DNS:admin.porta.example.com,DNS:selfcare.porta.example.com" \
		>/dev/null 2>&1 || lab_die "openssl could not make the test certificate"
}

# porta_nginx NS LISTEN-LINES: nginx with the given listen directives.
porta_nginx() {
	local name="$1" d="$LAB_TMP/nginx-$1"
	shift
	mkdir -p "$d/www"
	printf '<html><body>PortaSwitch lab %s</body></html>\n' "$name" >"$d/www/index.html"
	printf 'patch-0001\n' >"$d/www/patch-0001.tar"
	printf 'provisioning for %s\n' "$PHONE" >"$d/www/phone.cfg"
	{
		echo "user root; worker_processes 1; pid $d/nginx.pid; error_log $d/error.log;"
		echo "events { worker_connections 64; }"
		echo "http { access_log off; client_body_temp_path $d/body; proxy_temp_path $d/proxy;"
		echo " fastcgi_temp_path $d/fcgi; uwsgi_temp_path $d/uwsgi; scgi_temp_path $d/scgi;"
		echo " types { text/html html; application/octet-stream tar cfg; }"
		echo " server { root $d/www; ssl_certificate $LAB_TMP/cert.pem;"
		echo "  ssl_certificate_key $LAB_TMP/key.pem;"
		local l
		for l in "$@"; do echo "  listen $l;"; done
		echo " }"
		echo "}"
	} >"$d/nginx.conf"
	lab_bg "$name" nginx -e "$d/error.log" -c "$d/nginx.conf" -p "$d" -g "daemon off;"
}

porta_freeradius() {
	local d="$LAB_TMP/raddb"
	mkdir -p "$d"
	touch "$d/dictionary"
	cat >"$d/radiusd.conf" <<EOF
prefix = /usr
exec_prefix = /usr
localstatedir = $d
sbindir = /usr/sbin
logdir = $d
raddbdir = $d
radacctdir = $d
name = freeradius
confdir = $d
modconfdir = $d
certdir = $d
cadir = $d
run_dir = $d
db_dir = $d
libdir = /usr/lib/freeradius
pidfile = $d/radiusd.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 1024
hostname_lookups = no
log {
	destination = stderr
}
security {
	allow_core_dumps = no
	max_attributes = 200
	reject_delay = 0
	status_server = no
}
thread pool {
	start_servers = 1
	max_servers = 2
	min_spare_servers = 1
	max_spare_servers = 2
	max_requests_per_server = 0
}
client portaswitch {
	ipaddr = $SRV_NET
	secret = porta-lab
}
modules {
	always ok {
		rcode = ok
	}
}
server default {
	listen {
		type = auth
		ipaddr = $BILL_PUB
		port = 1812
	}
	listen {
		type = acct
		ipaddr = $BILL_PUB
		port = 1813
	}
	authorize {
		update control {
			&Auth-Type := Accept
		}
	}
	authenticate {
	}
	preacct {
	}
	accounting {
		ok
	}
	post-auth {
	}
}
EOF
	lab_bg bill freeradius -f -l stdout -d "$d"
	lab_wait_port bill udp 1812
}

porta_mariadb() {
	local d="$LAB_TMP/mariadb"
	mkdir -p "$d/data"
	mariadb-install-db --no-defaults --datadir="$d/data" --user=root --skip-test-db \
		--auth-root-authentication-method=normal >"$d/install.log" 2>&1 ||
		lab_die "mariadb-install-db failed (see $d/install.log)"
	lab_bg db mariadbd --no-defaults --datadir="$d/data" --user=root --port=3306 \
		--bind-address=$DB_PUB --socket="$d/sock" --pid-file="$d/pid" \
		--log-error="$d/error.log" --skip-grant-tables --skip-name-resolve
	local i
	for i in $(seq 100); do
		lab_in db ss -H -lnt "sport = :3306" | grep -q . && return 0
		sleep 0.1
	done
	lab_die "mariadbd did not start (see $d/error.log)"
}

porta_nsca() {
	local d="$LAB_TMP/nsca"
	mkdir -p "$d"
	mkfifo "$d/nagios.cmd"
	cat >"$d/nsca.cfg" <<EOF
pid_file=$d/nsca.pid
server_port=5667
server_address=$CFG_PRIV
nsca_user=root
nsca_group=root
debug=0
command_file=$d/nagios.cmd
alternate_dump_file=$d/nsca.dump
aggregate_writes=0
append_to_file=1
max_packet_age=30
decryption_method=1
password=porta-lab
EOF
	printf 'password=porta-lab\nencryption_method=1\n' >"$d/send_nsca.cfg"
	# Drain the command pipe the way Nagios would.
	lab_bg cfg sh -c "while :; do cat '$d/nagios.cmd' >>'$d/results'; done"
	lab_bg cfg nsca -c "$d/nsca.cfg" -f
	lab_wait_port cfg tcp 5667
}

start_servers() {
	make_cert
	# Configuration server: monitoring web interface (public 8700), patches (private 80).
	porta_nginx cfg "$CFG_PUB:8700" "$CFG_PRIV:80"
	lab_wait_port cfg tcp 8700
	porta_nsca
	# Web (admin) server: UA provisioning 80, admin 443, self-care 8442, webmail 8943,
	# and 8080, which the document does not list.
	porta_nginx web "80" "443 ssl" "8442 ssl" "8943 ssl" "8080"
	lab_wait_port web tcp 443
	mkdir -p "$LAB_TMP/tftp"
	printf 'tftp provisioning for %s\n' "$PHONE" >"$LAB_TMP/tftp/phone.cfg"
	lab_bg web in.tftpd -L -u root -s "$LAB_TMP/tftp" -a "$WEB_PUB:69"
	lab_wait_port web udp 69
	lab_bg web "$PY" -m aiosmtpd -n -l "$WEB_PUB:25"
	lab_wait_port web tcp 25
	lab_sshd web
	# Billing / OCS: RADIUS.
	porta_freeradius
	# PortaSIP dispatching node (VIP): SMTP transport on 8101.
	lab_bg sip "$PY" -m aiosmtpd -n -l "$SIP_VIP:8101"
	lab_wait_port sip tcp 8101
	# MySQL Main DB on the public interface.
	porta_mariadb
	sleep 0.5
}

sip_dir() {
	mkdir -p "$LAB_TMP/sip/pcap"
	cp /usr/share/sip-tester/g711a.pcap /usr/share/sip-tester/dtmf_2833_1.pcap \
		"$LAB_TMP/sip/pcap/"
}

traffic() {
	local ssh_opts="-F /dev/null -i $LAB_TMP/id_client -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=3"
	# --- documented flows ---
	# Administrator: SSH to the web server, admin interface (TLS, SNI), monitoring UI.
	q lab_in admin ssh $ssh_opts root@$WEB_PUB 'echo porta-admin'
	q lab_in admin curl -sSk --max-time 5 --resolve "admin.porta.example.com:443:$WEB_PUB" \
		https://admin.porta.example.com/
	q lab_in admin curl -sS --max-time 5 http://$CFG_PUB:8700/
	# IP phone: provisioning over HTTP and TFTP, self-care over HTTPS.
	q lab_in phone curl -sS --max-time 5 http://$WEB_PUB/phone.cfg
	q lab_in phone tftp -m binary $WEB_PUB -c get phone.cfg "$LAB_TMP/phone.cfg.tftp"
	q lab_in phone curl -sSk --max-time 5 \
		--resolve "selfcare.porta.example.com:8442:$WEB_PUB" https://selfcare.porta.example.com:8442/
	# Mail peer: a tariff e-mail to the web server, a message to the SMTP transport.
	q lab_in mail swaks --server $WEB_PUB --port 25 --from rates@carrier.example \
		--to tariffs@porta.example.com --header "Subject: tariff update" --body "rate,0.01"
	q lab_in mail swaks --server $SIP_VIP --port 8101 --from sms@carrier.example \
		--to 12025550100@porta.example.com --body "hello"
	# Web server as RADIUS client (Test DialPlan): authentication and accounting.
	echo "User-Name = test-dialplan, User-Password = x" |
		q lab_in web radclient -r 1 -t 2 $BILL_PUB:1812 auth porta-lab
	echo "User-Name = test-dialplan, Acct-Status-Type = Start, Acct-Session-Id = porta1" |
		q lab_in web radclient -r 1 -t 2 $BILL_PUB:1813 acct porta-lab
	# Web server as database client.
	q lab_in web mariadb --no-defaults -h $DB_PUB -P 3306 -u root -e 'SELECT VERSION()'
	# Private interfaces: NSCA result and a patch download to/from the Configuration server.
	printf 'web\tdisk\t0\tDISK OK\n' |
		q lab_in web send_nsca -H $CFG_PRIV -p 5667 -c "$LAB_TMP/nsca/send_nsca.cfg"
	q lab_in web curl -sS --max-time 5 -o /dev/null http://$CFG_PRIV/patch-0001.tar
	# IP phone calls through the dispatching node's VIP; RTP to the processing node.
	sip_dir
	LAB_CWD="$LAB_TMP/sip" lab_bg sip sipp -sn uas -i $SIP_VIP -p 5060 -mi $SIP_MEDIA \
		-mp 40000 -rtp_echo -m 1 -nostdin -timeout 30s
	local uas=$LAB_LAST_PID
	lab_wait_port sip udp 5060
	(cd "$LAB_TMP/sip" && q lab_in phone timeout 30 sipp -sn uac_pcap $SIP_VIP:5060 \
		-i $PHONE -p 5060 -mi $PHONE -mp 6000 -m 1 -nostdin)
	lab_stop "$uas"

	# --- deliberate violations ---
	# wrong-direction: the VIP calls the phone from its port 5060 (the document only
	# has SIP nodes -> VIP). The phone listens on 5080 so that this call is not the
	# same UDP 5-tuple as the call above.
	LAB_CWD="$LAB_TMP/sip" lab_bg phone sipp -sn uas -i $PHONE -p 5080 -m 1 -nostdin \
		-timeout 20s
	uas=$LAB_LAST_PID
	lab_wait_port phone udp 5080
	(cd "$LAB_TMP/sip" && q lab_in sip timeout 20 sipp -sn uac $PHONE:5080 -i $SIP_VIP \
		-p 5060 -m 1 -d 200 -nostdin)
	lab_stop "$uas"
	# app-mismatch: plain HTTP to the admin interface's TLS port 443.
	q lab_in admin curl -sS --max-time 5 http://$WEB_PUB:443/
	# undocumented: a web service on 8080, which no row lists.
	q lab_in admin curl -sS --max-time 5 http://$WEB_PUB:8080/
	# denied: SSH from outside to the web server's private interface.
	q lab_in admin ssh $ssh_opts root@$WEB_PRIV 'echo should-not-reach'
	# out-of-scope: two outside hosts in no role.
	q lab_in stray1 ping -c 2 -i 0.2 -W 2 $STRAY2
	sleep 0.5
}

setup_net
start_servers
lab_cap_start lan br0 "$LAB_TMP/deploy-porta.pcap"
traffic
lab_cap_stop
tcpdump -r "$LAB_TMP/deploy-porta.pcap" -c 1 2>/dev/null | grep -q . ||
	lab_die "the capture is empty (scratch files kept in $LAB_TMP)"
cp "$LAB_TMP/deploy-porta.pcap" "$OUT"
chmod 0644 "$OUT"
echo "wrote $OUT ($(stat -c %s "$OUT") bytes)" >&2
