#!/bin/bash
# Shell functions shared by the runs that boot one PVH kernel on Debian's Xen 4.17
# (as its PVH dom0) and on Tessera (as the one boot domain with dom0's domid and
# roles) in the same QEMU: tests/xen/test-xen.sh (verdicts) and tests/bench/run.sh
# (benchmarks). Source it from the top of the tree.
#
# Set before calling: BUILD, QEMU, OUT (logs and plans go there), XEN_TIMEOUT
# (seconds per boot), XEN_MEM_MB (Xen's dom0_mem and the bundle's "memory"), and
# optionally QEMU_EXTRA (an array of more QEMU arguments, e.g. -icount ...).
: "${BUILD:=build}" "${QEMU:=qemu-system-x86_64}"
: "${XEN_TIMEOUT:=60}" "${XEN_MEM_MB:=64}"
REF=$BUILD/xen-ref
XEN_IMAGE=$REF/xen-4.17-amd64
HV_BIN=$BUILD/tessera.bin
MKBOOT=$BUILD/tools/mkboot

# Xen 4.17's command line (docs/misc/xen-command-line.pandoc): a PVH dom0 without an
# IOMMU (QEMU's pc machine has none), everything on COM1, every guest line kept,
# no reboot on dom0's shutdown (Xen then prints "Hardware Dom0 halted" and stops).
XEN_CMDLINE="dom0=pvh dom0-iommu=none dom0_mem=${XEN_MEM_MB}M console=com1 com1=115200,8n1 \
loglvl=all guest_loglvl=all console_timestamps=boot noreboot"
TESSERA_CMDLINE="loglvl=info"
# shellcheck disable=SC2054 # commas inside QEMU options
MACHINE=(-machine pc -cpu qemu64,+svm,+npt,+rdrand -display none -monitor none -nic none
	-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 -smp 1 -m 1G)
# QEMU's virtual time counts instructions (1 ns each) and the RTC follows it: runs repeat exactly.
# shellcheck disable=SC2034,SC2054 # used by the scripts that source it; commas inside QEMU options
ICOUNT=(-icount shift=0,sleep=off -rtc base=2026-01-01T00:00:00,clock=vm)

# The end of a run: Xen's dom0 shutdown or crash ("Hardware Dom0 halted|crashed"), its
# panic; Tessera's domain shutdown or crash (common/domain.c), its panic (common/panic.c).
XEN_END_RE='Hardware Dom0 (halted|crashed|shutdown)|Panic on CPU'
TESSERA_END_RE='d0: (shut down \(reason [0-9]+\)|crashed)|\] Panic:'

# run_qemu LOG END_RE QEMU-ARGS...: boots in the background and stops QEMU (by its
# process id) once LOG matches END_RE, QEMU ends by itself, or XEN_TIMEOUT passes.
run_qemu() {
	local log=$1 end_re=$2 pid i
	shift 2
	: >"$log"
	timeout "$XEN_TIMEOUT" "$QEMU" "${MACHINE[@]}" "${QEMU_EXTRA[@]}" -serial "file:$log" "$@" \
		</dev/null >"$log.qemu" 2>&1 &
	pid=$!
	for ((i = 0; i < XEN_TIMEOUT * 10; i++)); do
		sleep 0.1
		kill -0 "$pid" 2>/dev/null || break
		grep -Eq -- "$end_re" "$log" && break
	done
	sleep 0.3 # the lines that follow the end marker
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# json_str S: S as a JSON string.
json_str() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$s"
}

# run_xen NAME ELF CMDLINE: QEMU's Multiboot loader gives Xen the module; Xen drops the
# module string's first word (the file name) and hands the rest to dom0 as its command line.
# Log: $OUT/NAME.xen.log.
run_xen() {
	local name=$1 elf=$2 cmdline=$3
	# QEMU's -initrd separates modules with ',' and takes ',,' for a comma.
	run_qemu "$OUT/$name.xen.log" "$XEN_END_RE" \
		-kernel "$XEN_IMAGE" -append "$XEN_CMDLINE" -initrd "${elf//,/,,} ${cmdline//,/,,}"
}

# run_tessera NAME ELF CMDLINE: one boot domain with dom0's domid and roles.
# Log: $OUT/NAME.tessera.log (the mkboot output, if the bundle could not be made).
run_tessera() {
	local name=$1 elf=$2 cmdline=$3
	local plan=$OUT/$name.json bundle=$OUT/$name.bundle
	{
		printf '{"format": 1, "domains": [{"name": "test-kernel", "domid": 0, '
		printf '"roles": ["control", "hardware"], "mode": "pvh", "memory": %s, "vcpus": 1, ' "$XEN_MEM_MB"
		printf '"kernel": %s, "cmdline": %s}]}\n' "$(json_str "$elf")" "$(json_str "$cmdline")"
	} >"$plan"
	if ! "$MKBOOT" "$plan" --base / -o "$bundle" >"$OUT/$name.mkboot.log" 2>&1; then
		cp "$OUT/$name.mkboot.log" "$OUT/$name.tessera.log"
		return
	fi
	run_qemu "$OUT/$name.tessera.log" "$TESSERA_END_RE" \
		-kernel "$HV_BIN" -append "$TESSERA_CMDLINE" -initrd "$bundle"
}
