#!/bin/bash
# Software timers and the scheduler on the real machine: with 1 and 4 CPUs
# the credit scheduler announces itself, the timers self-test (timers armed
# out of order on the boot CPU fire in deadline order; one per other CPU
# fires there) passes, and every CPU reaches its idle loop.
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh
use_test_build timers-prerequisites || exit 0 # its self-tests

for smp in 1 4; do
	name=timers-smp$smp
	boot "$name" "$smp" 256M "loglvl=info selftest=timers test-exit" "" 120
	ok=0 why=
	if [ "$status" -ne "$EXIT_SUCCESS" ]; then
		ok=1 why=$(why_status)
	elif ! has "Scheduler: credit \(weight 256, 30 ms slice\)"; then
		ok=1 why="no 'Scheduler: credit' line"
	elif ! has "selftest timers: PASS"; then
		ok=1 why="no 'selftest timers: PASS'"
	elif ! has "timers: 5 local timers in deadline order, $((smp - 1)) remote CPUs"; then
		ok=1 why="expected $((smp - 1)) remote CPUs' timers"
	fi
	report "$name" $ok "$why"
done
