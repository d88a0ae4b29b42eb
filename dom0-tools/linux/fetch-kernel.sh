#!/bin/bash
# Fetches Debian's current linux-image-amd64 kernel with apt-get download and
# turns its bzImage into the ELF vmlinux the PVH builder loads (the bzImage
# payload, at setup-header offsets 0x248/0x24C, is an XZ-compressed ELF;
# Documentation/x86/boot.rst). Everything lands in OUT (default
# $BUILD/linux): the .deb (the cache: a present .deb is not downloaded again),
# vmlinuz, vmlinux and "version" (package and Debian version, one line).
#
# LINUX_PKG=linux-image-6.1.0-NN-amd64 picks a package instead of the one
# linux-image-amd64 depends on. Without apt or the network it prints
# "linux: SKIP ..." and exits 0 without a vmlinux, so `make` goes on; it
# records why in OUT/unavailable, which is what lets the Linux tests report
# a skip (this machine cannot fetch the kernel) rather than a failure
# (tests/integration/lib.sh need_linux_bundle). A fetch that works removes it.
set -euo pipefail

out=${1:-${BUILD:-build}/linux}
mkdir -p "$out"
out=$(cd "$out" && pwd)

skip() {
	echo "linux: SKIP: $*" >&2
	rm -f "$out/vmlinux"
	echo "$*" >"$out/unavailable"
	exit 0
}
rm -f "$out/unavailable"

command -v apt-get >/dev/null || skip "no apt-get on this machine"
command -v xz >/dev/null || skip "no xz (install xz-utils)"

pkg=${LINUX_PKG:-}
if [ -z "$pkg" ]; then
	# linux-image-amd64 is a metapackage; its dependency is the real image package.
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-amd64$/ { print $2; exit }')
	[ -n "$pkg" ] || skip "apt-cache does not know linux-image-amd64 (apt-get update?)"
fi

deb=$(ls "$out"/"${pkg}"_*_amd64.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$deb" ]; then
	echo "linux: downloading $pkg"
	(cd "$out" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) ||
		true
	deb=$(ls "$out"/"${pkg}"_*_amd64.deb 2>/dev/null | tail -n 1 || true)
	[ -n "$deb" ] || skip "apt-get download $pkg failed (no network?)"
fi
version=$(dpkg-deb -f "$deb" Version)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*'
vmlinuz=$(ls "$tmp"/boot/vmlinuz-* | head -n 1)
cp "$vmlinuz" "$out/vmlinuz"

# Setup header: setup_sects at 0x1F1 (0 means 4), payload_offset/payload_length at
# 0x248/0x24C, both relative to the protected-mode code after the setup sectors.
u8() { od -An -tu1 -j "$1" -N1 "$out/vmlinuz" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 "$out/vmlinuz" | tr -d ' '; }
[ "$(od -An -c -j $((0x202)) -N4 "$out/vmlinuz" | tr -d ' ')" = HdrS ] ||
	{ echo "linux: $vmlinuz is not a bzImage" >&2; exit 1; }
setup_sects=$(u8 $((0x1f1)))
[ "$setup_sects" -ne 0 ] || setup_sects=4
payload_off=$(u32 $((0x248)))
payload_len=$(u32 $((0x24c)))
start=$(((setup_sects + 1) * 512 + payload_off))
# The payload ends with the 4-byte decompressed size; --single-stream stops before it.
dd if="$out/vmlinuz" bs=64K skip="$start" count="$payload_len" iflag=skip_bytes,count_bytes \
	status=none | xz -dc --single-stream >"$tmp/vmlinux" ||
	{ echo "linux: the bzImage payload is not XZ (only XZ kernels are handled)" >&2; exit 1; }
[ "$(head -c 4 "$tmp/vmlinux" | od -An -c | tr -d ' ')" = 177ELF ] ||
	{ echo "linux: the decompressed payload is not an ELF" >&2; exit 1; }
mv "$tmp/vmlinux" "$out/vmlinux"
echo "$pkg $version" >"$out/version"
echo "linux: $pkg $version -> $out/vmlinux ($(stat -c %s "$out/vmlinux") bytes)"
