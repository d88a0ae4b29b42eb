#!/bin/bash
# Exceptions and interrupts: a breakpoint and a software interrupt on a
# registered vector return normally; ud2, a page fault and panic() each end
# the run through panic (not a triple fault) with a report naming the
# exception, the symbolised RIP and a call trace down to start_hypervisor.
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh
use_test_build traps-prerequisites || exit 0 # its self-tests

# expect_panic NAME: status is the panic exit and the panic banner was printed.
expect_panic() {
	if [ "$status" -ne "$EXIT_PANIC" ]; then
		why="expected panic exit $EXIT_PANIC: $(why_status)"
		return 1
	fi
	if ! has "\] Panic:"; then
		why="no panic banner"
		return 1
	fi
	return 0
}

# 1. int3 and int $vector come back; a vector without a handler is reported once.
boot traps-int3 1 256M "loglvl=info selftest=traps_int3 test-exit" "" 60
ok=0 why=
if [ "$status" -ne "$EXIT_SUCCESS" ]; then
	ok=1 why=$(why_status)
elif ! has "selftest traps_int3: PASS"; then
	ok=1 why="no PASS line"
elif ! has "Breakpoint \(int3\) on CPU 0 at selftest_fn_traps_int3\+0x"; then
	ok=1 why="int3 not reported with its symbol"
elif [ "$(grep -c "Interrupt vector 0xf0 on CPU 0 has no handler" "$log")" -ne 1 ]; then
	ok=1 why="an unhandled vector must be reported exactly once"
fi
report traps-int3 $ok "$why"

# 2. ud2: "Invalid opcode", RIP in the named function, trace to start_hypervisor.
boot traps-crash-ud 1 256M "loglvl=info selftest=crash_ud" "" 60
ok=0 why=
if ! expect_panic; then
	ok=1
elif ! has "Fatal exception on CPU 0: Invalid opcode \(#UD\), vector 6"; then
	ok=1 why="exception not named"
elif ! has "RIP: +0008:\[<ffff82d0[0-9a-f]{8}>\] traps_selftest_ud_here\+0x[0-9a-f]+/0x[0-9a-f]+"; then
	ok=1 why="RIP not symbolised as traps_selftest_ud_here"
elif ! has "Call trace:"; then
	ok=1 why="no call trace"
elif ! has "\] selftest_fn_crash_ud\+0x"; then
	ok=1 why="trace misses the self-test function"
elif ! has "\] start_hypervisor\+0x"; then
	ok=1 why="trace does not reach start_hypervisor"
elif ! has "rax: [0-9a-f]{16} +rbx: [0-9a-f]{16}" || ! has "cr3: [0-9a-f]{16}"; then
	ok=1 why="registers missing"
fi
report traps-crash-ud $ok "$why"

# 3. A read of an unmapped address: "Page fault" with CR2.
boot traps-crash-pf 1 256M "loglvl=info selftest=crash_pf" "" 60
ok=0 why=
if ! expect_panic; then
	ok=1
elif ! has "Page fault \(#PF\), vector 14"; then
	ok=1 why="exception not named"
elif ! has "Page fault at address 00007fffdeadb000: page not present, read, supervisor mode"; then
	ok=1 why="no decoded error code"
elif ! has "cr2: 00007fffdeadb000"; then
	ok=1 why="CR2 not shown"
elif ! has "\] start_hypervisor\+0x"; then
	ok=1 why="trace does not reach start_hypervisor"
fi
report traps-crash-pf $ok "$why"

# 4. panic("selftest"): message and a trace of the caller.
boot traps-crash-panic 1 256M "loglvl=info selftest=crash_panic" "" 60
ok=0 why=
if ! expect_panic; then
	ok=1
elif ! has "\] selftest[[:space:]]*$"; then
	ok=1 why="panic message missing"
elif ! has "Call trace \(CPU 0\):"; then
	ok=1 why="no call trace"
elif ! has "\] selftest_fn_crash_panic\+0x" || ! has "\] start_hypervisor\+0x"; then
	ok=1 why="trace misses the caller or start_hypervisor"
fi
report traps-crash-panic $ok "$why"

# 5. With 4 CPUs the others are parked by NMI and the run still ends by panic.
boot traps-crash-ud-smp4 4 256M "loglvl=info selftest=crash_ud" "" 60
ok=0 why=
if ! expect_panic; then
	ok=1
elif ! has "SMP: 4 CPUs online"; then
	ok=1 why="the other CPUs did not come up"
elif ! has "Fatal exception on CPU 0: Invalid opcode"; then
	ok=1 why="exception not reported"
fi
report traps-crash-ud-smp4 $ok "$why"
