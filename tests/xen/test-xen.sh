#!/bin/bash
# Differential run: every single-domain test kernel boots on the real Xen 4.17
# (Debian's xen-hypervisor-4.17-amd64, fetched by tests/xen/fetch-xen.sh) as
# its PVH dom0, and on Tessera as the boot domain with dom0's roles (domid 0,
# control + hardware), in the same QEMU; the two verdicts must be equal.
# `make test-xen` runs it (tests/xen/xen.mk); it is not part of `make test`.
#
# Usage: test-xen.sh LIST...
# Each LIST file has one kernel a line, `#` comments and blank lines ignored:
#   NAME ELF [CMDLINE...]
# NAME names the row (letters, digits, '-', '_', '.'); ELF is a PVH kernel
# (XEN_ELFNOTE_PHYS32_ENTRY), relative to $BUILD unless absolute; CMDLINE is
# the kernel's command line, the same on both hypervisors.
#
# A verdict is the kernel's first verdict line: "Test result: SUCCESS|FAILURE|
# SKIP|ERROR" (the unikernel's test API), or "pvh-test: SCENARIO: PASS|FAIL"
# (the PVH test guest), read as SUCCESS|FAILURE. Without one, how the domain
# ended: POWEROFF, REBOOT, SUSPEND, CRASHED, PANIC (the hypervisor panicked) or
# NONE (nothing before the timeout).
#
# Prints "NAME: Tessera=V Xen=V same|DIFFERENT" per kernel, then
# "N same, N different"; exits 1 on any difference (2 when it cannot run).
# Logs: $BUILD/xen-diff/NAME.{xen,tessera}.log. Unless XEN_ONLY is set, the
# matrix replaces the part of docs/conformance.md between its test-xen markers.
#
# Environment: BUILD (build), QEMU, XEN_ONLY (extended regex: only the kernels
# whose NAME matches), XEN_TIMEOUT (seconds per boot, 60), XEN_MEM_MB (the
# domain's memory: Xen's dom0_mem and the bundle's "memory", 64).
set -u
cd "$(dirname "$0")/../.." || exit 2
: "${BUILD:=build}" "${QEMU:=qemu-system-x86_64}"
: "${XEN_ONLY:=}" "${XEN_TIMEOUT:=60}" "${XEN_MEM_MB:=64}"
export BUILD
OUT=$BUILD/xen-diff
DOC=docs/conformance.md
QEMU_EXTRA=()
# XEN_CMDLINE, MACHINE, the end markers, run_qemu, run_xen, run_tessera:
. tests/xen/lib.sh

VERDICT_RE='Test result: (SUCCESS|FAILURE|SKIP|ERROR)|pvh-test: [A-Za-z0-9_-]+: (PASS|FAIL)'
die() {
	echo "test-xen: $*" >&2
	exit 2
}

# ending_xen LOG / ending_tessera LOG: how dom0 ended when it printed no verdict. Xen
# 4.17's dom0_shutdown() says "Hardware Dom0 halted" (poweroff), "crashed", or
# "shutdown: rebooting" (reboot and the rest); Tessera's domain_shutdown() gives the
# SHUTDOWN_* reason (public/sched.h: 0 poweroff, 1 reboot, 2 suspend, 3 crash).
ending_xen() {
	if grep -q 'Panic on CPU' "$1"; then echo PANIC
	elif grep -q 'Hardware Dom0 crashed' "$1"; then echo CRASHED
	elif grep -q 'Hardware Dom0 shutdown: rebooting' "$1"; then echo REBOOT
	elif grep -q 'Hardware Dom0 halted' "$1"; then echo POWEROFF
	else echo NONE
	fi
}
ending_tessera() {
	local reason
	reason=$(grep -Eo 'd0: shut down \(reason [0-9]+\)' "$1" | head -n 1 | sed -E 's/.*reason ([0-9]+).*/\1/')
	if grep -q '\] Panic:' "$1"; then echo PANIC
	elif grep -q 'd0: crashed' "$1"; then echo CRASHED
	else
		case $reason in
		0) echo POWEROFF ;;
		1) echo REBOOT ;;
		2) echo SUSPEND ;;
		3) echo CRASHED ;;
		'') echo NONE ;;
		*) echo "SHUTDOWN($reason)" ;;
		esac
	fi
}

# verdict LOG xen|tessera: the verdict word of a run, or how it ended without one.
verdict() {
	local line
	line=$(grep -Eo -- "$VERDICT_RE" "$1" | head -n 1)
	case $line in
	*SUCCESS | *PASS) echo SUCCESS ;;
	*FAILURE | *FAIL) echo FAILURE ;;
	*SKIP) echo SKIP ;;
	*ERROR) echo ERROR ;;
	*) "ending_$2" "$1" ;;
	esac
}

[ $# -ge 1 ] || die "usage: test-xen.sh LIST..."
[ -f "$HV_BIN" ] || die "no $HV_BIN: run make BUILD=$BUILD all"
[ -x "$MKBOOT" ] || die "no $MKBOOT: run make BUILD=$BUILD all"
bash tests/xen/fetch-xen.sh "$REF" || die "no reference Xen"
mkdir -p "$OUT"
XEN_VERSION=$(cat "$REF/version" 2>/dev/null || echo unknown)
QEMU_VERSION=$("$QEMU" --version | head -n 1 | sed 's/^QEMU emulator version //')
echo "test-xen: Xen $XEN_VERSION (Debian xen-hypervisor-4.17-amd64), QEMU $QEMU_VERSION"

names=() elfs=() cmdlines=()
for list in "$@"; do
	[ -f "$list" ] || die "no kernel list $list"
	while read -r name elf cmdline; do
		case $name in '' | \#*) continue ;; esac
		[[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || die "$list: bad kernel name '$name'"
		[ -n "$elf" ] || die "$list: $name has no ELF"
		[ -n "$XEN_ONLY" ] && ! [[ $name =~ $XEN_ONLY ]] && continue
		case $elf in /*) ;; *) elf=$BUILD/$elf ;; esac
		names+=("$name") elfs+=("$(realpath -m "$elf")") cmdlines+=("$cmdline")
	done <"$list"
done
[ ${#names[@]} -gt 0 ] || die "no kernels to run${XEN_ONLY:+ (XEN_ONLY=$XEN_ONLY)}"

same=0 different=0 rows=()
for i in "${!names[@]}"; do
	name=${names[$i]} elf=${elfs[$i]} cmdline=${cmdlines[$i]}
	if [ ! -f "$elf" ]; then
		tv=NOKERNEL xv=NOKERNEL
	else
		# The two boots are independent: run them side by side.
		run_xen "$name" "$elf" "$cmdline" &
		run_tessera "$name" "$elf" "$cmdline"
		wait
		tv=$(verdict "$OUT/$name.tessera.log" tessera)
		xv=$(verdict "$OUT/$name.xen.log" xen)
	fi
	if [ "$tv" = "$xv" ] && [ "$tv" != NOKERNEL ]; then
		same=$((same + 1)) cmp=same
	else
		different=$((different + 1)) cmp=DIFFERENT
	fi
	echo "$name: Tessera=$tv Xen=$xv $cmp"
	[ "$cmp" = same ] || echo "    logs: $OUT/$name.tessera.log $OUT/$name.xen.log"
	rows+=("| \`$name\` | \`${cmdline:-(none)}\` | $tv | $xv | $cmp |")
done
echo "$same same, $different different"

# The Xen section of docs/conformance.md, between its markers (the rest of the file
# belongs to the conformance suite's own generator).
if [ -z "$XEN_ONLY" ]; then
	BEGIN='<!-- test-xen: begin (generated by make test-xen; edit tests/xen/test-xen.sh) -->'
	END='<!-- test-xen: end -->'
	section=$OUT/conformance-xen.md
	{
		echo "$BEGIN"
		echo "## Against Xen 4.17"
		echo
		echo "\`make test-xen\` (\`tests/xen/\`) boots every single-domain test kernel twice in QEMU"
		echo "$QEMU_VERSION (\`-cpu qemu64,+svm,+npt,+rdrand\`, 1 CPU, 1 GiB): as the PVH dom0 of Debian's"
		echo "Xen $XEN_VERSION (package \`xen-hypervisor-4.17-amd64\`, fetched with \`apt-get download\`"
		echo "into \`build/xen-ref/\`, never installed), and on Tessera as the one boot domain with dom0's"
		echo "domid and roles (0; control and hardware, so SIF_INITDOMAIN on both). The kernel's command"
		echo "line is the same on both. Xen's command line:"
		echo
		echo "    $XEN_CMDLINE"
		echo
		echo "The two verdicts must be equal; a"
		echo "difference is a wrong test or a bug in Tessera, or, once decided, a deliberate difference"
		echo "recorded in [abi.md](abi.md). It is not part of \`make test\`: it downloads Xen (2.3 MB)."
		echo
		echo "A verdict is the kernel's first verdict line, \`Test result: SUCCESS|FAILURE|SKIP|ERROR\`"
		echo "(\`pvh-test: NAME: PASS|FAIL\` of the PVH test guest reads as SUCCESS|FAILURE). Without one,"
		echo "the column says how the domain ended: POWEROFF, REBOOT, SUSPEND, CRASHED, PANIC (the"
		echo "hypervisor's) or NONE (nothing within the timeout). On Xen, dom0's \`CONSOLEIO_write\` text"
		echo "reaches the serial line as it is, and its port 0xE9 bytes as \`(d0)\` lines. Logs:"
		echo "\`build/xen-diff/NAME.{xen,tessera}.log\`; \`XEN_ONLY=REGEX\` runs only the matching kernels"
		echo "(and leaves this file alone). The kernels come from the list files in"
		echo "\`XEN_SINGLE_DOMAIN_LISTS\` (\`tests/xen/xen.mk\`; lines \`NAME ELF CMDLINE\`)."
		echo
		echo "On a triple fault both shut an HVM or PVH domain down with \`HVM_PARAM_TRIPLE_FAULT_REASON\`,"
		echo "SHUTDOWN_reboot by default (\`pvh-triple-fault\`: REBOOT on both)."
		echo
		echo "| kernel | command line | Tessera | Xen 4.17 | |"
		echo "|---|---|---|---|---|"
		printf '%s\n' "${rows[@]}"
		echo
		echo "$same same, $different different."
		echo "$END"
	} >"$section"
	if [ ! -f "$DOC" ]; then
		{
			echo "# Conformance"
			echo
			cat "$section"
		} >"$DOC"
	elif grep -qF -- '<!-- test-xen: begin' "$DOC"; then
		awk -v f="$section" '
			/<!-- test-xen: begin/ { while ((getline l < f) > 0) print l; skip = 1; next }
			/<!-- test-xen: end -->/ { skip = 0; next }
			!skip' "$DOC" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
	else
		{
			echo
			cat "$section"
		} >>"$DOC"
	fi
	echo "test-xen: matrix written to $DOC"
fi
[ "$different" -eq 0 ]
