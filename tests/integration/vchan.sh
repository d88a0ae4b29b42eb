#!/bin/bash
# vchan between two unikernel guests (tests/guests/vchan/echo.c) beside the
# xenstore domain: the server (d2) shares the rings and publishes
# ring-ref/event-channel under /local/domain/2/data/vchan-<kind>, the client
# (d3) maps them and sends chunks that the server echoes back, for in-page
# rings (orders 10/11) and for 16 KiB rings in granted pages. Both go through
# libvchan's unikernel build (libvchan/ + the xengnttab/gntshr
# and xenevtchn unikernel backends). The client checks every echoed byte,
# the non-blocking calls, and that the server's keys leave the store after
# the close; the server sees the client close.
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh

bundle=$BUILD/guests/vchan/plans/vchan.bundle
name=vchan
boot_until "$name" 1 256M "loglvl=info" "$bundle" 60 \
	'vchantest [a-z-]*: FAIL|FAILURE|Panic' \
	'vchantest vchan-srv: SUCCESS' 'vchantest vchan-cli: SUCCESS'

for k in small big; do
	check_line "$name: $k rings: client echo" \
		"vchantest vchan-cli: PASS $k client echo of [0-9]+ bytes" \
		"no echo PASS from the client for the $k rings"
	check_line "$name: $k rings: server sees the close" \
		"vchantest vchan-srv: PASS $k server echoed [1-9][0-9]* bytes until the client closed" \
		"the $k server did not see the client close"
	check_line "$name: $k rings: store keys removed" "vchantest vchan-cli: PASS $k: store keys gone" \
		"the $k vchan's keys stayed in the store"
done
check_line "$name: non-blocking calls" "vchantest vchan-cli: PASS non-blocking" \
	"no non-blocking PASS"
ok=0
has 'vchantest [a-z-]*: FAIL|FAILURE' && ok=1
has 'vchantest vchan-srv: SUCCESS' && has 'vchantest vchan-cli: SUCCESS' || ok=1
report "$name: no guest failure" $ok "a guest reported a failure or did not finish"

# Part two: the Linux control domain as the client (tests/linux/dom0/plans/dom0-vchan.json):
# d0's /init runs xenvchan-echo client (libvchan/tools, over libxenvchan's Linux build:
# gntdev, /dev/xen/evtchn, libxenstore) against the same guest as server for d0.
bundle=$BUILD/linux/dom0/plans/dom0-vchan.bundle
name=vchan-dom0
need_linux_bundle "$bundle" "$name: small rings between d0 and a guest" \
	"$name: big rings between d0 and a guest" "$name: the guest served d0 and saw it close" || exit 0
boot_until "$name" 1 1G "loglvl=info" "$bundle" 60 \
	'vchantest [a-z-]*: FAIL|FAILURE|\] Panic:' 'd0: shut down' 'vchantest vchan-srv: SUCCESS'
for k in small big; do
	check_line "$name: $k rings between d0 and a guest" \
		"TESSERA-DOM0: vchan-$k = status 0 echo \[d0 says hello through the $k rings\]" \
		"d0's xenvchan-echo did not get its echo through the $k rings"
done
check_line "$name: the guest served d0 and saw it close" \
	'vchantest vchan-srv: PASS big server echoed [1-9][0-9]* bytes until the client closed' \
	"the guest did not see d0's client close"
