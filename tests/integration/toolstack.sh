#!/bin/bash
# The tool libraries and the PVH domain builder (dom0-tools/libs) driven by a
# unikernel control domain (tests/guests/toolstack/ctl.c) beside the xenstore
# domain: it builds the guest image it was handed as a boot module five
# times; each guest prints one line and powers off, the control domain sees
# VIRQ_DOM_EXC and the shutdown in getdomaininfo, destroys it and finds
# xc_physinfo's free memory back at its value before; refused builds (bad
# ELF, more memory than the host has, too little memory, a failure after
# the domain exists) leave nothing
# behind.
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh

bundle=$BUILD/guests/toolstack/plans/toolstack.bundle
name=toolstack
use_test_build toolstack-prerequisites || exit 0 # the lock checker (docs/locking.md)
boot_until "$name" 1 256M "loglvl=info" "$bundle" 60 \
	'toolstack: FAIL|Panic' 'toolstack: PASS'

for i in 1 2 3 4 5; do
	check_line "$name: cycle $i: guest built, printed and powered off" \
		"toolstack-guest: hello from d[0-9]+, cycle $i," "no hello line from the cycle-$i guest"
	check_line "$name: cycle $i: destroyed, free memory back" \
		"toolstack: cycle $i: d[0-9]+ powered off and destroyed; free pages back" \
		"no destroy line for cycle $i"
done
check_line "$name: bad ELF refused, nothing left" 'toolstack: refused a bad ELF image' \
	"no refusal line"
check_line "$name: more memory than the host has refused, nothing left" \
	'toolstack: refused more memory than the host has \(-12\)' "no refusal line"
check_line "$name: too little memory refused, nothing left" 'toolstack: refused too little memory' \
	"no refusal line"
check_line "$name: a failure after createdomain destroys the domain" \
	'toolstack: refused a console backend that is no domain' "no refusal line"
check_line "$name: verdict" 'toolstack: PASS 5 create/destroy cycles' "no PASS verdict"
