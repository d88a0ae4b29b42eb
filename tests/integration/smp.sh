#!/bin/bash
# Local APIC, TSC time and SMP bring-up: with 1, 2 and 4 CPUs (xAPIC) and 4
# CPUs in x2APIC mode, every CPU comes online, the TSC is calibrated, console
# timestamps advance once it is, and the smp_ipi and apic_timer self-tests pass.
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh
use_test_build smp-prerequisites || exit 0 # its self-tests

CPU_BASE=qemu64,+svm,+npt,+rdrand

run_case() {
	local name=$1 smp=$2 cpu=$3 mode=$4
	boot "$name" "$smp" 256M "loglvl=info selftest=smp_ipi,apic_timer test-exit" "" 120 -cpu "$cpu"
	local ok=0 why=
	if [ "$status" -ne "$EXIT_SUCCESS" ]; then
		ok=1 why=$(why_status)
	elif ! has "TSC: [1-9][0-9]* MHz"; then
		ok=1 why="no TSC calibration line"
	elif ! has "APIC: boot CPU APIC ID [0-9]+, $mode mode"; then
		ok=1 why="local APIC not in $mode mode"
	elif ! has "Boot complete: $smp CPUs? online"; then
		ok=1 why="expected $smp CPUs online"
	elif [ "$(grep -cE 'CPU[0-9]+: APIC ID [0-9]+ online' "$log")" -ne "$smp" ]; then
		ok=1 why="expected one 'CPUn: APIC ID m online' line per CPU"
	elif ! has "selftest smp_ipi: PASS" || ! has "selftest apic_timer: PASS"; then
		ok=1 why="a self-test did not pass"
	# Lines after the TSC line carry a non-zero timestamp.
	elif ! sed -n '/TSC: /,$p' "$log" | tail -n +2 | grep -Eq '^\[ *[0-9]+\.[0-9]{6}\]' ||
		sed -n '/TSC: /,$p' "$log" | tail -n +2 | grep -Eq '^\[ *0\.000000\]'; then
		ok=1 why="timestamps after calibration are zero"
	fi
	report "$name" $ok "$why"
}

# The boot command line above is passed with -append; -cpu given last overrides lib.sh's.
for smp in 1 2 4; do
	run_case "smp$smp-xapic" "$smp" "$CPU_BASE" xAPIC
done
run_case "smp4-x2apic" 4 "$CPU_BASE,+x2apic" x2APIC
