#!/bin/bash
# Fetches the reference hypervisor for differential runs: Debian's binary
# package xen-hypervisor-4.17-amd64, downloaded with `apt-get download` and
# unpacked with `dpkg-deb -x` under DIR (never installed on the host, never
# built here: DESIGN.md section 6). Leaves:
#   DIR/xen-4.17-amd64        the hypervisor, gunzipped from /boot/xen-4.17-amd64.gz:
#                             an ELF32 with a Multiboot1 header, which QEMU's -kernel boots
#   DIR/version               the package version it came from
# Usage: fetch-xen.sh DIR. Does nothing when DIR/xen-4.17-amd64 exists.
set -eu
PKG=xen-hypervisor-4.17-amd64
dir=${1:?usage: fetch-xen.sh DIR}
image=$dir/xen-4.17-amd64
[ -s "$image" ] && exit 0

mkdir -p "$dir/deb"
dir=$(cd "$dir" && pwd)
image=$dir/xen-4.17-amd64
cd "$dir/deb"
rm -f ./*.deb
if ! apt-get download "$PKG" 2>apt.err; then
	# A machine whose package lists were never fetched does not know the package yet.
	if [ "$(id -u)" -eq 0 ]; then
		echo "fetch-xen: apt-get download failed; running apt-get update once" >&2
		apt-get update -qq >/dev/null 2>&1 || true
	fi
	if ! apt-get download "$PKG" 2>apt.err; then
		cat apt.err >&2
		echo "fetch-xen: cannot download $PKG (it is in Debian bookworm main; run apt-get update as root)" >&2
		exit 1
	fi
fi
debs=("$PKG"_*.deb)
deb=${debs[0]}
rm -rf root
dpkg-deb -x "$deb" root
gzs=(root/boot/xen-*.gz)
gz=${gzs[0]}
gzip -dc "$gz" >"$image.tmp"
# QEMU's Multiboot loader takes an ELF (Xen's head.S carries the Multiboot1 header).
if [ "$(head -c 4 "$image.tmp" | od -An -c | tr -d ' ')" != '177ELF' ]; then
	echo "fetch-xen: $gz does not hold an ELF image" >&2
	exit 1
fi
mv "$image.tmp" "$image"
dpkg-deb -f "$deb" Version >"$dir/version"
echo "fetch-xen: $PKG $(cat "$dir/version") -> $image"
