#!/bin/bash
# SVM with nested paging on QEMU's software CPU (-cpu qemu64,+svm,+npt): the
# hypervisor detects it ("HVM: SVM with NPT"), and the svm_basic self-test
# runs a hand-made guest (port 0xE9 output, CPUID, a port read, a hypercall,
# a triple fault) in a throwaway domain, checks its exits and that the
# domain's destruction returns every page. With 1 and 2 CPUs.
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh
use_test_build svm-prerequisites || exit 0 # its self-tests

for smp in 1 2; do
	name=svm-smp$smp
	boot "$name" "$smp" 256M "loglvl=info selftest=svm_basic test-exit" "" 120
	ok=0 why=
	if ! has "HVM: SVM with NPT, [0-9]+ ASIDs"; then
		ok=1 why="no 'HVM: SVM with NPT' line"
	elif [ "$status" -ne "$EXIT_SUCCESS" ]; then
		ok=1 why=$(why_status)
	elif ! has "selftest svm_basic: PASS"; then
		ok=1 why="no 'selftest svm_basic: PASS'"
	elif ! has "\(svmtest\) A\b" || ! has "\(svmtest\) OK\b"; then
		ok=1 why="the guest's port 0xE9 output is missing"
	elif ! has "\(svmtest\) E\b"; then
		ok=1 why="the event-channel upcall was not delivered by the callback vector"
	elif ! has "triple fault \(rip [0-9a-fx]+\): HVM shutdown action 1"; then
		ok=1 why="no triple-fault shutdown (reboot action, as Xen) message"
	fi
	report "$name" $ok "$why"
done
