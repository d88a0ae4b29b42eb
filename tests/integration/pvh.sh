#!/bin/bash
# PVH guests on SVM/NPT, with the test guest of unikernel/apps/pvh and the
# plans in tests/guests/pvh/plans (bundles built by make into
# $BUILD/guests/pvh/plans/): one domain says hello and shuts down; two do
# (one through the hypercall page); a domain that triple faults is shut down (reboot, as Xen)
# while its neighbour still passes; version, event channel ping/pong and
# grant copy between two boot domains; output through port 0xE9 alone. The
# hypervisor itself must never panic.
#
# The domains do not end the run: QEMU is started in the background and
# stopped (by its own process id) once the log holds every expected line,
# a guest FAIL verdict or a panic, or after the timeout.
here=$(cd "$(dirname "$0")" && pwd)
cd "${here%/tests/*}" && . tests/integration/lib.sh

PLANS=$BUILD/guests/pvh/plans
HV_CMDLINE_PVH="loglvl=info"
GUEST_FAIL_RE='pvh-test: [a-z-]+: FAIL'

# run_until NAME SMP MEM BUNDLE TIMEOUT REGEX...: boots, waits for every REGEX (or a panic,
# a guest FAIL, QEMU's exit, the timeout); sets $log and $status (0: stopped by us, else QEMU's).
run_until() {
	local name=$1 smp=$2 mem=$3 bundle=$4 tmo=$5
	shift 5
	boot_until "$name" "$smp" "$mem" "$HV_CMDLINE_PVH" "$bundle" "$tmo" "$GUEST_FAIL_RE" "$@"
}

# pvh_case NAME PLAN SMP REGEX...: boots PLAN's bundle and checks.
pvh_case() {
	local name=$1 bundle=$PLANS/$2.bundle smp=$3
	shift 3
	if [ ! -f "$bundle" ]; then
		log=/dev/null status=0
		report "$name" 1 "no $bundle: run make BUILD=$BUILD all"
		return
	fi
	run_until "$name" "$smp" 256M "$bundle" 60 "$@"
	check_all "$name" "$@"
}

if [ ! -f "$HV_BIN" ]; then
	echo "FAIL: pvh-prerequisites (no $HV_BIN: run make BUILD=$BUILD all)"
	exit 0
fi

# console_io lines are "(dN) text" (common/console_io.c); shutdown and crash are common/domain.c's.
pvh_case pvh-hello hello 1 \
	'\(d1\) pvh: hello from pvh-a' '\(d1\) pvh-test: hello: PASS' 'd1: shut down \(reason 0\)'
pvh_case pvh-hello-two hello-two 2 \
	'\(d1\) pvh-test: hello: PASS' 'd1: shut down \(reason 0\)' \
	'\(d2\) pvh: pvh-b: .*hypercalls via the hypercall page' '\(d2\) pvh-test: hello: PASS' \
	'd2: shut down \(reason 0\)'
pvh_case pvh-hypercall-page hcpage 1 \
	'\(d1\) pvh: pvh-hcp: .*hypercalls via the hypercall page' '\(d1\) pvh-test: hello: PASS' \
	'd1: shut down \(reason 0\)'
pvh_case pvh-version version 1 '\(d1\) pvh: Xen 4\.[0-9]+' '\(d1\) pvh-test: version: PASS'
# out=e9: the verdict arrives through port 0xE9 only, not through console_io (check_all
# fails on a line matching ABSENT_RE).
ABSENT_RE='\(d1\) pvh-test'
pvh_case pvh-debug-port e9 1 'pvh-test: hello: PASS' 'd1: shut down \(reason 0\)'
ABSENT_RE=

# A triple fault shuts only that domain down, with Xen's default action (reboot); the other still passes; no panic.
pvh_case pvh-triple-fault triple-fault 2 \
	'd1: triple fault .*HVM shutdown action 1' 'd1: shut down \(reason 1\)' '\(d2\) pvh-test: hello: PASS' 'd2: shut down \(reason 0\)'

pvh_case pvh-evtchn evtchn 2 \
	'\(d1\) pong: got event' '\(d1\) pvh-test: evtchn-pong: PASS' '\(d2\) pvh-test: evtchn-ping: PASS'
pvh_case pvh-grant-copy grant-copy 2 \
	'\(d2\) copy: 1024 bytes from d1 ref 8 are right' '\(d1\) pvh-test: grant-copy: PASS' \
	'\(d2\) pvh-test: grant-copy: PASS'

# Unikernel services (unikernel/): a singleshot timer wakes a blocked thread no earlier than asked;
# the PV console ring (the backend prints "(name) text"); two threads ping-pong over a loopback
# event channel; the make-run demo: two domains talk, then print summaries on their rings.
pvh_case pvh-timer timer 1 \
	'\(d1\) timer: slept [0-9]+ ns for a 50000000 ns request' '\(d1\) pvh-test: timer: PASS'
pvh_case pvh-console-ring console-ring 1 \
	'\(pvh-cons\) console ring: hello from pvh-cons' '\(d1\) pvh-test: console-ring: PASS'
pvh_case pvh-threads threads 1 \
	"\\(d1\\) threads: 100 round trips between 'ping' and 'pong'" '\(d1\) pvh-test: threads: PASS'
pvh_case pvh-demo demo 2 \
	'\(demo-a\) pvh-test: demo: PASS' '\(demo-b\) pvh-test: demo: PASS' \
	'\(demo-a\) demo summary 3/5: 10 event round trips with d2 .*greetings back' \
	'\(demo-b\) demo summary 3/5: 10 event round trips with d1 .*hello from the other domain'
# The unikernel's own test kernel (tests/guests/uk-selftest): every TEST passes, XTF's verdict line.
GUEST_FAIL_RE='pvh-test: [a-z-]+: FAIL|test [a-z_]+: FAIL|Test result: (FAILURE|ERROR)'
pvh_case pvh-uk-selftest uk-selftest 1 '\(d1\) tests: 9 run: 9 passed' '\(d1\) Test result: SUCCESS' \
	'd1: shut down \(reason 0\)'
