#!/bin/bash
# xl on the host, no QEMU (dom0-tools/xl): what it does before it needs a
# hypervisor. Config errors name file, line and key with exit status 1;
# -n (dry run) prints the config JSON; command-line KEY=VALUE overrides win;
# unknown commands fail; without /dev/xen/privcmd commands fail cleanly.
# The create/destroy sequence itself is unit-tested (tests/unit/test_txl_create.c)
# and runs in the control domain (tests/integration/dom0.sh).
set -u
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
xl=$build/tools/dom0/xl
if [ ! -x "$xl" ]; then
	echo "FAIL: xl host: $xl not built (make BUILD=$build tools)"
	exit 0
fi
dir=$(mktemp -d /tmp/xl-test.XXXXXX)
trap 'rm -rf "$dir"' EXIT

check() { # NAME CONDITION-STATUS DETAIL
	if [ "$2" -eq 0 ]; then echo "PASS: xl host: $1"; else echo "FAIL: xl host: $1 ($3)"; fi
}

cat >"$dir/good.cfg" <<'CFG'
# a unikernel guest
name = "uk1"
type = "pvh"
memory = 64
vcpus = 2
kernel = "/lib/tessera/ts-hello.elf"
extra = "console=hvc0"
on_reboot = "destroy"
disk = [ 'format=raw, vdev=xvda, access=rw, target=/img/uk1.img' ]
vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]
CFG
out=$("$xl" create -n "$dir/good.cfg" 2>"$dir/err")
rc=$?
echo "$out" | grep -q '"name":"uk1"' && echo "$out" | grep -q '"target_memkb":65536' &&
	echo "$out" | grep -q '"on_reboot":"destroy"' && echo "$out" | grep -q '"vdev":"xvda"'
check "dry run prints the parsed config" $((rc | $?)) "rc=$rc out=${out:0:200}"
grep -q "no disk or network backend yet" "$dir/err"
check "disk/vif are kept and said to have no backend" $? "$(head -c 200 "$dir/err")"

out=$("$xl" create -n "$dir/good.cfg" memory=128 'name="uk2"' 2>/dev/null)
echo "$out" | grep -q '"name":"uk2"' && echo "$out" | grep -q '"target_memkb":131072'
check "command-line overrides win" $? "${out:0:200}"

printf 'name = "bad"\nkernel = "/k"\n\nvcpus = 500\n' >"$dir/bad.cfg"
"$xl" create "$dir/bad.cfg" 2>"$dir/err" >/dev/null
rc=$?
grep -qx "$dir/bad.cfg:4: vcpus: 500 is out of range (1 to 128)" "$dir/err"
check "bad value: one message with file:line:key, exit 1" $(($? | (rc != 1))) "rc=$rc $(head -c 200 "$dir/err")"

printf 'name = "bad"\nkernel = "/k"\ndisk = [ "a,xvda,w",\n' >"$dir/syntax.cfg"
"$xl" create "$dir/syntax.cfg" 2>"$dir/err" >/dev/null
rc=$?
grep -q "^$dir/syntax.cfg:4: disk: unterminated list (the '\[' is on line 3)$" "$dir/err"
check "syntax error: file:line:key, exit 1" $(($? | (rc != 1))) "rc=$rc $(head -c 200 "$dir/err")"

"$xl" frobnicate >/dev/null 2>&1
check "unknown command exits 1" $(($? != 1)) "rc=$?"

if [ ! -e /dev/xen/privcmd ]; then
	"$xl" list >/dev/null 2>"$dir/err"
	rc=$?
	grep -q "cannot open the hypervisor interface" "$dir/err"
	check "list without a hypervisor fails with a message, exit 1" $(($? | (rc != 1))) \
		"rc=$rc $(head -c 200 "$dir/err")"
fi
