#!/bin/bash
# Benchmark (not a test): the hypervisor's boot cost in QEMU's virtual time.
# With -icount shift=0,sleep=off every guest instruction advances virtual time
# by 1 ns and the RTC follows virtual time, so the figure is the same on every
# run and on every host. The hypervisor reports, at the idle loop, the TSC
# (which QEMU derives from virtual time) converted to microseconds since
# reset, and the time since its own time base was set.
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh

ICOUNT=(-icount shift=0,sleep=off -rtc base=2026-01-01T00:00:00,clock=vm)
printf '%-5s %-5s %18s %18s %18s\n' SMP MEM "reset->idle (us)" "reset->entry (us)" "entry->idle (us)"
for smp in 1 2 4; do
	for mem in 256M 4G; do
		for run in 1 2; do
			boot "bench-boot-smp$smp-$mem-$run" "$smp" "$mem" "loglvl=info test-exit" "" 300 "${ICOUNT[@]}"
			line=$(grep -E 'Boot complete' "$log" | head -n 1)
			reset=$(echo "$line" | sed -n 's/.*(\([0-9]*\) us since reset.*/\1/p')
			entry=$(echo "$line" | sed -n 's/.*entered at \([0-9]*\) us).*/\1/p')
			hv=
			[ -n "$reset" ] && [ -n "$entry" ] && hv=$((reset - entry))
			[ "$status" -eq "$EXIT_SUCCESS" ] || reset="failed($(why_status))"
			printf '%-5s %-5s %18s %18s %18s   (run %d)\n' "$smp" "$mem" "${reset:-?}" "${entry:-?}" "${hv:-?}" "$run"
		done
	done
done
