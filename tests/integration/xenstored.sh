#!/bin/bash
# The Linux xenstored build (dom0-tools/xenstored/) on a private Unix socket, checked
# with Xen's own client library (libxenstore via XENSTORED_PATH): PASS:/FAIL: lines
# from dom0-tools/xenstored/test/libxs_check.c, plus a clean shutdown on SIGTERM.
# The same checks then run built with our libxenstore (dom0-tools/libs/store,
# $build/xenstored/libxs-check-ours), named "(our libxenstore)".
# No QEMU. Usage: BUILD=... tests/integration/xenstored.sh
set -u
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
bin=$build/xenstored/xenstored
check=$build/xenstored/libxs-check
if [ ! -x "$bin" ] || [ ! -x "$check" ]; then
	echo "FAIL: xenstored socket: $bin or $check not built (make BUILD=$build tools)"
	exit 0
fi
dir=$(mktemp -d /tmp/xenstored-test.XXXXXX)
sock=$dir/socket
# Quotas take Xen's -Q names; a bad one is refused before anything starts.
if "$bin" --socket "$dir/nosock" --quota nosuch=1 2>"$dir/qerr"; then
	echo "FAIL: xenstored socket: --quota nosuch=1 accepted"
elif grep -q "bad --quota" "$dir/qerr" && [ ! -e "$dir/nosock" ]; then
	echo "PASS: xenstored socket: --quota nosuch=1 refused"
else
	echo "FAIL: xenstored socket: --quota nosuch=1: $(head -c 200 "$dir/qerr")"
fi
"$bin" --socket "$sock" --pid-file "$dir/pid" --quota transaction-nodes=1024,outstanding=20 \
	2>"$dir/stderr" &
pid=$!
for _ in $(seq 50); do
	[ -S "$sock" ] && break
	sleep 0.1
done
XENSTORED_PATH=$sock timeout 20 "$check"
rc=$?
[ $rc -eq 124 ] && echo "FAIL: xenstored socket: libxs-check timed out"
ours=$build/xenstored/libxs-check-ours
if [ -x "$ours" ]; then
	XENSTORED_PATH=$sock timeout 20 "$ours" | sed 's/^\(PASS\|FAIL\): xenstored socket:/\1: xenstored socket (our libxenstore):/'
	[ "${PIPESTATUS[0]}" -eq 124 ] && echo "FAIL: xenstored socket (our libxenstore): timed out"
else
	echo "FAIL: xenstored socket (our libxenstore): $ours not built (make BUILD=$build tools)"
fi
kill -TERM "$pid" 2>/dev/null
if wait "$pid"; then
	echo "PASS: xenstored socket: daemon exits cleanly on SIGTERM"
else
	echo "FAIL: xenstored socket: daemon exit status $? ($(head -c 300 "$dir/stderr"))"
fi
rm -rf "$dir"
