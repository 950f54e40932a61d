#!/bin/sh
# install-deps.sh - installs what flowaudit needs to build and test, from
# Debian 12's archive. Idempotent: packages already present are left alone.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --lab    also the daemons and clients the lab
#                                    scripts in pcaps/ use to make captures
set -eu

BUILD="build-essential cmake pkg-config libpcap-dev libndpi-dev libndpi-bin
libmaxminddb-dev libncurses-dev libcmocka-dev libxxhash-dev"
TEST="python3 libmaxmind-db-writer-perl tcpdump iproute2 tmux curl dnsutils dnsmasq iputils-ping"
FUZZ="clang libclang-rt-14-dev" # libFuzzer and the sanitizer runtimes
LAB="python3-scapy tshark curl nginx-light openssl dnsmasq dnsutils iputils-ping
ncat socat"

pkgs="$BUILD $TEST $FUZZ"
[ "${1:-}" = "--lab" ] && pkgs="$pkgs $LAB"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all dependencies present"
	exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
