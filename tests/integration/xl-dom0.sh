#!/bin/bash
# xl in the Linux control domain against the hypervisor and the xenstore domain:
# boots the dom0-xl bundle (tests/linux/dom0/plans/dom0-xl.json, make dom0), whose
# /init starts xenconsoled as Xen's dom0 does and runs dom0-tools/xl/test/xl-check.sh
# (carried in /lib/tessera, named by tessera.script=): xl list names the boot
# domains (Domain-0, Xenstore, boot-hlt by its plan name), create (paused, with the
# monitor, failing), unpause, destroy, 20 cycles with free memory checked, a bad
# config, the console (xenconsoled's log, xl console both ways), dmesg, vcpu-list,
# uptime. Its "XL-CHECK: PASS/FAIL" lines become "PASS/FAIL: xl dom0: ..."; its
# FIGURE lines (xl create to first console line) are printed, never asserted. Without
# the bundle: one FAIL, or one SKIP when this machine cannot fetch the kernel (lib.sh
# need_linux_bundle). About 30 s of QEMU.
# Usage: BUILD=... tests/integration/xl-dom0.sh
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
bundle=$BUILD/linux/dom0/plans/dom0-xl.bundle
need_linux_bundle "$bundle" "xl dom0" || exit 0
use_test_build xl-dom0-prerequisites || exit 0 # the lock checker under Linux and xl (docs/locking.md)
boot_until xl-dom0 1 1G "loglvl=info" "$bundle" 180 '\] Panic:' 'XL-CHECK: END|d0: shut down'
tr -d '\r' <"$log" >"$log.txt"
grep -q '^TESSERA-DOM0: xen-init-dom0 = status 0' "$log.txt"
report "xl dom0: init ran xen-init-dom0" $? "$(grep -a 'xen-init-dom0 =' "$log.txt")"
grep -q "console input: d0 'dom0'" "$log.txt"
report "xl dom0: the control domain has the serial input at boot" $?
grep -q '^XL-CHECK: END' "$log.txt" || echo "FAIL: xl dom0: the checks did not finish (log $log)"
grep -a '^XL-CHECK: \(PASS\|FAIL\): ' "$log.txt" | sed 's/^XL-CHECK: \(PASS\|FAIL\): /\1: xl dom0: /'
grep -a '^XL-CHECK: FIGURE: ' "$log.txt" | sed 's/^XL-CHECK: FIGURE: /xl dom0: /'
grep -aq '^XL-CHECK: PASS: ' "$log.txt" || echo "FAIL: xl dom0: no check ran (log $log)"
rm -f "$log.txt"
