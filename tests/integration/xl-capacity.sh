#!/bin/bash
# Capacity over many xl create/destroy cycles (issue 14 item 0): boots the Linux control
# domain with the xenstore domain (tests/linux/dom0/plans/dom0-capacity.json, make dom0)
# and runs dom0-tools/xl/test/xl-capacity.sh in it: the largest guest that builds before
# and after CYCLES create/destroy cycles of a 16 MiB unikernel guest (with xenconsoled
# attached), and here, from the hypervisor's line after each destroy ("dN: destroyed;
# heap free pages F, in 2 MiB blocks B"), that neither the free pages nor the free pages
# in 2 MiB blocks are lower after the last cycle than after the first: a page left
# behind per cycle is invisible in free_memory (MiB) yet pins a 2 MiB block.
# CYCLES=200 (make test); the long run, CYCLES=1000, is documented in docs/testing.md.
# Usage: BUILD=... [CYCLES=N] tests/integration/xl-capacity.sh
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
cycles=${CYCLES:-200}
plan=tests/linux/dom0/plans/dom0-capacity.json
bundle=$BUILD/linux/dom0/plans/dom0-capacity.bundle
need_linux_bundle "$bundle" "xl capacity" || exit 0
use_test_build xl-capacity-prerequisites || exit 0
if [ "$cycles" != 200 ]; then # the plan says 200: make a bundle for this count
	mkdir -p "$LOGDIR"
	sed "s/tessera.script=/tessera.cycles=$cycles tessera.script=/" "$plan" >"$LOGDIR/capacity-$cycles.json"
	"$BUILD/tools/mkboot" "$LOGDIR/capacity-$cycles.json" --base "$BUILD" \
		-o "$LOGDIR/capacity-$cycles.bundle" >/dev/null || {
		echo "FAIL: xl capacity: mkboot of a $cycles-cycle plan"
		exit 0
	}
	bundle=$LOGDIR/capacity-$cycles.bundle
fi
# About 1.5 s of QEMU per cycle on the shared development machine, plus the probes.
boot_until xl-capacity 1 1G "loglvl=info" "$bundle" $((300 + cycles * 4)) '\] Panic:' \
	'XL-CHECK: END|d0: shut down'
tr -d '\r' <"$log" >"$log.txt"
grep -q '^XL-CHECK: END' "$log.txt" || echo "FAIL: xl capacity: the checks did not finish (log $log)"
grep -a '^XL-CHECK: \(PASS\|FAIL\): ' "$log.txt" | sed 's/^XL-CHECK: \(PASS\|FAIL\): /\1: xl capacity: /'
grep -a '^XL-CHECK: FIGURE: ' "$log.txt" | sed 's/^XL-CHECK: FIGURE: /xl capacity: /'
# The hypervisor's destroy lines between the marks: the cycles' guests only.
sed -n '/XL-CHECK: MARK: cycles start/,/XL-CHECK: MARK: cycles end/p' "$log.txt" |
	sed -n 's/.*d[0-9]*: destroyed; heap free pages \([0-9]*\), in 2 MiB blocks \([0-9]*\).*/\1 \2/p' \
		>"$log.heap"
n=$(wc -l <"$log.heap")
read -r f0 b0 < <(head -n 1 "$log.heap")
read -r f1 b1 < <(tail -n 1 "$log.heap")
echo "xl capacity: $n destroys; heap free pages ${f0:-?} -> ${f1:-?}, in 2 MiB blocks ${b0:-?} -> ${b1:-?}"
# The two ring pages a backend may still map when a line is printed: free pages within 2.
[ "$n" -eq "$cycles" ] && [ $((f1 + 2)) -ge "$f0" ] && [ "$b1" -ge "$b0" ]
report "xl capacity: free pages and 2 MiB blocks after the last of $cycles cycles as after the first" $? \
	"$n destroy lines; free ${f0:-?} -> ${f1:-?}, in 2 MiB blocks ${b0:-?} -> ${b1:-?}"
rm -f "$log.txt"
