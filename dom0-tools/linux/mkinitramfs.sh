#!/bin/bash
# Builds the Linux guest initramfs: busybox-static and dom0-tools/linux/init in a
# cpio (newc) archive, gzip-compressed. Usage: mkinitramfs.sh OUT.cpio.gz
set -euo pipefail

out=$1
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
# busybox-static's /bin/busybox: a static binary, so the initramfs needs no libraries.
[ -x "$busybox" ] || { echo "mkinitramfs: no $busybox (install busybox-static)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,tmp,root}
cp "$busybox" "$tmp/bin/busybox"
ln -s busybox "$tmp/bin/sh"
install -m 755 "$here/init" "$tmp/init"
(cd "$tmp" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -9 >"$out.tmp"
mv "$out.tmp" "$out"
