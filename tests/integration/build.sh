#!/bin/bash
# The PVH boot-domain builder: the default bundle's domains are built (one
# "built" line each, xenstore first); a bundle mixing good and bad domains
# builds the good ones and refuses each bad one with its reason (PV and HVM
# modes, a kernel without the PHYS32_ENTRY note, a bzImage, not an ELF, too
# little memory, more memory than the machine has); a corrupt kernel blob
# refuses only its domain.
cd "$(dirname "$0")/../.." && . tests/integration/lib.sh

MKBOOT=$BUILD/tools/mkboot
DEFAULT=$BUILD/default.bundle
HLT=$BUILD/guests/hlt.elf
WORK=$LOGDIR/build
mkdir -p "$WORK"

if [ ! -x "$MKBOOT" ] || [ ! -f "$DEFAULT" ] || [ ! -f "$HLT" ]; then
	echo "FAIL: build-prerequisites (no $MKBOOT, $DEFAULT or $HLT: run make BUILD=$BUILD all)"
	exit 0
fi

# 1. The default bundle: both domains built, in build order.
boot build-default 2 256M "loglvl=info test-exit" "$DEFAULT" 60
ok=0 why=
if [ "$status" -ne "$EXIT_SUCCESS" ]; then
	ok=1 why=$(why_status)
elif ! has "d1 'xenstore': PVH, 16 MiB, 1 vCPU, entry 0x100000, start_info 0x[0-9a-f]+, built"; then
	ok=1 why="no built line for d1 'xenstore'"
elif ! has "d0 'control': PVH, 64 MiB, 1 vCPU, entry 0x100000, start_info 0x[0-9a-f]+, built"; then
	ok=1 why="no built line for d0 'control'"
elif [ "$(grep -nE "d[01] '[a-z]+': PVH" "$log" | head -n 1 | grep -c xenstore)" -ne 1 ]; then
	ok=1 why="xenstore was not built first"
elif has "refused"; then
	ok=1 why="a default domain was refused"
fi
report build-default $ok "$why"

# 2. Good and bad domains in one bundle.
cp "$HLT" "$WORK/hlt.elf"
objcopy -R .note.Xen "$HLT" "$WORK/nonote.elf"
head -c 4096 /dev/zero >"$WORK/bz.img"
printf '\x55\xaa' | dd of="$WORK/bz.img" bs=1 seek=$((0x1fe)) conv=notrunc status=none
printf 'HdrS' | dd of="$WORK/bz.img" bs=1 seek=$((0x202)) conv=notrunc status=none
printf 'just some text, not a kernel\n' >"$WORK/text.img"
dom() { # dom NAME DOMID MODE MEMORY KERNEL [VCPUS]
	printf '{ "name": "%s", "domid": %s, "roles": ["guest"], "mode": "%s", "memory": "%s", "vcpus": %s, "kernel": "%s" }' \
		"$1" "$2" "$3" "$4" "${6:-1}" "$5"
}
cat >"$WORK/mixed.json" <<EOF
{ "format": 1, "domains": [
	$(dom good 1 pvh 16M hlt.elf 2),
	$(dom pv 2 pv 16M hlt.elf),
	$(dom hvm 3 hvm 16M hlt.elf),
	$(dom nonote 4 pvh 16M nonote.elf),
	$(dom bz 5 pvh 16M bz.img),
	$(dom text 6 pvh 16M text.img),
	$(dom tiny 7 pvh 1M hlt.elf),
	$(dom huge 8 pvh 1G hlt.elf),
	$(dom last 9 pvh 8M hlt.elf)
] }
EOF
if ! out=$("$MKBOOT" "$WORK/mixed.json" --base "$WORK" -o "$WORK/mixed.bundle" 2>&1); then
	echo "FAIL: build-mixed (mkboot: $out)"
else
	boot build-mixed 2 256M "loglvl=info test-exit" "$WORK/mixed.bundle" 60
	ok=0 why=
	refused() { # refused DOMID NAME REASON-REGEX
		if [ $ok -eq 0 ] && ! has "d$1 '$2': refused: $3"; then
			ok=1 why="no refusal of d$1 '$2' for [$3]"
		fi
	}
	if [ "$status" -ne "$EXIT_SUCCESS" ]; then
		ok=1 why=$(why_status)
	elif ! has "d1 'good': PVH, 16 MiB, 2 vCPUs, entry 0x100000, start_info 0x[0-9a-f]+, built"; then
		ok=1 why="d1 'good' was not built"
	elif ! has "d9 'last': PVH, 8 MiB, 1 vCPU, .*built"; then
		ok=1 why="d9 'last' (after the refusals) was not built"
	fi
	refused 2 pv "PV guests are not supported yet"
	refused 3 hvm "HVM guests are not supported yet"
	refused 4 nonote "kernel has no XEN_ELFNOTE_PHYS32_ENTRY note"
	refused 5 bz "kernel: a Linux bzImage"
	refused 6 text "kernel: not an ELF image \\(no magic\\)"
	refused 7 tiny "memory 1024 KiB: at least 2048 KiB"
	refused 8 huge "out of memory populating 1048576 KiB"
	if [ $ok -eq 0 ] && ! has "d8: destroyed"; then
		ok=1 why="the half-built d8 was not torn down"
	elif [ $ok -eq 0 ] && [ "$(grep -cE "^\[.*\] d[0-9]+ .*: PVH, .*, built" "$log")" -ne 2 ]; then
		ok=1 why="expected exactly 2 built domains"
	fi
	report build-mixed $ok "$why"
fi

# 3. A corrupt kernel blob refuses its domain only (two distinct kernels: mkboot stores each once).
cp "$HLT" "$WORK/hlt2.elf"
printf 'distinct' >>"$WORK/hlt2.elf"
cat >"$WORK/two.json" <<EOF
{ "format": 1, "domains": [ $(dom alpha 1 pvh 16M hlt.elf), $(dom beta 2 pvh 16M hlt2.elf) ] }
EOF
if ! out=$("$MKBOOT" "$WORK/two.json" --base "$WORK" -o "$WORK/two.bundle" 2>&1); then
	echo "FAIL: build-bad-checksum (mkboot: $out)"
else
	# beta is domain 1: its kernel offset is at 64 (header) + 1144 (domain 0) + 72.
	koff=$(od -An -tu8 -j$((64 + 1144 + 72)) -N8 "$WORK/two.bundle" | tr -d ' ')
	at=$((koff + 100))
	byte=$(od -An -tu1 -j"$at" -N1 "$WORK/two.bundle" | tr -d ' ')
	printf "\\$(printf '%03o' $((byte ^ 0x01)))" |
		dd of="$WORK/two.bundle" bs=1 seek="$at" conv=notrunc status=none
	boot build-bad-checksum 1 256M "loglvl=info test-exit" "$WORK/two.bundle" 60
	ok=0 why=
	if [ "$status" -ne "$EXIT_SUCCESS" ]; then
		ok=1 why=$(why_status)
	elif ! has "d2 'beta': refused: kernel checksum mismatch \\(stored [0-9a-f]{16}, computed"; then
		ok=1 why="d2 'beta' was not refused for its checksum"
	elif ! has "d1 'alpha': PVH, 16 MiB, 1 vCPU, .*built"; then
		ok=1 why="d1 'alpha' was not built"
	fi
	report build-bad-checksum $ok "$why"
fi
