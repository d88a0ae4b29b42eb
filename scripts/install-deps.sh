#!/bin/sh
# Checks for the Debian packages Tessera needs (DESIGN.md section 6) and,
# as root, installs the missing ones. Not as root, it prints the exact
# command and fails. QEMU comes from bookworm-backports: bookworm's own 7.2
# has software-CPU bugs that break PV paths.
set -eu

packages="gcc g++ binutils make libcunit1-dev libyajl-dev libxxhash-dev libxen-dev busybox-static cpio xz-utils clang libclang-rt-14-dev clang-format"
backports_packages="qemu-system-x86"
min_qemu_major=10

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done

qemu_ok=no
if command -v qemu-system-x86_64 >/dev/null 2>&1; then
	major=$(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([0-9]*\).*/\1/p')
	[ "${major:-0}" -ge "$min_qemu_major" ] && qemu_ok=yes
fi

[ -z "$missing" ] && [ "$qemu_ok" = yes ] && exit 0

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
backports_list=/etc/apt/sources.list.d/tessera-backports.sources

if [ "$(id -u)" -ne 0 ]; then
	qemu_cmd=""
	[ "$qemu_ok" = yes ] || qemu_cmd=" && apt-get install -y -t ${codename}-backports $backports_packages"
	echo "tessera: missing Debian packages:$missing$( [ "$qemu_ok" = yes ] || echo " qemu-system-x86 (>= $min_qemu_major, from ${codename}-backports)")" >&2
	echo "tessera: not root, so not installing. As root, run:" >&2
	echo "  sh $0" >&2
	echo "which runs$( [ "$qemu_ok" = yes ] || echo " (after enabling ${codename}-backports in $backports_list)"):" >&2
	echo "  apt-get update${missing:+ && apt-get install -y$missing}$qemu_cmd" >&2
	exit 1
fi

# Enable backports on the same mirror as the machine's own Debian source.
if ! grep -rqs "${codename}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
	mirror=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | grep -v security | head -n 1 | awk '{print $2}')
	[ -n "$mirror" ] || mirror=$(grep -hs '^deb ' /etc/apt/sources.list | grep -v security | head -n 1 | awk '{print $2}')
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	cat >"$backports_list" <<SRC
Types: deb
URIs: $mirror
Suites: ${codename}-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
[ -z "$missing" ] || apt-get install -y -q --no-install-recommends $missing
[ "$qemu_ok" = yes ] || apt-get install -y -q --no-install-recommends -t "${codename}-backports" $backports_packages
