#!/bin/sh
# Run inside the Linux control domain (busybox sh) by tests/integration/xl-dom0.sh:
# xl against the hypervisor and the xenstore domain (and a halting boot guest,
# boot-hlt, that xl list must name) with a unikernel guest that
# prints a line and powers off (/lib/tessera/ts-hello.elf), and one that writes
# to its console ring and echoes input (/lib/tessera/pvh.elf console-ring) for
# xenconsoled and xl console. One line per check: "XL-CHECK: PASS: name" or
# "XL-CHECK: FAIL: name (detail)", figures as "XL-CHECK: FIGURE: ...", then
# "XL-CHECK: END". /init started xenconsoled (dom0-tools/dom0/init).
guest=/lib/tessera/ts-hello.elf
cfg=/tmp/uk1.cfg
pass() { echo "XL-CHECK: PASS: $1"; }
fail() { echo "XL-CHECK: FAIL: $1 ($2)"; }
check() { if [ "$2" -eq 0 ]; then pass "$1"; else fail "$1" "$3"; fi; }
free_mem() { xl info | sed -n 's/^free_memory *: //p'; }
# state_of NAME: the State column of xl list, or "gone"
state_of() { xl list | awk -v n="$1" '$1 == n { print $5; f = 1 } END { if (!f) print "gone" }'; }
wait_state() { # NAME PATTERN: up to 10 s
	i=0
	while [ $i -lt 50 ]; do
		case $(state_of "$1") in $2) return 0 ;; esac
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

printf 'name = "uk1"\nkernel = "%s"\nmemory = 32\nvcpus = 1\n' "$guest" >"$cfg"

xen-init-dom0 >/dev/null
out=$(xl list)
echo "$out" | grep -q '^Domain-0  *0 ' && echo "$out" | grep -q '^Xenstore  *1 '
check "list shows Domain-0 and Xenstore after xen-init-dom0" $? "$(echo "$out" | tr '\n' '|')"
# The plan's other boot domain (plans/dom0-xl.json) by its plan name, from the hypervisor.
echo "$out" | grep -q '^boot-hlt  *2 ' && ! echo "$out" | grep -q '(null)'
check "list shows a boot domain by its plan name" $? "$(echo "$out" | tr '\n' '|')"
free0=$(free_mem)
[ -n "$free0" ]
check "info reports free_memory" $? "$(xl info 2>&1 | head -3 | tr '\n' '|')"

xl create -p -e "$cfg" 2>/tmp/err
rc=$?
st=$(state_of uk1)
check "create -p: the domain exists, paused" $([ $rc -eq 0 ] && [ "$st" = "--p---" ]; echo $?) \
	"rc=$rc state=$st $(cat /tmp/err)"
xl unpause uk1
wait_state uk1 '---s--'
check "unpause: the guest runs and powers off (state s)" $? "state=$(state_of uk1)"
xl destroy uk1
rc=$?
st=$(state_of uk1)
free1=$(free_mem)
check "destroy: gone, free memory back" $([ $rc -eq 0 ] && [ "$st" = gone ] && [ "$free1" = "$free0" ]; echo $?) \
	"rc=$rc state=$st free $free0 -> $free1"

xl create "$cfg" 2>/tmp/err
rc=$?
wait_state uk1 gone
check "the monitor destroys a powered-off guest (on_poweroff=destroy)" $(($? | rc)) \
	"rc=$rc state=$(state_of uk1) $(cat /var/log/xen/xl-uk1.log 2>&1 | tr '\n' '|')"

xl create "$cfg" memory=100000 2>/tmp/err
rc=$?
grep -q "out of memory" /tmp/err && [ $rc -eq 1 ] && [ "$(state_of uk1)" = gone ] && [ "$(free_mem)" = "$free0" ]
check "a create the host cannot hold fails and leaves nothing" $? "rc=$rc $(cat /tmp/err) free $(free_mem)"

printf 'name = "uk1"\nkernel = "%s"\nvcpus = "many"\n' "$guest" >/tmp/bad.cfg
xl create /tmp/bad.cfg 2>/tmp/err
rc=$?
grep -q '^/tmp/bad.cfg:3: vcpus: expected a number, found "many"$' /tmp/err && [ $rc -eq 1 ]
check "a bad config names file, line and key" $? "rc=$rc $(cat /tmp/err)"

n=0
i=0
while [ $i -lt 20 ]; do
	xl create -p -e "$cfg" 2>/dev/null && xl destroy uk1 && n=$((n + 1))
	i=$((i + 1))
done
[ $n -eq 20 ] && [ "$(free_mem)" = "$free0" ] && [ "$(state_of uk1)" = gone ]
check "20 create/destroy cycles leak no memory" $? "$n of 20, free $free0 -> $(free_mem)"

# The console: xenconsoled logs the guest's ring, xl console relays both ways.
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
clog=/var/log/xen/console/guest-uk2.log
printf 'name = "uk2"\nkernel = "/lib/tessera/pvh.elf"\nextra = "console-ring name=uk2"\nmemory = 16\n' \
	>/tmp/uk2.cfg
pidof xenconsoled >/dev/null && [ "$XENCONSOLE" = /bin/xenconsole ] && [ -d /var/log/xen/console ]
check "init started xenconsoled and set XENCONSOLE" $? "pid [$(pidof xenconsoled)] XENCONSOLE=$XENCONSOLE"
free0=$(free_mem)
t0=$(ms)
xl create /tmp/uk2.cfg 2>/tmp/err
rc=$?
t1=$(ms)
i=0
while [ $i -lt 500 ] && ! grep -q 'console ring: hello from uk2' $clog 2>/dev/null; do
	i=$((i + 1))
	usleep 10000
done
t2=$(ms)
grep -q 'console ring: hello from uk2' $clog 2>/dev/null
check "xenconsoled logs a created unikernel's console ring" $(($? | rc)) \
	"rc=$rc $(cat /tmp/err | tr '\n' '|') log [$(cat $clog 2>&1 | head -c 200)]"
echo "XL-CHECK: FIGURE: unikernel: xl create returned in $((t1 - t0)) ms, first console line in the log after $((t2 - t0)) ms"
# Typed input reaches the guest through xl console; its echo comes back; Ctrl-] detaches.
(sleep 1; echo "ping from d0"; sleep 1; printf '\035') | timeout 10 xl console uk2 >/tmp/con.out 2>&1
rc=$?
grep -q 'console echo: ping from d0' /tmp/con.out && [ $rc -eq 0 ]
check "xl console: output, input and Ctrl-] detach" $? "rc=$rc [$(head -c 300 /tmp/con.out | tr '\n\r' '|.')]"
t0=$(ms)
xl list >/dev/null
t1=$(ms)
xl destroy uk2
t2=$(ms)
echo "XL-CHECK: FIGURE: xl list took $((t1 - t0)) ms, xl destroy of the unikernel $((t2 - t1)) ms"
i=0
while [ $i -lt 50 ] && [ "$(free_mem)" != "$free0" ]; do
	i=$((i + 1))
	usleep 100000
done
[ "$(state_of uk2)" = gone ] && [ "$(free_mem)" = "$free0" ]
check "destroy with xenconsoled attached: gone, free memory back" $? "free $free0 -> $(free_mem)"

# A Linux PVH guest (the kernel ELF and the test initramfs in /lib/tessera, plans/dom0-xl.json):
# its console reaches xenconsoled's log; destroy gives its memory back.
lxlog=/var/log/xen/console/guest-lx1.log
if [ -f /lib/tessera/vmlinux ]; then
	printf '%s\n' 'name = "lx1"' 'type = "pvh"' 'kernel = "/lib/tessera/vmlinux"' \
		'ramdisk = "/lib/tessera/initramfs.cpio.gz"' 'extra = "console=hvc0 pci=off"' \
		'memory = 128' >/tmp/lx1.cfg
	free0=$(free_mem)
	t0=$(ms)
	xl create /tmp/lx1.cfg 2>/tmp/err
	rc=$?
	t1=$(ms)
	i=0
	while [ $i -lt 600 ] && ! grep -q 'Linux version' $lxlog 2>/dev/null; do
		i=$((i + 1))
		usleep 100000
	done
	t2=$(ms)
	while [ $i -lt 600 ] && ! grep -q 'TESSERA-LINUX: init reached' $lxlog 2>/dev/null; do
		i=$((i + 1))
		usleep 100000
	done
	t3=$(ms)
	grep -q 'TESSERA-LINUX: init reached' $lxlog 2>/dev/null
	check "xl create of a Linux PVH guest: its console reaches xenconsoled" $(($? | rc)) \
		"rc=$rc $(cat /tmp/err | tr '\n' '|') state=$(state_of lx1) log [$(tail -c 300 $lxlog 2>&1 | tr '\n' '|')]"
	echo "XL-CHECK: FIGURE: linux: xl create returned in $((t1 - t0)) ms, first console line after $((t2 - t0)) ms, /init after $((t3 - t0)) ms"
	xl destroy lx1
	i=0
	while [ $i -lt 50 ] && [ "$(free_mem)" != "$free0" ]; do
		i=$((i + 1))
		usleep 100000
	done
	[ "$(state_of lx1)" = gone ] && [ "$(free_mem)" = "$free0" ]
	check "destroy of the Linux guest: gone, free memory back" $? "free $free0 -> $(free_mem)"
fi

xl destroy 0 2>/dev/null
check "destroy of domain 0 is refused" $(($? != 1)) "rc=$?"
xl dmesg | grep -q "d[0-9]*: destroyed"
check "dmesg reads the hypervisor log" $? "$(xl dmesg 2>&1 | head -c 100)"
xl vcpu-list | grep -q '^Domain-0 .* all / all$' && xl uptime | grep -q '^Domain-0 '
check "vcpu-list and uptime" $? "$(xl vcpu-list 2>&1 | head -2 | tr '\n' '|')"
echo "XL-CHECK: END"
