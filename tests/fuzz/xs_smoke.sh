#!/bin/bash
# The xenstored fuzz smoke run of make test (scripts/run-tests.sh, group xsfuzz):
# replays every regression input in tests/fuzz/xs_crashes/, then a fixed short
# libFuzzer run (XS_FUZZ_SMOKE_RUNS inputs, default 20000, seed 1) from an empty
# corpus. Deterministic. Prints one PASS:/FAIL: line last; details in
# BUILD/fuzz-xs/smoke/.  Usage: xs_smoke.sh BUILD
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
bin=$build/fuzz-xs/fuzz-xenstored
runs=${XS_FUZZ_SMOKE_RUNS:-20000}
work=$build/fuzz-xs/smoke

if [ ! -x "$bin" ]; then
	echo "FAIL: xenstored fuzz smoke: $bin not built (make BUILD=$build xs-fuzz-build)"
	exit 1
fi
rm -rf "$work"
mkdir -p "$work/corpus"

regs=()
for f in tests/fuzz/xs_crashes/*; do
	[ -f "$f" ] && regs+=("$f")
done
if [ "${#regs[@]}" -gt 0 ]; then
	if ! "$bin" "${regs[@]}" >"$work/regressions.log" 2>&1; then
		grep -E "^(Running|SUMMARY|fuzz-xenstored:)|ERROR" "$work/regressions.log" | head -n 20
		echo "FAIL: xenstored fuzz smoke: a regression input crashes (tests/fuzz/xs_crashes; log $work/regressions.log)"
		exit 1
	fi
fi

"$bin" -runs="$runs" -seed=1 -max_len=2048 -timeout=30 -max_total_time=300 -rss_limit_mb=4096 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" >"$work/run.log" 2>&1
rc=$?
done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/run.log" | tail -n 1)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/run.log")
if [ "$rc" -ne 0 ] || [ -z "$done_line" ]; then
	grep -E "^(SUMMARY|fuzz-xenstored:)|ERROR|runtime error|Test unit written" "$work/run.log" | head -n 20
	echo "FAIL: xenstored fuzz smoke: crash or leak after ${execs:-?} inputs (status $rc; input and log in $work)"
	exit 1
fi
cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
speed=$(echo "$done_line" | sed -n 's/.* exec\/s: \([0-9]*\).*/\1/p')
echo "PASS: xenstored fuzz smoke: $execs inputs (seed 1) and ${#regs[@]} regression inputs, no crash or leak" \
	"(cov $cov, $speed exec/s)"
