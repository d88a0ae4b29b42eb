#!/bin/sh
# Generates the stack-trace symbol table (assembly) from a linked image:
# text symbols sorted by address, as {address, name offset} pairs plus names.
set -eu
elf=$1
nm -n --defined-only "$1" | awk '
$2 ~ /^[tTwW]$/ && $3 !~ /^\./ && $3 !~ /^\$/ { addr[n] = $1; name[n] = $3; n++ }
END {
	print "\t.section .hvsymbols, \"a\""
	print "\t.balign 8"
	print "\t.globl hv_symbols, hv_symbols_count, hv_symbol_names"
	print "hv_symbols_count:"
	printf "\t.quad %d\n", n
	print "hv_symbols:"
	off = 0
	for (i = 0; i < n; i++) {
		printf "\t.quad 0x%s, %d\n", addr[i], off
		off += length(name[i]) + 1
	}
	print "hv_symbol_names:"
	for (i = 0; i < n; i++)
		printf "\t.asciz \"%s\"\n", name[i]
}'
