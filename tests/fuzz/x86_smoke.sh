#!/bin/bash
# The x86 emulation fuzz smoke run of make test (scripts/run-tests.sh, group
# x86fuzz): replays the seed corpus (BUILD/fuzz/x86-seeds, from
# tests/fuzz/x86_mkseeds.c), then a fixed short libFuzzer run
# (X86_FUZZ_SMOKE_RUNS inputs, default 200000, seed 1) from those seeds into
# a fresh corpus. Deterministic. Prints one PASS:/FAIL: line last; details in
# BUILD/fuzz/x86-smoke/.  Usage: x86_smoke.sh BUILD
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
bin=$build/fuzz/fuzz-x86
seeds=$build/fuzz/x86-seeds
runs=${X86_FUZZ_SMOKE_RUNS:-200000}
work=$build/fuzz/x86-smoke

if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
	echo "FAIL: x86 fuzz smoke: $bin or its seeds not built (make BUILD=$build fuzz-x86-build)"
	exit 1
fi
rm -rf "$work"
mkdir -p "$work/corpus"

if ! "$bin" "$seeds"/seed-* >"$work/seeds.log" 2>&1; then
	grep -E "^(Running|SUMMARY|fuzz-x86:)|ERROR|runtime error" "$work/seeds.log" | head -n 20
	echo "FAIL: x86 fuzz smoke: a seed input breaks a rule (log $work/seeds.log)"
	exit 1
fi
nseeds=$(ls "$seeds" | grep -c '^seed-')

"$bin" -runs="$runs" -seed=1 -max_len=128 -timeout=30 -max_total_time=300 -rss_limit_mb=4096 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$seeds" >"$work/run.log" 2>&1
rc=$?
done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/run.log" | tail -n 1)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/run.log")
if [ "$rc" -ne 0 ] || [ -z "$done_line" ]; then
	grep -E "^(SUMMARY|fuzz-x86:)|ERROR|runtime error|Test unit written" "$work/run.log" | head -n 20
	echo "FAIL: x86 fuzz smoke: a broken rule or sanitizer error after ${execs:-?} inputs (status $rc; input and log in $work)"
	exit 1
fi
cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
speed=$(echo "$done_line" | sed -n 's/.* exec\/s: \([0-9]*\).*/\1/p')
echo "PASS: x86 fuzz smoke: $execs inputs (seed 1) and $nseeds seed inputs, no rule broken" \
	"(cov $cov, $speed exec/s)"
