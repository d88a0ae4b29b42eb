#!/bin/bash
# The verdict counter of scripts/run-tests.sh (scripts/tally.sh) on sample lines, no QEMU:
# PASS and FAIL count, the one SKIP form that names a prerequisite make test cannot provide
# counts as skipped, every other SKIP (the old "SKIP: name" too) counts as a failure and
# says so, TESSERA_TEST_STRICT=1 makes every skip a failure, other lines (indented log
# tails, "linux: SKIP: ..." from make linux) do not count, and the summary line has the
# form CI reads. docs/testing.md "Verdict lines".
set -u
cd "$(dirname "$0")/../.."

# count TEXT [STRICT]: the lines tally printed for TEXT, then "P F S" counted from zero.
count() {
	(
		passed=0 failed=0 skipped=0 TESSERA_TEST_STRICT=${2:-0}
		. scripts/tally.sh
		tally <<<"$1"
		echo "$passed $failed $skipped"
	)
}

# expect NAME TEXT WANT [STRICT] [PRINTED-REGEX]
expect() {
	local got counts
	got=$(count "$2" "${4:-0}")
	counts=$(echo "$got" | tail -n 1)
	if [ "$counts" != "$3" ]; then
		echo "FAIL: tally: $1 (counted \"$counts\", expected \"$3\")"
	elif [ -n "${5:-}" ] && ! echo "$got" | head -n -1 | grep -Eq -- "$5"; then
		echo "FAIL: tally: $1 (no printed line matching [$5]: $(echo "$got" | head -n -1))"
	else
		echo "PASS: tally: $1"
	fi
}

ok_skip="SKIP (needs Debian's Linux kernel, which make test cannot provide): linux: boots (no network)"

expect "PASS and FAIL lines count" $'PASS: a\nFAIL: b (why)\nPASS: c' "2 1 0"
expect "other lines do not count" \
	$'== group\n    PASS: in a log tail\nlinux: SKIP: apt-get download failed\nPASS:x\n' "0 0 0"
expect "a skip naming what make test cannot provide is a skip" "$ok_skip" "0 0 1"
expect "a skip with the reason after the name is a skip" \
	"SKIP (needs a KVM host, which make test cannot provide): x (no /dev/kvm)" "0 0 1"
expect "a plain SKIP: line is a failure" "SKIP: linux: boots (no bundle)" "0 1 0" 0 \
	'^FAIL: a skip that names no prerequisite'
expect "a skip that names no prerequisite is a failure" \
	"SKIP (which make test cannot provide): x" "0 1 0"
expect "a skip of something make test provides is a failure" "SKIP (needs the build): x" "0 1 0"
expect "TESSERA_TEST_STRICT=1 makes a skip a failure" "$ok_skip" "0 1 0" 1 \
	'^FAIL: a skip under TESSERA_TEST_STRICT=1'
expect "a mixed group" $'PASS: a\n'"$ok_skip"$'\nSKIP: b\nFAIL: c\nPASS: d' "2 2 1"

line=$(passed=3 failed=1 skipped=2 && . scripts/tally.sh && tally_summary)
# What CI reads: N passed, N failed, optionally followed by , N skipped.
if echo "$line" | grep -Eq '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' &&
	[ "$line" = "3 passed, 1 failed, 2 skipped" ]; then
	echo "PASS: tally: the summary line"
else
	echo "FAIL: tally: the summary line (\"$line\")"
fi
