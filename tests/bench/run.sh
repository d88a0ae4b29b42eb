#!/bin/bash
# make bench (never part of make test): what crossing a boundary costs on Tessera,
# side by side with Debian's Xen 4.17 in the same QEMU. docs/performance.md reads
# the table this prints.
#
# The benchmark guest ($BUILD/guests/bench.elf, tests/bench/bench.c) boots as the one
# boot domain with dom0's domid and roles on Tessera and as the PVH dom0 of Xen 4.17
# (tests/xen/lib.sh, as make test-xen), and prints "BENCH NAME VALUE UNIT ITERATIONS"
# lines. Two-domain figures (ping-pong, four boot domains) run on Tessera only: the
# Xen reference boots one dom0 and no toolstack.
#
# Two clocks: wall time (BENCH_RUNS runs each, 5 by default; the median), and QEMU's
# virtual time under -icount shift=0,sleep=off -rtc ...,clock=vm (1 ns per executed
# instruction: path lengths), run twice to check that it repeats exactly.
# Boots run one at a time, so each QEMU has a host CPU to itself.
#
# Output: the table on stdout and in $BUILD/bench/report.md; per-run values in
# $BUILD/bench/*.vals, logs in $BUILD/bench/*.log. Then the hypervisor boot-cost
# table (tests/bench/boot-cost.sh) unless BENCH_BOOT_COST=0, and QEMU start to Linux's
# /init (tests/bench/linux-boot.sh) unless BENCH_LINUX=0.
#
# Environment: BUILD, QEMU, BENCH_RUNS (5), BENCH_TIMEOUT (seconds per boot, 300).
set -u
cd "$(dirname "$0")/../.." || exit 2
: "${BUILD:=build}" "${QEMU:=qemu-system-x86_64}" "${BENCH_RUNS:=5}" "${BENCH_BOOT_COST:=1}"
export BUILD
OUT=$BUILD/bench
XEN_TIMEOUT=${BENCH_TIMEOUT:-300}
XEN_MEM_MB=64
QEMU_EXTRA=()
. tests/xen/lib.sh

die() {
	echo "bench: $*" >&2
	exit 2
}

ELF=$BUILD/guests/bench.elf
{ [ -f "$HV_BIN" ] && [ -f "$ELF" ] && [ -x "$MKBOOT" ]; } || die "run make BUILD=$BUILD all first"
for p in pingpong pingpong-fifo create4; do
	[ -f "$OUT/plans/$p.bundle" ] || die "no $OUT/plans/$p.bundle: run make BUILD=$BUILD all"
done
bash tests/xen/fetch-xen.sh "$REF" || die "no reference Xen"
ELF=$(realpath "$ELF")
mkdir -p "$OUT"

# bench_val LOG NAME: VALUE of the first "BENCH NAME VALUE ..." line.
bench_val() {
	awk -v n="$2" '{ for (i = 1; i < NF; i++) if ($i == "BENCH" && $(i + 1) == n) { print $(i + 2); exit } }' "$1"
}
# t_stamp LOG REGEX / x_stamp LOG REGEX: seconds of the first matching Tessera ("[ s.us] ")
# or Xen ("(XEN) [ s.us] ") log line.
t_stamp() { grep -E -- "$2" "$1" | head -n 1 | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p'; }
x_stamp() { grep -E -- "$2" "$1" | head -n 1 | sed -n 's/^(XEN) \[ *\([0-9]*\.[0-9]*\)\].*/\1/p'; }
# calc EXPR: awk arithmetic, empty when an operand is missing.
calc() { awk "BEGIN { printf \"%.6g\", $* }" 2>/dev/null; }

# The figures every single-domain run gives (the same names on both).
SINGLE_KEYS="null-hypercall evtchn-self evtchn-self-fifo gcopy-4k-b1 gcopy-4k-b64 gcopy-64-b1 gcopy-64-b64 gmap-unmap"

# single_vals LOG: "KEY VALUE" lines of a single-domain run, common to both hypervisors.
single_vals() {
	local log=$1 k v
	for k in $SINGLE_KEYS; do
		v=$(bench_val "$log" "$k")
		echo "$k ${v:-}"
	done
	# Hypervisor memory: RAM less what is free and what the domain holds.
	local free own
	free=$(bench_val "$log" mem-free-pages) own=$(bench_val "$log" mem-own-pages)
	echo "ram-kib $RAM_KIB"
	[ -n "$free" ] && [ -n "$own" ] && [ -n "$RAM_KIB" ] && echo "footprint-kib $((RAM_KIB - (free + own) * 4))"
}

# ram_kib LOG: Tessera's RAM from its memory map lines ("[ 0.000000]   START - END (RAM)").
ram_kib() {
	local start end t=0
	while read -r start end; do
		t=$((t + 16#$end - 16#$start))
	done < <(sed -n 's/^\[ *[0-9.]*\] *\([0-9a-f]\{16\}\) - \([0-9a-f]\{16\}\) (RAM).*/\1 \2/p' "$1")
	[ "$t" -gt 0 ] && echo $((t / 1024))
}

tessera_single() {
	local name=$1 log=$OUT/$1.tessera.log e s0 s1
	run_tessera "$name" "$ELF" "name=bench run=single"
	RAM_KIB=$(ram_kib "$log")
	{
		single_vals "$log"
		# QEMU's TSC counts from reset and Tessera passes it through.
		e=$(bench_val "$log" entry-tsc)
		[ -n "$e" ] && echo "entry-ms $(calc "$e / 1e6")"
		s0=$(t_stamp "$log" 'boot domains: heap free pages before building')
		s1=$(t_stamp "$log" "d0 '[^']*': PVH.*built")
		[ -n "$s0" ] && [ -n "$s1" ] && echo "create-ms $(calc "($s1 - $s0) * 1000")"
		grep -q 'BENCH done' "$log" || echo "incomplete 1"
	} >"$OUT/$name.tessera.vals"
}

xen_single() {
	local name=$1 log=$OUT/$1.xen.log raw mhz sys s0 s1
	run_xen "$name" "$ELF" "name=bench run=single"
	RAM_KIB=$(sed -n 's/.*System RAM: [0-9]*MB (\([0-9]*\)kB).*/\1/p' "$log" | head -n 1)
	{
		single_vals "$log"
		# Xen offsets the guest TSC; its system time counts from its entry, which its first
		# raw-TSC log line bounds from above (cycles since reset at the detected MHz).
		raw=$(sed -n 's/^(XEN) \[\([0-9a-f]\{16\}\)\].*/\1/p' "$log" | head -n 1)
		mhz=$(sed -n 's/.*Detected \([0-9.]*\) MHz processor.*/\1/p' "$log" | head -n 1)
		sys=$(bench_val "$log" entry-systime)
		[ -n "$raw" ] && [ -n "$mhz" ] && [ -n "$sys" ] &&
			echo "entry-ms $(calc "$((16#$raw)) / ($mhz * 1000) + $sys / 1e6")"
		s0=$(x_stamp "$log" 'd0 has maximum [0-9]+ PIRQs')
		s1=$(x_stamp "$log" 'WARNING: PVH is an experimental mode')
		[ -n "$s0" ] && [ -n "$s1" ] && echo "create-ms $(calc "($s1 - $s0) * 1000")"
		grep -q 'BENCH done' "$log" || echo "incomplete 1"
	} >"$OUT/$name.xen.vals"
}

# tessera_plans NAME: the two-domain ping-pong and the four-domain creation plan.
tessera_plans() {
	local name=$1 log b a s0 s1 n
	log=$OUT/$name-pingpong.tessera.log
	run_qemu "$log" 'd2: (shut down|crashed)|\] Panic:' \
		-kernel "$HV_BIN" -append "$TESSERA_CMDLINE" -initrd "$OUT/plans/pingpong.bundle"
	echo "pingpong $(bench_val "$log" pingpong)" >"$OUT/$name.plans.vals"
	log=$OUT/$name-pingpong-fifo.tessera.log
	run_qemu "$log" 'd2: (shut down|crashed)|\] Panic:' \
		-kernel "$HV_BIN" -append "$TESSERA_CMDLINE" -initrd "$OUT/plans/pingpong-fifo.bundle"
	echo "pingpong-fifo $(bench_val "$log" pingpong-fifo)" >>"$OUT/$name.plans.vals"
	log=$OUT/$name-create4.tessera.log
	run_qemu "$log" 'd4: (shut down|crashed)|\] Panic:' \
		-kernel "$HV_BIN" -append "$TESSERA_CMDLINE" -initrd "$OUT/plans/create4.bundle"
	b=$(sed -n 's/.*heap free pages before building: \([0-9]*\).*/\1/p' "$log" | head -n 1)
	a=$(sed -n 's/.*\([0-9]\) built; heap free pages after building: \([0-9]*\).*/\2/p' "$log" | head -n 1)
	n=$(grep -c "d[0-9]* 'bench-c[0-9]': PVH.*built" "$log")
	s0=$(t_stamp "$log" 'boot domains: heap free pages before building')
	s1=$(t_stamp "$log" 'boot domains: [0-9]+ built; heap free pages after')
	{
		# Each domain has 32 MiB (32768 KiB) of RAM; the rest is the hypervisor's per domain.
		[ -n "$b" ] && [ -n "$a" ] && [ "$n" = 4 ] && echo "perdomain-kib $(((b - a) * 4 / n - 32768))"
		[ -n "$s0" ] && [ -n "$s1" ] && [ "$n" = 4 ] && echo "create4-ms $(calc "($s1 - $s0) * 1000 / 4")"
	} >>"$OUT/$name.plans.vals"
}

QEMU_VERSION=$("$QEMU" --version | head -n 1 | sed 's/^QEMU emulator version //')
XEN_VERSION=$(cat "$REF/version" 2>/dev/null || echo unknown)
echo "bench: Tessera and Xen $XEN_VERSION in QEMU $QEMU_VERSION; $BENCH_RUNS wall-time runs and 2 -icount runs each"
for ((r = 1; r <= BENCH_RUNS; r++)); do
	echo "bench: wall-time run $r of $BENCH_RUNS"
	QEMU_EXTRA=()
	tessera_single "wall$r"
	xen_single "wall$r"
	tessera_plans "wall$r"
done
for r in 1 2; do
	echo "bench: -icount run $r of 2"
	QEMU_EXTRA=("${ICOUNT[@]}")
	tessera_single "icount$r"
	xen_single "icount$r"
	tessera_plans "icount$r"
done

# get FILE KEY: the value, or empty.
get() { awk -v k="$2" '$1 == k { print $2; exit }' "$1" 2>/dev/null; }
# median KIND HV KEY (KIND wall: the median over the runs; icount: run 1).
median() {
	local kind=$1 hv=$2 key=$3 r v vals=()
	if [ "$kind" = icount ]; then
		get "$OUT/icount1.$hv.vals" "$key"
		return
	fi
	for ((r = 1; r <= BENCH_RUNS; r++)); do
		v=$(get "$OUT/wall$r.$hv.vals" "$key")
		[ -n "$v" ] && vals+=("$v")
	done
	[ ${#vals[@]} -gt 0 ] || return
	printf '%s\n' "${vals[@]}" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# figure VALUE CONVERSION: the reported number (ns/op to a rate where asked).
figure() {
	local v=$1 conv=$2
	[ -n "$v" ] || return
	case $conv in
	id) calc "$v" ;;
	rate) calc "1e9 / $v" ;;
	mbs:*) calc "${conv#mbs:} * 1000 / $v" ;;
	esac
}
fmt() { [ -n "$1" ] && awk -v v="$1" 'BEGIN { if (v >= 100) printf "%.0f", v; else if (v >= 10) printf "%.1f", v; else printf "%.3g", v }' || echo "–"; }

# ROWS: LABEL|UNIT|KEY|SOURCE (single: both; plans: Tessera only)|CONVERSION|AIM
ROWS="null hypercall (xen_version)|ns/call|null-hypercall|single|id|T/X <= 0.5 (icount)
event send-to-self + upcall, 2-level|ns/event|evtchn-self|single|id|–
event send-to-self + upcall, FIFO|ns/event|evtchn-self-fifo|single|id|–
interdomain ping-pong, 2-level (2 domains, Tessera only)|round trips/s|pingpong|plans|rate|>= 1.5x Xen (no Xen figure)
interdomain ping-pong, FIFO (2 domains, Tessera only)|round trips/s|pingpong-fifo|plans|rate|–
grant copy 4 KiB, batch 1|MB/s|gcopy-4k-b1|single|mbs:4096|T/X >= 1
grant copy 4 KiB, batch 64|MB/s|gcopy-4k-b64|single|mbs:262144|T/X >= 1
grant copy 64 B, batch 1|MB/s|gcopy-64-b1|single|mbs:64|T/X >= 1
grant copy 64 B, batch 64|MB/s|gcopy-64-b64|single|mbs:4096|T/X >= 1
grant map+unmap (self-grant)|pairs/s|gmap-unmap|single|rate|T/X >= 1.5
boot to first guest instruction (since reset)|ms|entry-ms|single|id|T/X < 0.1
domain build, one 64 MiB domain (log stamps)|ms|create-ms|single|id|–
domain build per domain, 4 x 32 MiB (Tessera only)|ms|create4-ms|plans|id|–
hypervisor memory (RAM - free - domain's)|KiB|footprint-kib|single|id|–
per-domain overhead beyond guest RAM (Tessera only)|KiB|perdomain-kib|plans|id|–"

REPORT=$OUT/report.md
{
	echo "| figure | unit | Tessera wall | Xen wall | T/X wall | Tessera icount | Xen icount | T/X icount | aim |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
	while IFS='|' read -r label unit key src conv aim; do
		hv_t=tessera
		[ "$src" = plans ] && hv_t=plans
		tw=$(figure "$(median wall "$hv_t" "$key")" "$conv")
		ti=$(figure "$(median icount "$hv_t" "$key")" "$conv")
		xw="" xi="" rw="" ri=""
		if [ "$src" = single ]; then
			xw=$(figure "$(median wall xen "$key")" "$conv")
			xi=$(figure "$(median icount xen "$key")" "$conv")
			[ -n "$tw" ] && [ -n "$xw" ] && rw=$(calc "$tw / $xw")
			[ -n "$ti" ] && [ -n "$xi" ] && ri=$(calc "$ti / $xi")
		fi
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$unit" "$(fmt "$tw")" \
			"$(fmt "$xw")" "$(fmt "$rw")" "$(fmt "$ti")" "$(fmt "$xi")" "$(fmt "$ri")" "$aim"
	done <<<"$ROWS"
	echo
	echo "Wall: median of $BENCH_RUNS runs; icount: virtual time under \`${ICOUNT[*]}\` (1 ns per"
	echo "instruction, so ns figures are instruction counts and rates are per 10^9 instructions)."
	echo "Each icount run done twice:"
	for f in tessera xen plans; do
		if cmp -s "$OUT/icount1.$f.vals" "$OUT/icount2.$f.vals"; then
			echo "- $f: identical"
		else
			echo "- $f: DIFFERENT: $(diff "$OUT/icount1.$f.vals" "$OUT/icount2.$f.vals" | grep '^[<>]' | tr '\n' ' ')"
		fi
	done
	echo
	echo "QEMU $QEMU_VERSION (\`-machine pc -cpu qemu64,+svm,+npt,+rdrand -smp 1 -m 1G\`), Xen $XEN_VERSION"
	echo "(\`$XEN_CMDLINE\`), Tessera \`$TESSERA_CMDLINE\`; host: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)."
	for f in "$OUT"/*.vals; do
		grep -q '^incomplete' "$f" && echo "WARNING: $(basename "$f" .vals) did not finish (see its log)"
	done
} >"$REPORT"
echo
cat "$REPORT"
echo "bench: report written to $REPORT"

if [ "$BENCH_BOOT_COST" != 0 ]; then
	echo
	echo "bench: hypervisor boot cost without a bundle (tests/bench/boot-cost.sh)"
	bash tests/bench/boot-cost.sh
fi

if [ "${BENCH_LINUX:-1}" != 0 ]; then
	echo
	if [ -f "$BUILD/linux/vmlinux" ]; then
		echo "bench: QEMU start to Linux's /init (tests/bench/linux-boot.sh)"
		bash tests/bench/linux-boot.sh
	else
		echo "bench: no $BUILD/linux/vmlinux (make linux could not fetch the kernel): no Linux boot figures"
	fi
fi
