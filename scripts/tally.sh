# Counts verdict lines (sourced by scripts/run-tests.sh and by its self-check,
# tests/integration/tally.sh). The convention, docs/testing.md "Verdict lines":
#   PASS: NAME                                                  one pass
#   FAIL: NAME (WHY)                                            one failure
#   SKIP (needs WHAT, which make test cannot provide): NAME     one skip
# Any other line that starts with SKIP is a failure: a skip must name a
# prerequisite that make test cannot provide (tests/integration/lib.sh
# skip_case prints the form). With TESSERA_TEST_STRICT=1 every skip is a
# failure (a machine that must run everything). Other lines are not counted.

TALLY_SKIP_RE='^SKIP \(needs .+, which make test cannot provide\): .'

passed=${passed:-0}
failed=${failed:-0}
skipped=${skipped:-0}

# tally: reads a group's output on stdin and adds its verdicts to $passed, $failed and
# $skipped (in this shell: feed it with <<<, not a pipe). Prints a FAIL line for each
# skip it counts as a failure.
tally() {
	local line
	while IFS= read -r line; do
		case $line in
		"PASS: "*) passed=$((passed + 1)) ;;
		"FAIL: "*) failed=$((failed + 1)) ;;
		SKIP*)
			if ! [[ $line =~ $TALLY_SKIP_RE ]]; then
				echo "FAIL: a skip that names no prerequisite make test cannot provide: $line"
				failed=$((failed + 1))
			elif [ "${TESSERA_TEST_STRICT:-0}" = 1 ]; then
				echo "FAIL: a skip under TESSERA_TEST_STRICT=1: $line"
				failed=$((failed + 1))
			else
				skipped=$((skipped + 1))
			fi
			;;
		esac
	done
}

# tally_summary: the last line of a run, "N passed, N failed, N skipped".
tally_summary() {
	echo "$passed passed, $failed failed, $skipped skipped"
}
