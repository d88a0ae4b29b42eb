/* Pass-1 symbol table: empty, in the same section as the real one. */
	.section .hvsymbols, "a"
	.balign 8
	.globl hv_symbols, hv_symbols_count, hv_symbol_names
hv_symbols_count:
	.quad 0
hv_symbols:
hv_symbol_names:
	.byte 0
