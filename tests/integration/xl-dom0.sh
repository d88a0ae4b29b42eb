#!/bin/bash
# xl in the Linux control domain against the hypervisor and the xenstore domain:
# boots the dom0 bundle (tests/linux/dom0, make dom0) to its shell, moves the serial
# input to d0 (Ctrl-] three times), sends dom0-tools/xl/test/xl-check.sh (base64) and
# runs it: create (paused, with the monitor, failing), unpause, destroy, 20 cycles with
# free memory checked, a bad config, dmesg, vcpu-list, uptime. Its "XL-CHECK: PASS/FAIL"
# lines become "PASS/FAIL: xl dom0: ...". SKIP without the kernel (make linux). About
# 30 s of QEMU. Usage: BUILD=... tests/integration/xl-dom0.sh
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
bundle=$BUILD/linux/dom0/plans/dom0.bundle
if [ ! -f "$bundle" ]; then
	echo "SKIP: xl dom0: no $bundle (make linux; make dom0)"
	exit 0
fi
log=$LOGDIR/xl-dom0.log
dir=$(mktemp -d /tmp/xl-dom0.XXXXXX)
mkfifo "$dir/in"
exec 3<>"$dir/in" # held open read-write: QEMU never sees end of input
timeout 180 "$QEMU" -machine pc -cpu "${QEMU_CPU:-qemu64,+svm,+npt,+rdrand}" \
	-display none -monitor none -nic none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio -smp 1 -m 1G \
	-kernel "$HV_BIN" -append "loglvl=info" -initrd "$bundle" <"$dir/in" >"$log" 2>&1 &
qemu=$!

# wait_for TEXT SECONDS: until the serial log has a line starting with TEXT (QEMU still up).
wait_for() {
	local end=$((SECONDS + $2))
	while [ $SECONDS -lt $end ] && kill -0 $qemu 2>/dev/null; do
		grep -aq "^$1" "$log" && return 0
		sleep 0.5
	done
	grep -aq "^$1" "$log"
}

finish() {
	kill $qemu 2>/dev/null
	wait $qemu 2>/dev/null
	exec 3>&-
	rm -rf "$dir"
}

if ! wait_for ".*TESSERA-DOM0: shell on hvc0" 120; then
	echo "FAIL: xl dom0: the control domain reached no shell (log $log)"
	finish
	exit 0
fi
printf '\035\035\035' >&3
wait_for ".*console input: d0" 10
printf '\n' >&3
for chunk in $(base64 -w 900 "${XL_CHECK_SCRIPT:-dom0-tools/xl/test/xl-check.sh}"); do
	printf 'echo %s >>/tmp/xl-check.b64\n' "$chunk" >&3
	sleep 0.2
done
printf 'base64 -d /tmp/xl-check.b64 >/tmp/xl-check.sh && sh /tmp/xl-check.sh; poweroff -f\n' >&3
wait_for "XL-CHECK: END" 120 || echo "FAIL: xl dom0: the checks did not finish (log $log)"
finish
# Only lines the script printed (not the echo of the command that printed them).
grep -a '^XL-CHECK: \(PASS\|FAIL\): ' "$log" | tr -d '\r' | sed 's/^XL-CHECK: \(PASS\|FAIL\): /\1: xl dom0: /'
grep -aq '^XL-CHECK: PASS: ' "$log" || echo "FAIL: xl dom0: no check ran (log $log)"
