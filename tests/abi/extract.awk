# Lists the ABI items one Tessera public header declares, for gen.sh.
# Input: the header with comments removed (cpp -fpreprocessed -dD -P).
# Output, one item per line:
#   S <type>            size of a struct/union/typedef'd type
#   F <type>|<member>   offset and size of a member (nested members as a.b,
#                       members of an array of structs as a[0].b)
#   C <name>            object-like #define with a value (gen.sh tries it as
#                       an integer constant)
#   E <name>            enumerator
#   R <name>            DEFINE_RING_TYPES(name, ...) instantiation
#
# It relies on the layout rules the public headers follow: one member per
# line, nested aggregates opened by "struct {" / "union {" on their own line
# and closed by "} name;" (or "};" when anonymous).  A header that breaks the
# rules makes test-abi fail (the item does not compile on our side), so the
# rules cannot drift silently.

function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

# Adds the members declared by one "type a, b[3], *c;" line at level lv.
function add_members(decl, lv,    n, parts, i, nm) {
	decl = trim(decl)
	sub(/;$/, "", decl)
	sub(/^__extension__[ \t]+/, "", decl)
	gsub(/\[[^]]*\]/, "", decl)          # array dimensions
	n = split(decl, parts, ",")
	for (i = 1; i <= n; i++) {
		nm = trim(parts[i])
		if (i == 1)
			sub(/.*[ \t*)]/, "", nm)     # drop the type: keep the last word
		gsub(/[* \t]/, "", nm)
		if (nm != "")
			fields[lv] = fields[lv] nm "\n"
	}
}

# Closes nesting level lv with declarator list decl ("" when anonymous).
function close_level(lv, decl,    n, parts, i, nm, prefix, m, list, j) {
	decl = trim(decl)
	sub(/;$/, "", decl)
	if (decl == "") {
		fields[lv - 1] = fields[lv - 1] fields[lv]
	} else {
		n = split(decl, parts, ",")
		for (i = 1; i <= n; i++) {
			nm = trim(parts[i])
			prefix = nm
			if (nm ~ /\[/) {
				sub(/\[.*/, "", nm)
				prefix = nm "[0]"
			}
			fields[lv - 1] = fields[lv - 1] nm "\n"
			m = split(fields[lv], list, "\n")
			for (j = 1; j <= m; j++)
				if (list[j] != "")
					fields[lv - 1] = fields[lv - 1] prefix "." list[j] "\n"
		}
	}
	fields[lv] = ""
}

function emit_aggregate(type,    m, list, j) {
	print "S " type
	m = split(fields[1], list, "\n")
	for (j = 1; j <= m; j++)
		if (list[j] != "")
			print "F " type "|" list[j]
	fields[1] = ""
}

BEGIN { depth = 0; in_enum = 0; pending = "" }

# Join continuation lines first.
{
	line = pending $0
	if (line ~ /\\$/) {
		sub(/\\$/, "", line)
		pending = line
		next
	}
	pending = ""
	line = trim(line)
}

line == "" { next }

line ~ /^#/ {
	if (line ~ /^#[ \t]*define[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]/ &&
	    line !~ /^#[ \t]*define[ \t]+[A-Za-z_][A-Za-z0-9_]*\(/) {
		name = line
		sub(/^#[ \t]*define[ \t]+/, "", name)
		value = name
		sub(/[ \t].*/, "", name)
		sub(/^[A-Za-z_][A-Za-z0-9_]*[ \t]*/, "", value)
		if (value != "" && value !~ /["{]/)
			print "C " name
	}
	next
}

in_enum {
	if (line ~ /^}/) {
		in_enum = 0
		nm = line
		sub(/^}[ \t]*/, "", nm); sub(/;.*/, "", nm); nm = trim(nm)
		if (enum_typedef && nm != "")
			print "S " nm
		next
	}
	n = split(line, parts, ",")
	for (i = 1; i <= n; i++) {
		nm = trim(parts[i])
		sub(/[ \t]*=.*/, "", nm)
		if (nm ~ /^[A-Za-z_][A-Za-z0-9_]*$/)
			print "E " nm
	}
	next
}

depth == 0 {
	if (line ~ /^DEFINE_RING_TYPES[ \t]*\(/) {
		nm = line
		sub(/^DEFINE_RING_TYPES[ \t]*\([ \t]*/, "", nm)
		sub(/[ \t]*,.*/, "", nm)
		print "R " nm
		next
	}
	if (line ~ /^(typedef[ \t]+)?enum([ \t]+[A-Za-z_][A-Za-z0-9_]*)?[ \t]*\{/) {
		in_enum = 1
		enum_typedef = (line ~ /^typedef/)
		rest = line
		sub(/^[^{]*\{/, "", rest)
		if (rest ~ /}/) in_enum = 0
		next
	}
	if (line ~ /^(typedef[ \t]+)?(struct|union)([ \t]+[A-Za-z_][A-Za-z0-9_]*)?[ \t]*\{$/) {
		top_typedef = (line ~ /^typedef/)
		kind = line
		sub(/^typedef[ \t]+/, "", kind)
		tag = kind
		sub(/[ \t{].*/, "", kind)
		sub(/^(struct|union)[ \t]*/, "", tag)
		sub(/[ \t]*\{$/, "", tag)
		top_type = (tag != "") ? kind " " tag : ""
		depth = 1
		fields[1] = ""
		next
	}
	if (line ~ /^typedef[ \t]/ && line ~ /;$/ && line !~ /[{(]/) {
		nm = line
		sub(/;$/, "", nm)
		sub(/\[.*$/, "", nm)
		sub(/.*[ \t*]/, "", nm)
		print "S " nm
		next
	}
	next
}

# Inside an aggregate.
{
	if (line ~ /^(__extension__[ \t]+)?(struct|union)([ \t]+[A-Za-z_][A-Za-z0-9_]*)?[ \t]*\{$/) {
		depth++
		fields[depth] = ""
		next
	}
	if (line ~ /\{.*\}/) {       # one-line nested aggregate: a single member
		decl = line
		sub(/^.*\}/, "", decl)
		add_members("x " decl, depth)
		next
	}
	if (line ~ /^}/) {
		decl = line
		sub(/^}[ \t]*/, "", decl)
		if (depth == 1) {
			sub(/;.*/, "", decl)
			decl = trim(decl)
			if (top_type == "")
				top_type = decl
			emit_aggregate(top_type)
			if (top_typedef && decl != "" && decl != top_type)
				print "S " decl
			depth = 0
		} else {
			close_level(depth, decl)
			depth--
		}
		next
	}
	if (line ~ /;$/)
		add_members(line, depth)
}
