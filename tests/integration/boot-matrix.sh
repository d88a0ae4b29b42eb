#!/bin/bash
# The hypervisor boots to the idle loop with 1, 2 and 4 CPUs and with
# 256 MiB to 4 GiB of memory, bringing every CPU online and seeing all RAM.
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh

for smp in 1 2 4; do
	for mem in 256M 4G; do
		name=boot-smp$smp-mem$mem
		boot "$name" "$smp" "$mem" "loglvl=info test-exit" "" 120
		ok=0 why=
		if [ "$status" -ne "$EXIT_SUCCESS" ]; then
			ok=1 why=$(why_status)
		elif ! has "^\[ *[0-9]+\.[0-9]{6}\] Tessera hypervisor"; then
			ok=1 why="no banner"
		elif ! has "Boot complete: $smp CPUs? online"; then
			ok=1 why="expected $smp CPUs online"
		fi
		report "$name" $ok "$why"
	done
done
