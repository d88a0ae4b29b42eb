#!/bin/bash
# Runs the test groups and prints the total as the last line:
# "N passed, N failed". Usage: run-tests.sh all|unit|fuzz|xsfuzz|abi|integration|guests
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
what=${1:-all}
passed=0
failed=0

run_unit() {
	echo "== unit tests (CUnit, ASan+UBSan)"
	local out
	out=$("$BUILD/unit/unit-tests" 2>&1)
	local rc=$?
	echo "$out" | grep -Ev '^\s*$'
	local line p f
	line=$(echo "$out" | grep -E '^unit: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL: unit test binary ended without a summary (status $rc)"
		failed=$((failed + 1))
		return
	fi
	p=$(echo "$line" | awk '{print $2}')
	f=$(echo "$line" | awk '{print $4}')
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	passed=$((passed + p))
	failed=$((failed + f))
}

run_fuzz() {
	echo "== fuzz smoke (libFuzzer over the hypercall dispatcher, tests/fuzz)"
	local out rc
	out=$(bash tests/fuzz/smoke.sh "$BUILD" 2>&1)
	rc=$?
	echo "$out" | grep -Ev '^(PASS|FAIL): '
	if [ "$rc" -eq 0 ] && echo "$out" | grep -q '^PASS: '; then
		echo "$out" | grep '^PASS: ' | tail -n 1
		passed=$((passed + 1))
	else
		echo "$out" | grep '^FAIL: ' | tail -n 1 | grep . || echo "FAIL: fuzz smoke (status $rc)"
		failed=$((failed + 1))
	fi
}

run_xsfuzz() {
	echo "== fuzz smoke (libFuzzer over the xenstored core, tests/fuzz/xs_fuzz.c)"
	local out rc
	out=$(bash tests/fuzz/xs_smoke.sh "$BUILD" 2>&1)
	rc=$?
	echo "$out" | grep -Ev '^(PASS|FAIL): '
	if [ "$rc" -eq 0 ] && echo "$out" | grep -q '^PASS: '; then
		echo "$out" | grep '^PASS: ' | tail -n 1
		passed=$((passed + 1))
	else
		echo "$out" | grep '^FAIL: ' | tail -n 1 | grep . || echo "FAIL: xenstored fuzz smoke (status $rc)"
		failed=$((failed + 1))
	fi
}

run_abi() {
	echo "== ABI comparison with Xen 4.17's headers (libxen-dev)"
	local out rc
	out=$(bash tests/abi/check.sh "$BUILD/abi" 2>&1)
	rc=$?
	echo "$out" | tail -n 15
	if [ "$rc" -eq 0 ]; then
		echo "PASS: $(echo "$out" | grep -E "^abi: compared" | tail -n 1)"
		passed=$((passed + 1))
	else
		echo "FAIL: abi (full output in $BUILD/abi)"
		failed=$((failed + 1))
	fi
}

run_integration() {
	echo "== integration tests (QEMU)"
	local t out
	for t in tests/integration/*.sh; do
		[ "$(basename "$t")" = lib.sh ] && continue
		out=$(bash "$t" 2>&1)
		echo "$out"
		passed=$((passed + $(echo "$out" | grep -c '^PASS: ')))
		failed=$((failed + $(echo "$out" | grep -c '^FAIL: ')))
		# SKIP: a scenario whose prerequisite is missing (linux.sh without a fetched kernel).
		if ! echo "$out" | grep -Eq '^(PASS|FAIL|SKIP): '; then
			echo "FAIL: $t reported no result"
			failed=$((failed + 1))
		fi
	done
}

run_guests() {
	echo "== conformance test kernels on Tessera (tests/guests/conf, QEMU)"
	local out
	out=$(bash tests/guests/conf/run.sh 2>&1)
	echo "$out"
	passed=$((passed + $(echo "$out" | grep -c '^PASS: ')))
	failed=$((failed + $(echo "$out" | grep -c '^FAIL: ')))
	if ! echo "$out" | grep -Eq '^(PASS|FAIL): '; then
		echo "FAIL: tests/guests/conf/run.sh reported no result"
		failed=$((failed + 1))
	fi
}

case $what in
unit) run_unit ;;
guests) run_guests ;;
fuzz) run_fuzz ;;
xsfuzz) run_xsfuzz ;;
integration) run_integration ;;
abi) run_abi ;;
all)
	run_unit
	run_fuzz
	run_xsfuzz
	run_abi
	run_integration
	run_guests
	;;
*)
	echo "usage: $0 all|unit|fuzz|xsfuzz|abi|integration|guests" >&2
	exit 2
	;;
esac

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
