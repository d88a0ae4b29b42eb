#!/bin/bash
# The Linux control domain (dom0-tools/dom0/, docs/control-domain.md): Debian's
# kernel as d0 with the control role beside the xenstore domain (d1), one boot
# of tests/linux/dom0/plans/dom0-test.json. Its /init loads the Xen modules of
# the same kernel package, mounts xenfs, and runs xen-smoke
# (dom0-tools/tools/xen-smoke.c): the tool libraries' Linux backends over
# /dev/xen/privcmd, evtchn, gntdev and gntalloc list the domains, read
# physinfo, bind VIRQ_DOM_EXC, map a page of the store domain and compare it
# with its image, share a page with themselves and map it back, then build the
# toolstack test guest three times (the first one paused, its console grant
# mapped and checked against a foreign map), see each power off, destroy it
# and find the free memory back (the second destroyed while one of its frames
# is still mapped); then d0 powers off. Its event channels run on the FIFO ABI
# (dmesg: "xen:events: Using FIFO-based ABI").
#
# Without the bundle every case is a FAIL, or a SKIP naming the kernel when make
# linux found that this machine cannot fetch it (lib.sh need_linux_bundle).
here=$(cd "$(dirname "$0")" && pwd)
cd "${here%/tests/*}" && . tests/integration/lib.sh

BUNDLE=$BUILD/linux/dom0/plans/dom0-test.bundle
CASES="dom0: boots as d0 beside the store domain|dom0: event channels on the FIFO ABI|dom0: Xen modules, xenfs and /dev/xen|dom0: domains, physinfo and event channels through privcmd|dom0: foreign map of the store domain|dom0: grant share and grant map|dom0: builds, watches and destroys guests, memory back|dom0: verdict and poweroff"

IFS='|' read -r -a cases <<<"$CASES"
need_linux_bundle "$BUNDLE" "${cases[@]}" || exit 0
use_test_build dom0-prerequisites || exit 0 # the lock checker under Linux (docs/locking.md)

# conswitch=]x: d0 would have the serial input (and print raw); its lines keep the (dom0) prefix.
boot_until dom0 2 1G "loglvl=info conswitch=]x" "$BUNDLE" 60 'xen-smoke: FAIL|\] Panic:' 'd0: shut down'

d0='\(dom0\) '
check_all "dom0: boots as d0 beside the store domain" \
	'd0: created "dom0" \(mode 1, 1 vCPUs, roles 0x1\)' "${d0}TESSERA-DOM0: init reached" \
	"${d0}TESSERA-DOM0: pvh = 1" 'xenstored: d0: first request: its xenbus is connected'
check_all "dom0: event channels on the FIFO ABI" 'xen:events: Using FIFO-based ABI'
check_all "dom0: Xen modules, xenfs and /dev/xen" \
	"${d0}TESSERA-DOM0: modules = xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs" \
	"${d0}TESSERA-DOM0: xenfs = capabilities privcmd xenbus" \
	"${d0}TESSERA-DOM0: devices = evtchn gntalloc gntdev .*privcmd xenbus"
check_all "dom0: domains, physinfo and event channels through privcmd" \
	"${d0}xen-smoke: domain d0: " "${d0}xen-smoke: domain d1: .*\(xenstore\)" \
	"${d0}xen-smoke: getinfolist: 2 domains" "${d0}xen-smoke: physinfo: 2 CPUs, [0-9]+ pages total" \
	"${d0}xen-smoke: evtchn: bound unbound port [0-9]+ and VIRQ_DOM_EXC to port [0-9]+"
check_all "dom0: foreign map of the store domain" \
	"${d0}xen-smoke: foreign map: d1 gfn 0x100 equals its ELF image"
check_all "dom0: grant share and grant map" \
	"${d0}xen-smoke: gntshr: shared ref [0-9]+ with d0, mapped back: same bytes" \
	"${d0}xen-smoke: grant map: d[0-9]+ ref 0 through gntdev is its console gfn"
check_all "dom0: builds, watches and destroys guests, memory back" \
	'\(d[0-9]+\) toolstack-guest: hello from d[0-9]+, cycle 1,' \
	'\(d[0-9]+\) toolstack-guest: hello from d[0-9]+, cycle 3,' \
	"${d0}xen-smoke: destroyed d[0-9]+ with gfn 0x[0-9a-f]+ still mapped" \
	"${d0}xen-smoke: cycle 1: d[0-9]+ powered off \(VIRQ_DOM_EXC\) and destroyed .* free pages back" \
	"${d0}xen-smoke: cycle 2: d[0-9]+ powered off \(VIRQ_DOM_EXC\) and destroyed .* free pages back" \
	"${d0}xen-smoke: cycle 3: d[0-9]+ powered off \(VIRQ_DOM_EXC\) and destroyed .* free pages back"
check_all "dom0: verdict and poweroff" "${d0}xen-smoke: PASS" 'd0: shut down \(reason 0\)'

# Figures, never asserted.
grep -aoE 'TESSERA-DOM0: init reached at uptime [0-9.]+ s' "$log" | head -n 1 | sed 's/^/dom0: /'
grep -aoE 'xen-smoke: cycle [0-9]+: built d[0-9]+ in [0-9]+ ms' "$log" | sed 's/^/dom0: /'
