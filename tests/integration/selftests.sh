#!/bin/bash
# The self-tests are only in the test build (make hypervisor-test; tessera/selftest.h,
# docs/testing.md): the default build/tessera.elf has no self-test symbol and no .selftests
# section, the test build has the runner and its table, and the default build asked for a
# self-test says so in one line and ends a test-exit run as failed (not as a pass).
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh

if [ ! -f "$HV_ELF" ] || [ ! -f "$HV_TEST_ELF" ]; then
	echo "FAIL: selftests-prerequisites (no $HV_ELF or $HV_TEST_ELF:" \
		"make BUILD=$BUILD hypervisor hypervisor-test)"
	exit 0
fi

found=$(nm "$HV_ELF" | grep -i selftest)
sect=$(objdump -h "$HV_ELF" | grep -c '\.selftests')
if [ -z "$found" ] && [ "$sect" -eq 0 ]; then
	echo "PASS: selftests: the default build carries no self-test (nm $HV_ELF)"
else
	echo "FAIL: selftests: the default build carries no self-test (nm $HV_ELF:" \
		"$(echo "$found" | head -n 5 | awk '{print $3}' | paste -sd' ')$([ "$sect" -eq 0 ] ||
			echo "; a .selftests section")"
fi

n=$(nm "$HV_TEST_ELF" | grep -c ' selftest_fn_')
if nm "$HV_TEST_ELF" | grep -q ' selftests_run$' && [ "$n" -gt 0 ]; then
	echo "PASS: selftests: the test build has the runner and $n self-tests"
else
	echo "FAIL: selftests: the test build has the runner and its self-tests (nm $HV_TEST_ELF: $n)"
fi

boot selftests-absent 1 256M "loglvl=info selftest=xxh3 test-exit" "" 60
ok=0 why=
if [ "$status" -ne "$EXIT_FAILURE" ]; then
	ok=1 why="QEMU status $status, expected $EXIT_FAILURE (a failed run): $(why_status)"
elif [ "$(grep -c 'selftest= ignored: this build has no self-tests' "$log")" -ne 1 ]; then
	ok=1 why="not one line saying the build has no self-tests"
elif has 'selftest xxh3: '; then
	ok=1 why="a self-test ran in the default build"
fi
report "selftests: the default build says it has none when asked" $ok "$why"
