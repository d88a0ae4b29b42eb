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

check() { # NAME REGEX WHY
	local ok=0
	if has '\] Panic:'; then
		report "$name: $1" 1 "the hypervisor panicked"
		return
	fi
	has "$2" || ok=1
	report "$name: $1" $ok "$3"
}

check "store introduces the boot domains" \
	'xenstored: d1 serving; 3 other domain\(s\) found' "no 'serving; 3 other domain(s)' line"
for g in xs-a xs-b; do
	check "$g basics" "xstest $g: PASS basics" "no basics PASS from $g"
	check "$g watch" "xstest $g: PASS watch" "no watch PASS from $g"
	check "$g transactions" "xstest $g: PASS transactions" "no transactions PASS from $g"
done
check "xs-a sees @releaseDomain for xs-b" "xstest xs-a: PASS release" \
	"no release PASS from xs-a"
check "store releases the destroyed domain" \
	'xenstored: d3 is gone: released, /local/domain/3 removed' "no release line for d3"
check "hostile ring drops only its connection" \
	'xenstored: d4: request ring indices out of range; connection dropped' \
	"the store did not report the corrupt ring of d4"
ok=0
has 'xstest [a-z-]*: FAIL|FAILURE' && ok=1
report "$name: no guest failure" $ok "a guest reported a failure"
