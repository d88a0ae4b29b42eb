#!/bin/sh
# Run inside the Linux control domain by tests/integration/xl-capacity.sh (issue 14
# item 0): does the host keep its capacity over many xl create/destroy cycles? The
# free page count alone cannot tell (free_memory is in MiB, and a page left behind can
# pin a whole 2 MiB block that a guest's memory needs), so this measures capacity:
#  - the largest unikernel guest that builds (xl create -p, in 8 MiB steps, by
#    bisection between 16 MiB and free_memory), before and after the cycles;
#  - the hypervisor's line after each destroy, "dN: destroyed; heap free pages F, in
#    2 MiB blocks B", which the host-side script compares (first against last).
# tessera.cycles=N on the command line sets the cycles (default 200; the documented
# long run uses 1000, docs/testing.md). Lines as xl-check.sh's: "XL-CHECK: PASS: ...",
# "XL-CHECK: FAIL: ... (detail)", "XL-CHECK: FIGURE: ...", then "XL-CHECK: END".
guest=/lib/tessera/pvh.elf
pass() { echo "XL-CHECK: PASS: $1"; }
fail() { echo "XL-CHECK: FAIL: $1 ($2)"; }
check() { if [ "$2" -eq 0 ]; then pass "$1"; else fail "$1" "$3"; fi; }
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1; }
free_mem() { xl info | sed -n 's/^free_memory *: //p'; }
gone() { ! xl list | awk '{ print $1 }' | grep -qx "$1"; }

xen-init-dom0 >/dev/null
cycles=$(arg tessera.cycles)
cycles=${cycles:-200}

# builds MiB: does a guest of that size build? (created paused, then destroyed)
builds() {
	printf 'name = "probe"\nkernel = "%s"\nmemory = %s\nvcpus = 1\n' "$guest" "$1" >/tmp/probe.cfg
	if xl create -p /tmp/probe.cfg 2>/tmp/probe.err; then
		xl destroy probe
		return 0
	fi
	gone probe || xl destroy probe
	return 1
}
# largest: the largest size (a multiple of 8 MiB) that builds, 0 if not even 16 MiB
largest() {
	lo=0
	hi=$(($(free_mem) / 8 * 8 + 8))
	builds 16 || { echo 0; return; }
	lo=16
	while [ $((hi - lo)) -gt 8 ]; do
		mid=$(((lo + hi) / 16 * 8))
		[ "$mid" -le "$lo" ] && mid=$((lo + 8))
		if builds "$mid"; then lo=$mid; else hi=$mid; fi
	done
	echo $lo
}

free0=$(free_mem)
big0=$(largest)
echo "XL-CHECK: FIGURE: before: free_memory $free0 MiB, largest guest that builds $big0 MiB"
echo "XL-CHECK: MARK: cycles start"
printf 'name = "cyc"\nkernel = "%s"\nextra = "console-ring name=cyc"\nmemory = 16\nvcpus = 1\n' \
	"$guest" >/tmp/cyc.cfg
n=0
i=0
while [ $i -lt "$cycles" ]; do
	if xl create /tmp/cyc.cfg 2>/tmp/cyc.err; then
		xl destroy cyc && n=$((n + 1))
	else
		echo "XL-CHECK: cycle $i: $(head -c 300 /tmp/cyc.err | tr '\n' '|')"
	fi
	i=$((i + 1))
done
echo "XL-CHECK: MARK: cycles end"
check "$cycles create/destroy cycles of a 16 MiB guest all succeed" $([ $n -eq "$cycles" ]; echo $?) \
	"$n of $cycles"
free1=$(free_mem)
big1=$(largest)
echo "XL-CHECK: FIGURE: after $cycles cycles: free_memory $free1 MiB, largest guest that builds $big1 MiB"
[ "$free1" = "$free0" ]
check "free_memory is back after $cycles cycles" $? "$free0 -> $free1 MiB"
[ "$big1" -ge "$big0" ] && [ "$big0" -gt 0 ]
check "the largest guest that builds is the same after $cycles cycles" $? "$big0 -> $big1 MiB"
echo "XL-CHECK: END"
