#!/bin/bash
# make test-abi: checks Tessera's public headers (hypervisor/include/public)
# against Xen 4.17's (Debian libxen-dev, /usr/include/xen).
#
#  1. every header compiles alone as C99, C++11 (both -pedantic) and as
#     freestanding GNU C11 the way the hypervisor builds;
#  2. for every struct/union/typedef, member, #define and enumerator OUR
#     headers declare, a program built against ours and one built against
#     Xen's print sizeof / offsetof / member size / value / constant type
#     (width and signedness), and the two lists are compared;
#  3. the code the headers carry (io/ring.h macros, the netif Toeplitz hash)
#     runs one scenario built against each side and must behave alike;
#     hvm/start_info.h offsets are also pinned by static assertions.
# Deliberate differences are excused by name in deliberate.txt; items only
# we declare must be listed, with a reason, in ours-only.txt.
#
# Usage: tests/abi/check.sh [out-dir]   (env: HOSTCC, HOSTCXX, XEN_INCLUDE)
set -u
cd "$(dirname "$0")/../.."
OUT=${1:-${BUILD:-build}/abi}
CC=${HOSTCC:-gcc}
CXX=${HOSTCXX:-g++}
XEN_INCLUDE=${XEN_INCLUDE:-/usr/include}
PUB=hypervisor/include/public
ABI=tests/abi
mkdir -p "$OUT"
rm -f "$OUT"/*.c "$OUT"/*.err

fail=0
if [ ! -f "$XEN_INCLUDE/xen/xen.h" ]; then
	echo "abi: FAIL: $XEN_INCLUDE/xen/xen.h not found (install libxen-dev)"
	exit 1
fi
for tool in "$CC" "$CXX" cpp; do
	if ! command -v "$tool" > /dev/null; then
		echo "abi: FAIL: $tool not found (the checks need gcc, g++ and cpp)"
		exit 1
	fi
done

headers=$(cd $PUB && find . -name '*.h' | sed 's|^\./||' | LC_ALL=C sort)

# ---- 1. each header alone -------------------------------------------------
freestanding_inc="-nostdinc -isystem $($CC -print-file-name=include)"
nh=0
for h in $headers; do
	src="$OUT/alone.c"
	printf '#include <public/%s>\ntypedef int abi_alone_nonempty_t;\n' "$h" > "$src"
	nh=$((nh + 1))
	if ! $CC -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -Ihypervisor/include "$src" 2> "$OUT/alone.err" ||
	   ! $CXX -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only -x c++ -Ihypervisor/include "$src" 2>> "$OUT/alone.err" ||
	   ! $CC -std=gnu11 -ffreestanding $freestanding_inc -Wall -Wextra -Werror -Wmissing-prototypes -Wshadow \
		-fsyntax-only -Ihypervisor/include "$src" 2>> "$OUT/alone.err"; then
		echo "abi: FAIL: $PUB/$h does not compile alone:"
		sed 's/^/    /' "$OUT/alone.err" | head -20
		fail=$((fail + 1))
	fi
done
rm -f "$OUT/alone.c" "$OUT/alone.err"
echo "abi: $nh headers compile alone (C99 -pedantic, C++11 -pedantic, freestanding GNU C11)"

# ---- 2. item lists ----------------------------------------------------------
: > "$OUT/items.raw"
for h in $headers; do
	cpp -fpreprocessed -dD -P "$PUB/$h" 2> /dev/null | awk -f $ABI/extract.awk >> "$OUT/items.raw"
done
awk '!seen[$0]++' "$OUT/items.raw" > "$OUT/items.txt"

# One C statement per line, so a compile error names exactly one item.
gen_body() {
	awk '
	function p(label, expr) { printf "P(\"%s\", %s);\n", label, expr }
	function ptr(type) { return "((" type " *)0)" }
	/^S / { t = substr($0, 3); p("size " t, "sizeof(" t ")") }
	/^F / {
		s = substr($0, 3); i = index(s, "|")
		t = substr(s, 1, i - 1); m = substr(s, i + 1)
		p("off " t "." m, "offsetof(" t ", " m ")")
		p("fsize " t "." m, "sizeof(" ptr(t) "->" m ")")
	}
	/^C / {
		n = $2
		printf "#ifdef %s\n", n
		p("const " n, "(" n ") * 1")
		p("ctype " n, "sizeof(" n ") * 2 + ((" n ") * 0 - 1 < 0)")
		printf "#else\nMISSING(\"const %s\");\nMISSING(\"ctype %s\");\n#endif\n", n, n, n
	}
	/^E / { p("enum " $2, $2) }
	/^R / {
		r = $2
		p("size union " r "_sring_entry", "sizeof(union " r "_sring_entry)")
		st = "struct " r "_sring"
		p("size " st, "sizeof(" st ")")
		split("req_prod req_event rsp_prod rsp_event pvt pvt.netif.smartpoll_active pvt.tapif_user.msg pvt.pvt_pad __pad ring", f, " ")
		for (k = 1; k <= 10; k++) {
			p("off " st "." f[k], "offsetof(" st ", " f[k] ")")
			p("fsize " st "." f[k], "sizeof(" ptr(st) "->" f[k] ")")
		}
		split("front:req_prod_pvt rsp_cons nr_ents sring|back:rsp_prod_pvt req_cons nr_ents sring", sides, "|")
		for (k = 1; k <= 2; k++) {
			split(sides[k], kv, ":")
			st = "struct " r "_" kv[1] "_ring"
			p("size " st, "sizeof(" st ")")
			n = split(kv[2], g, " ")
			for (j = 1; j <= n; j++) {
				p("off " st "." g[j], "offsetof(" st ", " g[j] ")")
				p("fsize " st "." g[j], "sizeof(" ptr(st) "->" g[j] ")")
			}
		}
		split("4096 8192 16384 65536 5000 12000", sz, " ")
		for (k = 1; k <= 6; k++)
			p("ringsize " r "/" sz[k], "__CONST_RING_SIZE(" r ", " sz[k] ")")
	}' "$OUT/items.txt"
}

gen_program() { # includes-file output
	{
		echo '#include <stdio.h>'
		echo '#include <stddef.h>'
		echo '#include <stdint.h>'
		cat "$1"
		echo '#define P(label, v) printf("%s %llu\n", label, (unsigned long long)(v))'
		echo '#define MISSING(label) puts(label " -")'
		echo 'int main(void)'
		echo '{'
		gen_body
		echo 'return 0;'
		echo '}'
	} > "$2"
}

# Compiles $1 to $2; each line that fails to compile becomes MISSING (the
# item does not exist on that side).  Gives up if an error is not on a P line.
build_side() { # src bin extra-flags...
	local src=$1 bin=$2
	shift 2
	local round lines l
	for round in 1 2 3 4 5 6 7 8; do
		if $CC -std=gnu11 -w -ftrack-macro-expansion=0 -fmax-errors=0 "$@" "$src" -o "$bin" 2> "$src.err"; then
			return 0
		fi
		lines=$(grep -E "^$src:[0-9]+:[0-9]+: error" "$src.err" | cut -d: -f2 | sort -un)
		if [ -z "$lines" ]; then
			cat "$src.err"
			return 1
		fi
		for l in $lines; do
			if ! sed -n "${l}p" "$src" | grep -q '^P("'; then
				echo "abi: error outside an item at $src:$l:"
				grep -E "^$src:$l:" "$src.err" | head -3
				return 1
			fi
		done
		sed -i -E "$(for l in $lines; do printf '%ss/^P\\(("[^"]*"), .*/MISSING(\\1);/;' "$l"; done)" "$src"
	done
	echo "abi: $src still fails to compile after 8 rounds"
	return 1
}

: > "$OUT/inc-ours.h"
: > "$OUT/inc-xen.h"
for h in $headers; do
	echo "#include <public/$h>" >> "$OUT/inc-ours.h"
	[ -f "$XEN_INCLUDE/xen/$h" ] && echo "#include <xen/$h>" >> "$OUT/inc-xen.h"
done
gen_program "$OUT/inc-ours.h" "$OUT/ours.c"
gen_program "$OUT/inc-xen.h" "$OUT/xen.c"
build_side "$OUT/ours.c" "$OUT/ours" -Ihypervisor/include || exit 1
build_side "$OUT/xen.c" "$OUT/xen" -D__XEN_TOOLS__ -I"$XEN_INCLUDE" || exit 1
"$OUT/ours" > "$OUT/ours.txt" || exit 1
"$OUT/xen" > "$OUT/xen.txt" || exit 1

# ---- compare ----------------------------------------------------------------
# Both allow-lists: "<label glob>  # reason"; a line without a reason is an error.
awk -v deliberate=$ABI/deliberate.txt -v oursonly=$ABI/ours-only.txt '
function glob2re(g,    r) {
	r = g
	gsub(/[.[\]()+?^$|{}\\]/, "\\\\&", r)
	gsub(/\*/, ".*", r)
	return "^" r "$"
}
function load(file, arr, tag,    line, pat, n) {
	n = 0
	while ((getline line < file) > 0) {
		if (line ~ /^[ \t]*(#|$)/) continue
		if (line !~ /#[ \t]*[^ \t]/) { printf "abi: %s: entry without a reason: %s\n", file, line; bad++ }
		pat = line; sub(/[ \t]*#.*/, "", pat)
		arr[++n] = glob2re(pat)
		orig[tag, n] = pat
		from[tag] = file
	}
	return n
}
function listed(label, arr, n, tag,    i) {
	for (i = 1; i <= n; i++) if (label ~ arr[i]) { used[tag, i] = 1; return 1 }
	return 0
}
BEGIN { nd = load(deliberate, del, "d"); no = load(oursonly, own, "o") }
FNR == NR { v = $NF; $NF = ""; sub(/ $/, ""); xen[$0] = v; next }
{
	v = $NF; $NF = ""; sub(/ $/, ""); label = $0
	split(label, w, " "); kind = w[1]
	if (v == "-") {
		if (kind == "const") { skipped = skipped " " w[2]; nskip++ }
		else if (kind == "ctype") { }
		else if (kind == "fsize") { nflex++ }
		else { printf "  DIFF %s: does not compile against our own headers\n", label; diffs++ }
		next
	}
	if (!(label in xen) || xen[label] == "-") {
		if (listed(label, own, no, "o")) { nown++; next }
		printf "  DIFF %s: ours only (%s) and not in tests/abi/ours-only.txt\n", label, v
		diffs++
		next
	}
	if (kind == "size") ns++
	else if (kind == "off" || kind == "fsize") nf++
	else nc++
	if (xen[label] != v) {
		if (listed(label, del, nd, "d")) { ndel++; next }
		printf "  DIFF %s: ours %s, Xen %s\n", label, v, xen[label]
		diffs++
	}
}
END {
	for (i = 1; i <= nd; i++) if (!used["d", i]) printf "abi: note: %s: entry matches nothing: %s\n", from["d"], orig["d", i]
	for (i = 1; i <= no; i++) if (!used["o", i]) printf "abi: note: %s: entry matches nothing: %s\n", from["o"], orig["o", i]
	if (nskip) printf "abi: note: %d #defines are not integer constants, not compared:%s\n", nskip, skipped
	if (nflex) printf "abi: note: %d flexible array members: offset compared, size not\n", nflex
	if (nown) printf "abi: note: %d items only in our headers, each listed in tests/abi/ours-only.txt\n", nown
	if (ndel) printf "abi: note: %d deliberate differences (tests/abi/deliberate.txt)\n", ndel
	diffs += bad
	printf "abi: compared %d items (%d structs, %d fields, %d constants), %d differences\n", ns + nf + nc, ns, nf, nc, diffs + 0
	exit diffs > 0
}' "$OUT/xen.txt" "$OUT/ours.txt" > "$OUT/compare.txt"
cmp_rc=$?
# Print the summary lines after the differences so the verdict is last.
grep -v '^abi: compared' "$OUT/compare.txt"
[ $cmp_rc -ne 0 ] && fail=$((fail + 1))

# Names Xen's mirrored headers define that ours do not (coverage, not errors).
for h in $headers; do
	[ -f "$XEN_INCLUDE/xen/$h" ] && cpp -fpreprocessed -dD -P "$XEN_INCLUDE/xen/$h" 2> /dev/null
done | awk '
	/^#[ \t]*define[ \t]+[A-Za-z_][A-Za-z0-9_]*([ \t]|$)/ { n = $0; sub(/^#[ \t]*define[ \t]+/, "", n); sub(/[ \t].*/, "", n); print "const " n; next }
	/^[ \t]*(typedef[ \t]+)?(struct|union)[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\{?[ \t]*$/ { n = $0; sub(/^[ \t]*(typedef[ \t]+)?/, "", n); sub(/[ \t]*\{?[ \t]*$/, "", n); print "size " n }
' | LC_ALL=C sort -u > "$OUT/xen-names.txt"
awk '$1 == "const" || $1 == "enum" { print "const", $2; next }
     $1 == "size" && ($2 == "struct" || $2 == "union") { print "size", $2, $3 }' "$OUT/ours.txt" | LC_ALL=C sort -u > "$OUT/our-names.txt"
LC_ALL=C comm -23 "$OUT/xen-names.txt" "$OUT/our-names.txt" | grep -v ' __XEN_PUBLIC\| _XEN_PUBLIC\| _XS_WIRE_H' > "$OUT/xen-only.txt"
echo "abi: note: $(wc -l < "$OUT/xen-only.txt") names in the mirrored Xen headers are not in ours (not an error; list: $OUT/xen-only.txt)"

# ---- 3. ring behaviour and start_info layout --------------------------------
if $CC -std=gnu11 -Wall -Wextra -Werror -Ihypervisor/include $ABI/macro_behaviour.c -o "$OUT/ring-ours" 2> "$OUT/ring.err" &&
   $CC -std=gnu11 -w -DUSE_XEN_HEADERS -D__XEN_TOOLS__ -I"$XEN_INCLUDE" $ABI/macro_behaviour.c -o "$OUT/ring-xen" 2>> "$OUT/ring.err" &&
   "$OUT/ring-ours" > "$OUT/ring-ours.txt" && "$OUT/ring-xen" > "$OUT/ring-xen.txt" &&
   diff -u "$OUT/ring-xen.txt" "$OUT/ring-ours.txt" > "$OUT/ring.diff"; then
	echo "abi: io/ring.h macros and the netif Toeplitz hash behave as Xen's over $(wc -l < "$OUT/ring-ours.txt") checkpoints"
else
	echo "abi: FAIL: io/ring.h macros or the netif Toeplitz hash differ from Xen's (or did not build):"
	cat "$OUT/ring.err" "$OUT/ring.diff" 2> /dev/null | head -30
	fail=$((fail + 1))
fi
if $CC -std=c11 -Wall -Wextra -Werror -fsyntax-only -Ihypervisor/include $ABI/layout_checks.c 2> "$OUT/layout.err"; then
	echo "abi: hvm/start_info.h layout matches its published offsets"
else
	echo "abi: FAIL: hvm/start_info.h layout:"
	head -20 "$OUT/layout.err"
	fail=$((fail + 1))
fi

grep '^abi: compared' "$OUT/compare.txt"
if [ $fail -ne 0 ]; then
	echo "abi: FAIL ($fail failing checks)"
	exit 1
fi
echo "abi: PASS"
