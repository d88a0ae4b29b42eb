#!/bin/bash
# Benchmark (not a test): Xen 4.17's boot in QEMU's virtual time, the reference for
# Tessera's boot cost (docs/performance.md, tests/bench/boot-cost.sh). Boots Debian's
# Xen (tests/xen/fetch-xen.sh) with the PVH test guest as its PVH dom0, under
# -icount shift=0,sleep=off (1 ns of virtual time per instruction; the RTC follows
# virtual time), so every run gives the same figures.
#
# Xen's console timestamps (console_timestamps=boot) count from the TSC it reads at
# its entry (head.S); before its TSC is calibrated it prints the raw TSC, which under
# -icount is nanoseconds since reset (QEMU's TSC follows virtual time; Xen detects
# 1000 MHz), so the first raw stamp bounds Xen's entry from above.
#
# Usage: boot-time.sh [SMP [MEM]] (1, 256M); BUILD, QEMU as for make.
set -u
cd "$(dirname "$0")/../.." || exit 2
: "${BUILD:=build}" "${QEMU:=qemu-system-x86_64}"
smp=${1:-1} mem=${2:-256M}
REF=$BUILD/xen-ref
bash tests/xen/fetch-xen.sh "$REF" || exit 2
guest=$BUILD/guests/pvh.elf
[ -f "$guest" ] || { echo "boot-time: no $guest: run make BUILD=$BUILD all" >&2; exit 2; }
log=$BUILD/xen-diff/boot-time-smp$smp-$mem.log
mkdir -p "${log%/*}"
: >"$log"
timeout 300 "$QEMU" -machine pc -cpu qemu64,+svm,+npt,+rdrand -display none -monitor none \
	-nic none -no-reboot -smp "$smp" -m "$mem" -serial "file:$log" \
	-icount shift=0,sleep=off -rtc base=2026-01-01T00:00:00,clock=vm \
	-kernel "$REF/xen-4.17-amd64" -initrd "$guest hello name=bench" \
	-append "dom0=pvh dom0-iommu=none dom0_mem=64M console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all console_timestamps=boot noreboot" \
	</dev/null >"$log.qemu" 2>&1 &
pid=$!
for ((i = 0; i < 3000; i++)); do
	sleep 0.1
	kill -0 "$pid" 2>/dev/null || break
	grep -Eq 'Hardware Dom0 (halted|crashed|shutdown)|Panic on CPU' "$log" && break
done
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

# stamp REGEX: the seconds of the first line matching REGEX ("(XEN) [    0.997959] ...").
stamp() { grep -E -- "$1" "$log" | head -n 1 | sed -n 's/^([A-Zd0-9]*) \[ *\([0-9]*\.[0-9]*\)\].*/\1/p'; }
first_raw=$(sed -n 's/^(XEN) \[\([0-9a-f]\{16\}\)\].*/\1/p' "$log" | head -n 1)
rtc=$(stamp 'Allocated console ring')
freed=$(stamp 'Freed [0-9]+kB init memory')
dom0=$(stamp '^\(d0\)')
halted=$(stamp 'Hardware Dom0 halted')
echo "Xen $(cat "$REF/version") in QEMU, $smp CPU(s), $mem, -icount shift=0,sleep=off (log: $log)"
[ -n "$first_raw" ] && printf '  first line (raw TSC, ns since reset):  %.1f ms\n' "$(echo "$((16#$first_raw)) / 1000000" | bc -l)"
echo "  on Xen's clock (seconds since its entry):"
echo "    RTC second ticked (time init done):  ${rtc:-?}"
echo "    init memory freed, dom0 started:     ${freed:-?}"
echo "    dom0's first line:                   ${dom0:-?}"
echo "    dom0 powered off:                    ${halted:-?}"
[ -n "$freed" ]
