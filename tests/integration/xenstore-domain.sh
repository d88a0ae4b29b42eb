#!/bin/bash
# The xenstore domain (dom0-tools/xenstored/xenstored_uk.c) serving the boot
# domains: the hypervisor builds all four domains of
# tests/guests/xenstore/plans/xenstore-domain.json, then starts the store
# first; it introduces each (grant ref 1 + the store port), and two xenbus
# guests (tests/guests/xenstore/peer.c) check their /local/domain basics,
# swap messages through watches, and count to 40 in transactions with retry.
# xs-b then shuts down; with boot-domain-exit=destroy the hypervisor destroys
# it and xs-a must see @releaseDomain and its directory go. A fourth guest
# corrupts its ring indices: the store drops that connection only.
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh

bundle=$BUILD/guests/xenstore/plans/xenstore-domain.bundle
name=xenstore-domain
boot_until "$name" 1 256M "loglvl=info boot-domain-exit=destroy" "$bundle" 60 \
	'xstest [a-z-]*: FAIL|FAILURE|Panic' \
	'xstest xs-a: SUCCESS' 'xstest xs-b: SUCCESS' 'xenstored: d3 is gone' \
	'xenstored: d4: request ring indices out of range; connection dropped'

check_line "$name: store introduces the boot domains" \
	'xenstored: d1 serving; 3 other domain\(s\) found' "no 'serving; 3 other domain(s)' line"
for g in xs-a xs-b; do
	check_line "$name: $g basics" "xstest $g: PASS basics" "no basics PASS from $g"
	check_line "$name: $g watch" "xstest $g: PASS watch" "no watch PASS from $g"
	check_line "$name: $g transactions" "xstest $g: PASS transactions" "no transactions PASS from $g"
done
check_line "$name: xs-a sees @releaseDomain for xs-b" "xstest xs-a: PASS release" \
	"no release PASS from xs-a"
check_line "$name: store releases the destroyed domain" \
	'xenstored: d3 is gone: released, /local/domain/3 removed' "no release line for d3"
check_line "$name: hostile ring drops only its connection" \
	'xenstored: d4: request ring indices out of range; connection dropped' \
	"the store did not report the corrupt ring of d4"
ok=0
has 'xstest [a-z-]*: FAIL|FAILURE' && ok=1
report "$name: no guest failure" $ok "a guest reported a failure"
