#!/bin/bash
# The boot bundle: the hypervisor lists the default bundle's domains in build
# order (xenstore first) exactly as mkboot --dump does; a truncated bundle and
# a bad magic are each rejected with the specific reason while the boot still
# completes; a flipped blob byte refuses only the domains using that blob;
# mkboot refuses bad plans clearly.
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh

MKBOOT=$BUILD/tools/mkboot
DEFAULT=$BUILD/default.bundle
WORK=$LOGDIR/bundle
mkdir -p "$WORK"
TS='^\[ *[0-9]+\.[0-9]{6}\] '

# boot_rejected NAME BUNDLE-ARG REASON-REGEX: the bundle is refused for REASON and the boot goes on.
boot_rejected() {
	local name=$1 arg=$2 reason=$3 ok=0 why=
	boot "$name" 1 256M "loglvl=info test-exit" "$arg" 60
	if [ "$status" -ne "$EXIT_SUCCESS" ]; then
		ok=1 why=$(why_status)
	elif ! has "boot bundle rejected: $reason"; then
		ok=1 why="no 'boot bundle rejected: $reason'"
	elif ! has "Boot complete"; then
		ok=1 why="boot did not complete"
	elif has "^\[.*\]   (xenstore|control): domid"; then
		ok=1 why="a rejected bundle's domains were listed"
	fi
	report "$name" $ok "$why"
}

if [ ! -x "$MKBOOT" ] || [ ! -f "$DEFAULT" ]; then
	echo "FAIL: bundle-prerequisites (no $MKBOOT or $DEFAULT: run make BUILD=$BUILD all)"
	exit 0
fi
size=$(stat -c %s "$DEFAULT")

# 1. The default bundle: both domains listed, xenstore before control (and XXH3's known answers).
# (XXH3's known answers are a self-test: this one boot is of the test build.)
HV_BIN=$HV_TEST_BIN HV_ELF=$HV_TEST_ELF \
	boot bundle-default 1 256M "loglvl=info test-exit selftest=xxh3" "$DEFAULT" 60
ok=0 why=
if [ "$status" -ne "$EXIT_SUCCESS" ]; then
	ok=1 why=$(why_status)
elif ! has "${TS}boot bundle: format version 1, 2 domains, 0 extra modules, $size bytes"; then
	ok=1 why="no bundle summary line"
elif ! has "${TS}  xenstore: domid 1, roles xenstore, PVH, 16 MiB, 1 vCPU, kernel [0-9]+ bytes xxh3 [0-9a-f]{16}"; then
	ok=1 why="no xenstore domain line"
elif ! has "${TS}  control: domid 0, roles control\+hardware, PVH, 64 MiB, 1 vCPU, .*cmdline \"console=hvc0\""; then
	ok=1 why="no control domain line"
elif [ "$(grep -nE "  (xenstore|control): domid" "$log" | head -n 1 | grep -c xenstore)" -ne 1 ]; then
	ok=1 why="xenstore is not listed first"
elif has "boot bundle rejected"; then
	ok=1 why="the default bundle was rejected"
elif ! has "selftest xxh3: PASS"; then
	ok=1 why="selftest xxh3 did not pass"
fi
report bundle-default $ok "$why"

# 2. The hypervisor's listing is mkboot --dump's, line for line.
ok=0 why=
dump=$("$MKBOOT" --dump "$DEFAULT" 2>&1) || { ok=1 why="mkboot --dump failed: $dump"; }
listed=$(tr -d "\r" <"$log" | grep -E "${TS}(boot bundle: |  [A-Za-z0-9._-]+: domid |    [A-Za-z0-9._-]+ module )" | sed -E "s/${TS}//")
if [ $ok -eq 0 ] && [ "$dump" != "$listed" ]; then
	ok=1 why="listings differ: mkboot says [$dump], the hypervisor [$listed]"
fi
report bundle-listing-matches-mkboot-dump $ok "$why"

# 3. No module at all.
boot bundle-none 1 256M "loglvl=info test-exit" "" 60
ok=0 why=
if [ "$status" -ne "$EXIT_SUCCESS" ]; then
	ok=1 why=$(why_status)
elif ! has "no boot bundle: no boot domains"; then
	ok=1 why="no 'no boot bundle' line"
fi
report bundle-none $ok "$why"

# 4. Truncated: the magic is intact, so it is still found, and refused.
head -c $((size - 100)) "$DEFAULT" >"$WORK/truncated.bundle"
boot_rejected bundle-truncated "$WORK/truncated.bundle" \
	"truncated: the header says $size bytes, the module holds $((size - 100))"

# 5. Bad magic: named as the bundle by its module command line.
cp "$DEFAULT" "$WORK/badmagic.bundle"
printf 'X' | dd of="$WORK/badmagic.bundle" bs=1 seek=0 conv=notrunc status=none
boot_rejected bundle-bad-magic "$WORK/badmagic.bundle bundle" "bad magic 58 53 52 42 4e 44 4c 1a"

# 6. One flipped byte inside domain 0's kernel blob (offset at byte 64 + 72 of the bundle).
cp "$DEFAULT" "$WORK/flipped.bundle"
koff=$(od -An -tu8 -j136 -N8 "$DEFAULT" | tr -d ' ')
at=$((koff + 64))
byte=$(od -An -tu1 -j"$at" -N1 "$DEFAULT" | tr -d ' ')
printf "\\$(printf '%03o' $((byte ^ 0x10)))" | dd of="$WORK/flipped.bundle" bs=1 seek="$at" conv=notrunc status=none
# The bundle stands; the domains using that blob (both: they share the kernel) are refused.
boot bundle-flipped-blob-byte 1 256M "loglvl=info test-exit" "$WORK/flipped.bundle" 60
ok=0 why=
if [ "$status" -ne "$EXIT_SUCCESS" ]; then
	ok=1 why=$(why_status)
elif has "boot bundle rejected"; then
	ok=1 why="the whole bundle was rejected"
elif ! has "  control: domid 0, .*, REFUSED: kernel checksum mismatch \(stored"; then
	ok=1 why="the listing does not mark control refused"
elif ! has "d0 'control': refused: kernel checksum mismatch \(stored [0-9a-f]{16}, computed [0-9a-f]{16}\)"; then
	ok=1 why="no refusal line for d0"
elif has "d[01] '[a-z]+': PVH.*built"; then
	ok=1 why="a domain with a corrupt kernel was built"
fi
report bundle-flipped-blob-byte $ok "$why"

# 7. mkboot refuses bad plans with a message naming the problem.
mkplan() { # mkplan NAME DOMAIN-JSON-BODY
	printf '{ "domains": [ { %s } ] }\n' "$2" >"$WORK/$1.json"
}
base='"name": "d", "domid": 1, "roles": ["guest"], "memory": 16'
cp "$BUILD/guests/hlt.elf" "$WORK/hlt.elf"
plan_case() { # plan_case NAME BODY EXPECTED-MESSAGE-REGEX
	local name=$1 out ok=0 why=
	mkplan "$name" "$2"
	if out=$("$MKBOOT" "$WORK/$name.json" -o "$WORK/$name.bundle" 2>&1); then
		ok=1 why="mkboot accepted the plan"
	elif ! echo "$out" | grep -Eq -- "$3"; then
		ok=1 why="message [$out] does not match [$3]"
	fi
	log=/dev/null
	report "mkboot-$name" $ok "$why"
}
plan_case unknown-key "$base, \"kernel\": \"hlt.elf\", \"memroy\": 4" \
	"domain 0 'd': unknown domain key \"memroy\" \\(known: name, domid"
plan_case missing-kernel "$base, \"kernel\": \"nosuch.elf\"" \
	"domain 0 'd': kernel \".*/nosuch.elf\": No such file or directory"
plan_case bad-role '"name": "d", "domid": 1, "roles": ["root"], "memory": 16, "kernel": "hlt.elf"' \
	"domain 0 'd': unknown role \"root\""
plan_case no-kernel "$base" "domain 0 'd': \"kernel\" is required"
printf '{ "domains": [ { %s }, { %s } ] }\n' "$base, \"kernel\": \"hlt.elf\"" \
	'"name": "e", "domid": 1, "roles": "guest", "memory": 16, "kernel": "hlt.elf"' >"$WORK/dup-domid.json"
ok=0 why=
if out=$("$MKBOOT" "$WORK/dup-domid.json" -o "$WORK/dup-domid.bundle" 2>&1); then
	ok=1 why="mkboot accepted two domains with domid 1"
elif ! echo "$out" | grep -q "the hypervisor would reject this bundle: domain 1 'e': domid 1 already used by domain 0 'd'"; then
	ok=1 why="message [$out]"
fi
log=/dev/null
report mkboot-duplicate-domid $ok "$why"
