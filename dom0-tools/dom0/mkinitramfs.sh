#!/bin/bash
# Builds the Linux control domain's initramfs (dom0-tools/dom0/, docs/control-domain.md):
# busybox-static, dom0-tools/dom0/init, the Xen driver modules of the kernel's own Debian
# package with their dependencies (read from each module's .modinfo "depends=", loaded
# by /init in the order of /lib/modules/load-order), the control-domain tools in /bin and
# data files (guest images) in /lib/tessera. Compressed modules (.ko.xz, .ko.zst) are
# decompressed here, so busybox's insmod never has to.
#
# Usage: mkinitramfs.sh OUT.cpio.gz KERNEL.deb [--tool FILE]... [--data FILE]...
set -euo pipefail

out=$1 deb=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
# The modules /init loads; their dependencies come first, found in the package.
WANTED="xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs"

[ -x "$busybox" ] || { echo "mkinitramfs: no $busybox (install busybox-static)" >&2; exit 1; }
[ -f "$deb" ] || { echo "mkinitramfs: no kernel package $deb" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,root,lib/modules,lib/tessera,var/log,etc}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 755 "$here/init" "$root/init"
while [ $# -gt 0 ]; do
	case $1 in
	--tool) install -m 755 "$2" "$root/bin/$(basename "$2")" ;;
	--data) install -m 644 "$2" "$root/lib/tessera/$(basename "$2")" ;;
	*) echo "mkinitramfs: unknown argument $1" >&2; exit 1 ;;
	esac
	shift 2
done

# Module name (dashes and underscores are the same to the kernel) -> path in the package.
dpkg-deb -c "$deb" | awk '{ print $NF }' | grep -E '/kernel/.*\.ko(\.xz|\.zst)?$' >"$tmp/list"
path_of() {
	local n=${1//_/[-_]}
	grep -E "/${n}\.ko(\.xz|\.zst)?\$" "$tmp/list" | head -n 1
}

order=()
declare -A seen=()
# add NAME: extract NAME's module, add its dependencies first, then NAME.
add() {
	local name=${1//_/-} p file dep deps
	[ -n "${seen[$name]:-}" ] && return
	seen[$name]=1
	p=$(path_of "$1")
	[ -n "$p" ] || { echo "mkinitramfs: module $1 is not in $deb" >&2; exit 1; }
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "$p"
	file=$root/lib/modules/$(basename "${p%.xz}")
	file=${file%.zst}
	case $p in
	*.xz) xz -dc "$tmp/$p" >"$file" ;;
	*.zst) zstd -qdc "$tmp/$p" >"$file" ;;
	*) cp "$tmp/$p" "$file" ;;
	esac
	objcopy -O binary --only-section=.modinfo "$file" "$tmp/modinfo"
	deps=$(tr '\0' '\n' <"$tmp/modinfo" | sed -n 's/^depends=//p' | tr ',' ' ')
	for dep in $deps; do
		add "$dep"
	done
	order+=("$(basename "$file")")
}
for m in $WANTED; do
	add "$m"
done
printf '%s\n' "${order[@]}" >"$root/lib/modules/load-order"
echo "mkinitramfs: modules ${order[*]}"

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) |
	gzip -9 >"$out.tmp"
mv "$out.tmp" "$out"
