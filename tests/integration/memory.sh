#!/bin/bash
# Memory management on the real (emulated) machine: the mm self-test (heap
# orders, free-count balance, direct-map access, page-table permissions,
# ioremap, a boot module kept out of the heap and intact) passes with 256 MiB and 4 GiB
# (RAM split by the PCI hole at 3 GiB), and the boot line reports the RAM given.
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh
use_test_build memory-prerequisites || exit 0 # its self-tests

# check_memory_line MIN_MIB MAX_MIB: "Memory: N MiB RAM, M MiB free in the heap" with
# MIN <= N <= MAX and the heap holding most of it.
check_memory_line() {
	local line ram free
	line=$(grep -Eo 'Memory: [0-9]+ MiB RAM, [0-9]+ MiB free in the heap' "$log" | head -n 1)
	[ -n "$line" ] || { echo "no Memory: line"; return 1; }
	ram=$(echo "$line" | awk '{print $2}')
	free=$(echo "$line" | awk '{print $5}')
	if [ "$ram" -lt "$1" ] || [ "$ram" -gt "$2" ]; then
		echo "RAM $ram MiB, expected $1..$2"
		return 1
	fi
	# The heap gets all RAM but the low 1 MiB, the image, modules and the frame table.
	if [ "$free" -lt $((ram * 9 / 10)) ] || [ "$free" -gt "$ram" ]; then
		echo "heap $free MiB of $ram MiB RAM"
		return 1
	fi
	return 0
}

module=$LOGDIR/memory-module.bin
head -c $((3 * 1024 * 1024 + 123)) /dev/urandom >"$module"
modsize=$(stat -c %s "$module")
modsum=$(od -An -v -tu1 "$module" | awk '{ for (i = 1; i <= NF; i++) s += $i } END { printf "%d", s }')

for mem in 256M 4G; do
	case $mem in
	256M) lo=250 hi=256 ;;
	4G) lo=4080 hi=4096 ;;
	esac
	for withmod in no yes; do
		name=memory-mm-$mem bundle=
		[ "$withmod" = yes ] && name=$name-module bundle=$module
		boot "$name" 1 "$mem" "loglvl=info selftest=mm test-exit" "$bundle" 120
		ok=0 why=
		if [ "$status" -ne "$EXIT_SUCCESS" ]; then
			ok=1 why=$(why_status)
		elif ! has "selftest mm: PASS"; then
			ok=1 why="no 'selftest mm: PASS'"
		elif [ "$withmod" = yes ] && ! has "selftest mm: module 0: $modsize bytes, byte sum $modsum[^0-9]*$"; then
			ok=1 why="module 0 not intact (expected $modsize bytes, byte sum $modsum)"
		elif ! why=$(check_memory_line "$lo" "$hi"); then
			ok=1
		fi
		report "$name" $ok "$why"
	done
done
