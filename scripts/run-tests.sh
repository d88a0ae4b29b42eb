#!/bin/bash
# Runs the test groups and prints the total as the last line, and as the only line of that
# form: "N passed, N failed, N skipped". Every group counts its verdict lines the same way
# (scripts/tally.sh: PASS, FAIL, and the one SKIP form that names a prerequisite make test
# cannot provide; any other SKIP is a failure). docs/testing.md "Verdict lines".
# Usage: run-tests.sh all|unit|fuzz|xsfuzz|x86fuzz|abi|integration|guests|format
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
what=${1:-all}
passed=0
failed=0
skipped=0
. scripts/tally.sh

# one_verdict WHAT STATUS OUTPUT: a group that is one case (fuzz, xsfuzz, x86fuzz): prints OUTPUT with
# its last verdict line at the end and counts that line; no verdict line, or a status that
# is not 0 without a FAIL line, is one FAIL.
one_verdict() {
	local what=$1 rc=$2 out=$3 v
	echo "$out" | grep -Ev '^(PASS: |FAIL: |SKIP)'
	v=$(echo "$out" | grep -E '^(PASS: |FAIL: |SKIP)' | tail -n 1)
	if [ -z "$v" ] || { [ "$rc" -ne 0 ] && [[ $v != "FAIL: "* ]]; }; then
		v="FAIL: $what (status $rc)"
	fi
	echo "$v"
	tally <<<"$v"
}

# all_verdicts WHAT OUTPUT: a group or script that reports many cases: prints and counts
# every verdict line; output with none is one FAIL.
all_verdicts() {
	local what=$1 out=$2
	echo "$out"
	tally <<<"$out"
	if ! echo "$out" | grep -Eq '^(PASS: |FAIL: |SKIP)'; then
		echo "FAIL: $what reported no result"
		failed=$((failed + 1))
	fi
}

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
	one_verdict "fuzz smoke" "$rc" "$out"
}

run_xsfuzz() {
	echo "== fuzz smoke (libFuzzer over the xenstored core, tests/fuzz/xs_fuzz.c)"
	local out rc
	out=$(bash tests/fuzz/xs_smoke.sh "$BUILD" 2>&1)
	rc=$?
	one_verdict "xenstored fuzz smoke" "$rc" "$out"
}

run_x86fuzz() {
	echo "== fuzz smoke (libFuzzer over MMIO decoding and the CR4 policy, tests/fuzz/fuzz_x86.c)"
	local out rc
	out=$(bash tests/fuzz/x86_smoke.sh "$BUILD" 2>&1)
	rc=$?
	one_verdict "x86 fuzz smoke" "$rc" "$out"
}

run_abi() {
	echo "== ABI comparison with Xen 4.17's headers (libxen-dev)"
	local out rc
	out=$(bash tests/abi/check.sh "$BUILD/abi" 2>&1)
	rc=$?
	echo "$out" | tail -n 15
	if [ "$rc" -eq 0 ]; then
		out="PASS: $(echo "$out" | grep -E "^abi: compared" | tail -n 1)"
	else
		out="FAIL: abi (full output in $BUILD/abi)"
	fi
	echo "$out"
	tally <<<"$out"
}

run_integration() {
	echo "== integration tests (QEMU)"
	local t out
	for t in tests/integration/*.sh; do
		[ "$(basename "$t")" = lib.sh ] && continue
		out=$(bash "$t" 2>&1)
		all_verdicts "$t" "$out"
	done
}

run_guests() {
	echo "== conformance test kernels on Tessera (tests/guests/conf, QEMU)"
	local out
	out=$(bash tests/guests/conf/run.sh 2>&1)
	all_verdicts tests/guests/conf/run.sh "$out"
}

# format: the git-tracked *.c and *.h files (all of them, or with FORMAT_BASE=REV those changed
# since REV) against the committed .clang-format; one PASS, or one FAIL naming the files
# (make format fixes them). clang-format 14 is Debian bookworm's (scripts/install-deps.sh).
run_format() {
	echo "== format (clang-format --dry-run -Werror, .clang-format)"
	local files bad v out rc
	if ! command -v clang-format >/dev/null; then
		v="FAIL: format (no clang-format: make deps installs it)"
	elif ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		v="FAIL: format (not a git work tree: the files checked are git's)"
	else
		if [ -n "${FORMAT_BASE:-}" ]; then
			files=$(git diff --name-only --diff-filter=d "$FORMAT_BASE" -- '*.c' '*.h')
		else
			files=$(git ls-files -- '*.c' '*.h')
		fi
		out=$(echo "$files" | grep . | xargs -r -d '\n' clang-format --dry-run -Werror 2>&1)
		rc=$?
		bad=$(echo "$out" | sed -nE 's/^(.+):[0-9]+:[0-9]+: error: .*/\1/p' | sort -u)
		if [ -n "$bad" ]; then
			echo "$bad" | sed 's/^/    not formatted: /'
			v="FAIL: format ($(echo "$bad" | wc -l) files not formatted: make format fixes them)"
		elif [ "$rc" -ne 0 ]; then
			echo "$out" | head -n 5 | sed 's/^/    /'
			v="FAIL: format (clang-format failed, status $rc)"
		else
			v="PASS: format ($(echo "$files" | grep -c .) files,"
			v="$v clang-format $(clang-format --version | grep -Eo 'version [0-9.]+' | cut -d' ' -f2))"
		fi
	fi
	echo "$v"
	tally <<<"$v"
}

case $what in
unit) run_unit ;;
format) run_format ;;
guests) run_guests ;;
fuzz) run_fuzz ;;
xsfuzz) run_xsfuzz ;;
x86fuzz) run_x86fuzz ;;
integration) run_integration ;;
abi) run_abi ;;
all)
	run_format
	run_unit
	run_fuzz
	run_xsfuzz
	run_x86fuzz
	run_abi
	run_integration
	run_guests
	;;
*)
	echo "usage: $0 all|unit|fuzz|xsfuzz|x86fuzz|abi|integration|guests|format" >&2
	exit 2
	;;
esac

tally_summary
[ "$failed" -eq 0 ]
