#!/bin/bash
# The virtual x2APIC, secondary vCPUs, guest time and boot-domain teardown,
# with the guest of tests/guests/lapic (bundles from its plans/, built by make
# into $BUILD/guests/lapic/plans/):
#  - lapic-smp(-1cpu): a 3-vCPU domain on 2 (and 1) host CPUs: every vCPU's
#    x2APIC ID equals the MADT's; vCPU 1 starts by VCPUOP_initialise/up and
#    vCPU 2 by INIT-SIPI; both IPI vCPU 0 through the x2APIC ICR; self-IPI.
#  - lapic-timer: a singleshot timer 10 ms ahead wakes the guest from HLT via
#    VIRQ_TIMER and its per-vCPU upcall vector; >= 10 ms elapsed (pvclock).
#  - lapic-teardown: boot-domain-exit=destroy destroys two hello domains and
#    the heap's free page count ends where it was before they were built.
#  - lapic-keep: by default (keep) a shut-down domain is not destroyed.
# QEMU is stopped (by its own process id) once the log holds every expected
# line, a guest FAIL verdict or a panic, or at the timeout.
here=$(cd "$(dirname "$0")" && pwd)
cd "${here%/tests/*}" && . tests/integration/lib.sh

PLANS=$BUILD/guests/lapic/plans
GUEST_FAIL_RE='lapic-test: [a-z]+: FAIL'

# run NAME SMP BUNDLE CMDLINE TIMEOUT REGEX...: boot, wait for every REGEX (or panic/FAIL/exit).
run() {
	local name=$1 smp=$2 bundle=$3 cmdline=$4 tmo=$5
	shift 5
	boot_until "$name" "$smp" 256M "loglvl=info $cmdline" "$bundle" "$tmo" "$GUEST_FAIL_RE" "$@"
}

# lapic_case NAME PLAN SMP CMDLINE REGEX...
lapic_case() {
	local name=$1 bundle=$PLANS/$2.bundle smp=$3 cmdline=$4
	shift 4
	if [ ! -f "$bundle" ] || [ ! -f "$HV_BIN" ]; then
		log=/dev/null status=0
		report "$name" 1 "no $bundle or $HV_BIN: run make BUILD=$BUILD all"
		return 1
	fi
	run "$name" "$smp" "$bundle" "$cmdline" 60 "$@"
	check_all "$name" "$@"
}

SMP_RE=('\(lapic-smp\) vcpu0: x2apic id 0, madt 0, cpuid initial id 0, apic base fee00d00'
	'\(lapic-smp\) vcpu1: up \(VCPUOP_up\), x2apic id 2, madt 2'
	'\(lapic-smp\) vcpu2: up \(INIT-SIPI\), x2apic id 4, madt 4'
	'\(lapic-smp\) vcpu0: IPI f0 from vcpu1 received' '\(lapic-smp\) vcpu0: IPI f1 from vcpu2 received'
	'\(lapic-smp\) lapic-test: smp: PASS' 'd1: shut down \(reason 0\)')
lapic_case lapic-smp smp 2 "" "${SMP_RE[@]}"
lapic_case lapic-smp-1cpu smp 1 "" "${SMP_RE[@]}"

lapic_case lapic-timer timer 2 "" '\(lapic-timer\) port 0x42 reads 0' \
	'\(lapic-timer\) timer: upcall 1 after [0-9]+ us' '\(lapic-timer\) lapic-test: timer: PASS' \
	'd1: shut down \(reason 0\)'

# Teardown: the free count after the last destroy equals the one before building.
if lapic_case lapic-teardown-run hello-two 2 "boot-domain-exit=destroy" \
	'\(lapic-a\) lapic-test: hello: PASS' '\(lapic-b\) lapic-test: hello: PASS' \
	'd1: destroyed, [0-9]+ pages returned' 'd2: destroyed, [0-9]+ pages returned'; then
	before=$(grep -Eo 'heap free pages before building: [0-9]+' "$log" | grep -Eo '[0-9]+$')
	after=$(grep -Eo 'heap free pages back to [0-9]+' "$log" | tail -n 1 | grep -Eo '[0-9]+$')
	if [ -n "$before" ] && [ "$before" = "$after" ]; then
		report lapic-teardown-pages 0
	else
		report lapic-teardown-pages 1 "free pages before building ${before:-?}, after destroying ${after:-?}"
	fi
fi

# keep (the default): shut down, not destroyed.
if lapic_case lapic-keep-run hello-two 2 "" 'd1: shut down \(reason 0\)' 'd2: shut down \(reason 0\)'; then
	sleep 0.3
	! has 'd[12]: destroyed'
	report lapic-keep-not-destroyed $? "a domain was destroyed without boot-domain-exit=destroy"
fi
