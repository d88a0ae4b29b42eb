#!/bin/bash
# What a hostile PVH guest may do to the physical CPU (hypervisor/arch/x86/
# hvm/svm/selftest_hostile.c): INVD, WBINVD and #DB must exit to the hypervisor (INVD
# and WBINVD would drop or flush other domains' dirty cache lines; a #DB/#AC raised by its own
# delivery hangs a CPU that does not intercept it, CVE-2015-8104/5307), the
# #DB must still reach the guest's handler, and the domain's teardown must
# return every page. A flood of port 0xE9 output is cut by the domain's
# console rate limit. A VMCB that VMRUN refuses crashes only that domain,
# recognised as VMEXIT_INVALID also as QEMU reports it (0xffffffff).
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh
use_test_build svm-hostile-prerequisites || exit 0 # its self-tests

name=svm-hostile
boot "$name" 1 256M "loglvl=info selftest=svm_hostile test-exit" "" 120
ok=0 why=
if [ "$status" -ne "$EXIT_SUCCESS" ]; then
	ok=1 why=$(why_status)
elif ! has "selftest svm_hostile: PASS"; then
	ok=1 why="no 'selftest svm_hostile: PASS'"
elif ! has "\(svmhostile\) D\b"; then
	ok=1 why="the guest's #DB handler did not run"
elif ! has "crashed: VMRUN refused the guest state"; then
	ok=1 why="a VMCB VMRUN refuses was not handled as VMEXIT_INVALID (QEMU: 0xffffffff)"
else
	# 512 lines of 64 bytes on port 0xE9; the rate limit (16 KiB burst, 8 KiB/s) lets ~256 out.
	lines=$(grep -c "(svmhostile) xxxx" "$log")
	if [ "$lines" -lt 64 ] || [ "$lines" -gt 320 ]; then
		ok=1 why="$lines of the 512 flood lines reached the log (want the rate limit's ~256)"
	fi
fi
report "$name" $ok "$why"
