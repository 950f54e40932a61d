# Server programs for the lab: config files written into $LAB_TMP, never the system's.
# Sourced by make-captures.sh after common.sh.

# Self-signed certificate for app.example.com, made once per run.
lab_make_cert() {
	[ -f "$LAB_TMP/cert.pem" ] && return 0
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$LAB_TMP/key.pem" -out "$LAB_TMP/cert.pem" -days 3650 \
		-subj "/CN=app.example.com" \
		-addext "subjectAltName=DNS:app.example.com,DNS:files.example.com" \
		>/dev/null 2>&1 || lab_die "openssl could not make the test certificate"
}

# Static content: a small page and a 1 MB file served slowly, so that a client
# giving up mid-transfer closes with unread data and the kernel sends a RST.
lab_make_www() {
	[ -d "$LAB_TMP/www" ] && return 0
	mkdir -p "$LAB_TMP/www/slow"
	printf '<html><body><h1>flowaudit lab</h1></body></html>\n' >"$LAB_TMP/www/index.html"
	head -c 1048576 /dev/zero | tr '\0' 'x' >"$LAB_TMP/www/slow/big.bin"
}

# lab_nginx_start NS DIR: nginx in namespace NS with its pid, logs and temporary
# files in DIR; standard input is the inside of its http block (types, servers).
lab_nginx_start() {
	local ns="$1" d="$2"
	mkdir -p "$d"
	{
		cat <<EOF
user root;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
EOF
		cat
		echo "}"
	} >"$d/nginx.conf"
	lab_bg "$ns" nginx -e "$d/error.log" -c "$d/nginx.conf" -p "$d" -g "daemon off;"
}

# lab_nginx NS: nginx on ports 80 and 443 (TLS), IPv4 and IPv6, in namespace NS.
lab_nginx() {
	local name="$1" d="$LAB_TMP/nginx-$1"
	lab_make_cert
	lab_make_www
	lab_nginx_start "$name" "$d" <<EOF
	types { text/html html; application/octet-stream bin; }
	server {
		listen 80;
		listen [::]:80;
		listen 443 ssl;
		listen [::]:443 ssl;
		server_name app.example.com files.example.com;
		ssl_certificate $LAB_TMP/cert.pem;
		ssl_certificate_key $LAB_TMP/key.pem;
		root $LAB_TMP/www;
		location /slow/ { limit_rate 16k; }
	}
EOF
	lab_wait_port "$name" tcp 80
}

# lab_dnsmasq NS ADDR...: authoritative-only dnsmasq for example.com on ADDRs.
# No upstream servers, no /etc/hosts: unknown names under example.com get NXDOMAIN.
lab_dnsmasq() {
	local name="$1" d="$LAB_TMP/dnsmasq-$1" a i
	shift
	mkdir -p "$d"
	{
		echo "no-resolv"
		echo "no-hosts"
		echo "no-poll"
		echo "bind-interfaces"
		echo "port=53"
		echo "user=root"
		echo "pid-file=$d/dnsmasq.pid"
		echo "log-facility=$d/dnsmasq.log"
		echo "edns-packet-max=4096"
		echo "local=/example.com/"
		for a in "$@"; do echo "listen-address=$a"; done
		echo "host-record=app.example.com,192.0.2.20,2001:db8:1::20"
		echo "host-record=files.example.com,192.0.2.20,2001:db8:1::20"
		echo "host-record=ns.example.com,192.0.2.53,2001:db8:1::53"
		# Ten TXT records of ~190 bytes, ~2 kB in all: the answer fragments at
		# MTU 576 (IPv4) and 1280 (IPv6). One record per line: dnsmasq's line limit.
		for i in 0 1 2 3 4 5 6 7 8 9; do
			echo "txt-record=big.example.com,\"segment-$i-$(printf '%0180d' "$i")\""
		done
	} >"$d/dnsmasq.conf"
	lab_bg "$name" dnsmasq --conf-file="$d/dnsmasq.conf" --keep-in-foreground
	lab_wait_port "$name" udp 53
}

# lab_sshd NS [PORT]: OpenSSH server on PORT (default 22) with a throw-away
# host key and client key. sshd insists on /run/sshd; a private tmpfs /run in
# its own mount namespace gives it one without creating anything on the host.
lab_sshd() {
	local name="$1" port="${2:-22}" d="$LAB_TMP/sshd-$1"
	mkdir -p "$d"
	ssh-keygen -q -t ed25519 -N "" -C lab-host -f "$d/host_key" >/dev/null
	[ -f "$LAB_TMP/id_client" ] ||
		ssh-keygen -q -t ed25519 -N "" -C lab-client -f "$LAB_TMP/id_client" >/dev/null
	cp "$LAB_TMP/id_client.pub" "$d/authorized_keys"
	cat >"$d/sshd_config" <<EOF
Port $port
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
EOF
	lab_bg "$name" unshare -m sh -c \
		"mount -t tmpfs lab-run /run && mkdir -m 0755 /run/sshd && exec /usr/sbin/sshd -D -e -f $d/sshd_config"
	lab_wait_port "$name" tcp "$port"
}

# lab_wait_port NS tcp|udp PORT: wait until something listens there.
lab_wait_port() {
	local name="$1" proto="$2" port="$3" i flag=-lnt
	[ "$proto" = udp ] && flag=-lnu
	for i in $(seq 50); do
		lab_in "$name" ss -H "$flag" "sport = :$port" | grep -q . && return 0
		sleep 0.1
	done
	lab_die "nothing listens on $proto/$port in $name (see $LAB_TMP/daemons.log)"
}
