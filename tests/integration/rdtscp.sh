#!/bin/bash
# RDTSCP and TSC_AUX when the CPU offers them (issue 14 item 14): the conformance
# kernel conf-cpu on a QEMU CPU with RDTSCP (+rdtscp), where the guest's CPUID offers
# it too. RDTSCP must give the vCPU's own TSC_AUX, not the host's: the hypervisor
# intercepts it, and also loads the vCPU's TSC_AUX into the CPU while it runs, because
# QEMU's TCG reads the MSR for RDTSCP without checking that intercept. (make
# test-guests runs the same kernel without RDTSCP: #UD and #GP.)
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh

name=rdtscp
QEMU_CPU=qemu64,+svm,+npt,+rdrand,+rdtscp
boot_until "$name" 1 256M "loglvl=info" "$BUILD/guests/conf/plans/cpu.bundle" 60 \
	'Test result: (FAILURE|ERROR)' 'Test result: SUCCESS'
check_line "$name: RDTSCP gives the vCPU's own TSC_AUX" \
	'test rdtscp_and_tsc_aux: PASS \(6 checks\)' "no 6-check PASS of rdtscp_and_tsc_aux"
check_line "$name: conf-cpu passes with RDTSCP offered" '\(d1\) Test result: SUCCESS' \
	"no SUCCESS from conf-cpu"
