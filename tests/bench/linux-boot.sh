#!/bin/bash
# Benchmark (not a test; make bench runs it last, make bench-linux alone): wall
# time from QEMU's start to Linux's /init for the same Debian kernel and busybox
# initramfs (make linux, dom0-tools/linux/), in the same QEMU machine (lib.sh's
# MACHINE: qemu64 with SVM, 1 CPU, 1 GiB), booted three ways:
#   native    QEMU's own -kernel vmlinuz -initrd (no hypervisor), console ttyS0,
#             mem=256M to match the guests
#   tessera   Tessera, the kernel as a 256 MiB PVH guest beside the xenstore
#             domain (the bundle is made here from the extracted ELF)
#   xen-pv    Debian's Xen 4.17 (tests/xen/fetch-xen.sh), the bzImage as its PV dom0
# (As Xen's PVH dom0 this kernel halts before printing anything, from the bzImage
# or the ELF, so there is no xen-pvh row.) The kernel command line is the one the
# tests use plus tessera.bench, which makes /init print its marker and power
# off; natively without earlyprintk=xen (it hangs without Xen). A run's time is taken when the
# serial line "TESSERA-LINUX: init reached" reaches this script (QEMU's serial
# on a pipe; bash's EPOCHREALTIME); the guest's own uptime at /init is on the
# same line. BENCH_LINUX_RUNS runs each (3 by default), one QEMU at a time;
# the table gives the median and the range.
#
# Output: the table on stdout and in $BUILD/bench/linux-boot.md; serial logs in
# $BUILD/bench/linux-*.log. Needs make linux (and fetches Xen like make test-xen).
set -u
cd "$(dirname "$0")/../.." || exit 2
: "${BUILD:=build}" "${QEMU:=qemu-system-x86_64}" "${BENCH_LINUX_RUNS:=3}"
OUT=$BUILD/bench
XEN_TIMEOUT=${BENCH_TIMEOUT:-120}
XEN_MEM_MB=256
QEMU_EXTRA=()
. tests/xen/lib.sh

LINUX=$BUILD/linux
CMDLINE="earlyprintk=xen pci=off tessera.bench"
MARK="TESSERA-LINUX: init reached"
for f in "$LINUX/vmlinux" "$LINUX/vmlinuz" "$LINUX/initramfs.cpio.gz" "$HV_BIN" "$MKBOOT" \
	"$BUILD/guests/xenstored.elf"; do
	[ -f "$f" ] || { echo "bench-linux: no $f: run make BUILD=$BUILD all linux first" >&2; exit 2; }
done
bash tests/xen/fetch-xen.sh "$REF" || { echo "bench-linux: no reference Xen" >&2; exit 2; }
mkdir -p "$OUT"

# The Tessera bundle: the Linux guest (domid 1) and the xenstore domain.
plan=$OUT/linux-boot.json
cat >"$plan" <<EOF
{"format": 1, "domains": [
 {"name": "linux", "domid": 1, "roles": "guest", "mode": "pvh", "memory": $XEN_MEM_MB, "vcpus": 1,
  "kernel": "linux/vmlinux", "ramdisk": "linux/initramfs.cpio.gz", "cmdline": "console=hvc0 $CMDLINE"},
 {"name": "xenstored", "domid": 2, "roles": "xenstore", "mode": "pvh", "memory": 16, "vcpus": 1,
  "kernel": "guests/xenstored.elf", "cmdline": "name=xenstored"}]}
EOF
"$MKBOOT" "$plan" --base "$BUILD" -o "$OUT/linux-boot.bundle" >/dev/null ||
	{ echo "bench-linux: mkboot failed on $plan" >&2; exit 2; }

# timed LOG QEMU-ARGS...: boots with the serial on a pipe; prints "WALL UPTIME" (seconds
# from QEMU's start to the marker line, and the guest uptime it states), or nothing when the
# marker does not come within XEN_TIMEOUT. The whole serial output goes to LOG.
timed() {
	local log=$1 res=$1.res pid i
	shift
	rm -f "$res"
	local t0=$EPOCHREALTIME
	"$QEMU" "${MACHINE[@]}" -serial stdio "$@" </dev/null 2>"$log.qemu" > >(
		while IFS= read -r line; do
			printf '%s\n' "$line" >>"$log"
			case $line in
			*"$MARK"*)
				# bash's arithmetic has no fractions: microseconds, by string.
				t1=$EPOCHREALTIME
				us=$((10#${t1/./} - 10#${t0/./}))
				up=${line##*uptime }
				printf '%d.%06d %s\n' $((us / 1000000)) $((us % 1000000)) "${up%% *}" >"$res"
				;;
			esac
		done
	) &
	pid=$!
	for ((i = 0; i < XEN_TIMEOUT * 20; i++)); do
		[ -s "$res" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	sleep 0.2 # the reader's last write
	[ -s "$res" ] && cat "$res"
}

run_one() { # KIND RUN
	local log=$OUT/linux-$1-$2.log
	: >"$log"
	case $1 in
	native)
		timed "$log" -kernel "$LINUX/vmlinuz" -initrd "$LINUX/initramfs.cpio.gz" \
			-append "console=ttyS0 mem=${XEN_MEM_MB}M ${CMDLINE/earlyprintk=xen /}" ;;
	tessera)
		timed "$log" -kernel "$HV_BIN" -append "$TESSERA_CMDLINE" -initrd "$OUT/linux-boot.bundle" ;;
	xen-pv)
		local xcmd=${XEN_CMDLINE/dom0=pvh /}
		xcmd=${xcmd/dom0_mem=${XEN_MEM_MB}M/dom0_mem=${XEN_MEM_MB}M,max:${XEN_MEM_MB}M}
		timed "$log" -kernel "$XEN_IMAGE" -append "$xcmd" \
			-initrd "$LINUX/vmlinuz console=hvc0 $CMDLINE,$LINUX/initramfs.cpio.gz" ;;
	esac
}

KINDS="native tessera xen-pv"
echo "bench-linux: $(cat "$LINUX/version" 2>/dev/null), QEMU start to /init, $BENCH_LINUX_RUNS runs each"
for ((r = 1; r <= BENCH_LINUX_RUNS; r++)); do
	for k in $KINDS; do
		v=$(run_one "$k" "$r")
		echo "bench-linux: run $r $k: ${v:-no /init marker (see $OUT/linux-$k-$r.log)}"
		echo "$v" >"$OUT/linux-$k-$r.vals"
	done
done

# stats FIELD KIND: "median (min-max)" of one column over the runs, or "-".
stats() {
	cat "$OUT"/linux-"$2"-*.vals 2>/dev/null | awk -v f="$1" 'NF >= f { print $f }' | sort -g |
		awk '{ v[NR] = $1 } END { if (!NR) { print "-"; exit }
			printf "%.2f (%.2f-%.2f)", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
{
	echo "| Linux $(cat "$LINUX/version" 2>/dev/null) booted | QEMU start to /init, wall s | guest uptime at /init, s |"
	echo "|---|---|---|"
	echo "| natively by QEMU (-kernel bzImage) | $(stats 1 native) | $(stats 2 native) |"
	echo "| Tessera, PVH domU beside the xenstore domain | $(stats 1 tessera) | $(stats 2 tessera) |"
	echo "| Xen 4.17, PV dom0 | $(stats 1 xen-pv) | $(stats 2 xen-pv) |"
	echo
	echo "Median (min-max) of $BENCH_LINUX_RUNS runs; QEMU $("$QEMU" --version | head -n 1 | sed 's/^QEMU emulator version //'), -smp 1 -m 1G, 256 MiB for the kernel."
} >"$OUT/linux-boot.md"
echo
cat "$OUT/linux-boot.md"
