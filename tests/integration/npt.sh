#!/bin/bash
# Nested paging with 2 MiB leaves (hvm/svm/npt.c): the npt_2m self-test
# populates a PVH domain's 8 MiB through the builder and checks that its
# NPT maps the aligned 2 MiB blocks with 2 MiB leaves, and that a 4 KiB
# change inside one splits it keeping the other 511 translations; the npt_free
# self-test that emptied tables are freed, a domain's paging memory stops at its
# limit and domain_kill gives every page back (issue 14). Then guest
# XSAVE state with -cpu max (below).
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh
use_test_build npt-prerequisites || exit 0 # its self-tests

name=npt-2m
boot "$name" 1 256M "loglvl=info selftest=npt_2m,npt_free test-exit" "" 120
ok=0 why=
if [ "$status" -ne "$EXIT_SUCCESS" ]; then
	ok=1 why=$(why_status)
elif ! has "selftest npt_2m: PASS"; then
	ok=1 why="no 'selftest npt_2m: PASS'"
fi
report "$name" $ok "$why"
ok=0 why=
if ! has "selftest npt_free: PASS"; then
	ok=1 why="no 'selftest npt_free: PASS'"
fi
report "npt-free: emptied tables freed, paging memory bounded per domain" $ok "$why"

# Guest XSAVE state (hvm/svm/xstate.c) needs a CPU model with XSAVE: QEMU's "max"
# (x87|SSE|AVX). The svm_xsetbv self-test checks the XSETBV rules, CPUID leaves
# 1 and 0xD and an area round trip; svm_basic and the unikernel's test kernel
# then run real guests with XSAVE/XRSTOR switching.
name=xsave-max
QEMU_CPU=max boot "$name" 2 256M "loglvl=info selftest=svm_xsetbv,svm_basic test-exit" "" 120
ok=0 why=
if [ "$status" -ne "$EXIT_SUCCESS" ]; then
	ok=1 why=$(why_status)
elif ! has "svm_xsetbv: XCR0 max 0x[0-9a-f]+, area [0-9]+ bytes: checks passed"; then
	ok=1 why="no XSAVE checks line (did -cpu max offer XSAVE?)"
elif ! has "selftest svm_basic: PASS"; then
	ok=1 why="no 'selftest svm_basic: PASS'"
fi
report "$name" $ok "$why"

name=xsave-max-uk
QEMU_CPU=max boot "$name" 1 256M "loglvl=info" "$BUILD/guests/pvh/plans/uk-selftest.bundle" 6
ok=0 why=
if ! has "HVM: guest XSAVE state"; then
	ok=1 why="the hypervisor did not use XSAVE"
elif ! has '\(d1\) Test result: SUCCESS'; then
	ok=1 why="the unikernel test kernel did not succeed with XSAVE"
fi
report "$name" $ok "$why"
