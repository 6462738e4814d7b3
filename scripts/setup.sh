#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs every Debian package edgeway needs to build, test and demo.
# Idempotent; prints nothing when everything is already installed.
#   scripts/setup.sh          what build, test and demo need
#   scripts/setup.sh bench    that, plus the benchmarks' peers and plotting
set -euo pipefail

PKGS=(
	build-essential pkg-config meson ninja-build
	dpdk dpdk-dev libdpdk-dev
	libyaml-dev libevent-dev libprotobuf-c-dev protobuf-c-compiler libmnl-dev
	protobuf-compiler python3-protobuf python3-prometheus-client curl
	libcmocka-dev
	iproute2 iputils-ping iperf3 tcpdump tshark nftables ethtool python3-scapy
	procps psmisc clang libclang-rt-14-dev
)
if [ "${1:-}" = bench ]; then
	PKGS+=(openvswitch-switch-dpdk gnuplot-nox valgrind)
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup.sh: must run as root (apt-get)" >&2
	exit 1
fi

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup.sh: installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup.sh: done"
