/*
 * Symbol lookup for stack traces, in the table the second link embeds
 * (hypervisor/tools/gen-symbols.sh): text symbols sorted by address.
 */
#ifndef TESSERA_SYMBOLS_H
#define TESSERA_SYMBOLS_H

#include <tessera/types.h>

struct symbol_entry {
	uint64_t addr;
	uint64_t name_off; /* into the names blob */
};

/* A sorted table and the text range it covers ([text_start, text_end)). */
struct symbol_table {
	const struct symbol_entry *entries;
	unsigned long count;
	const char *names;
	unsigned long text_start;
	unsigned long text_end;
};

/*
 * The symbol containing addr in table t: its name, addr's offset into it and
 * its size (up to the next higher symbol, or text_end for the last). NULL
 * when addr is outside the text range or below the first symbol.
 */
const char *symbols_lookup_in(const struct symbol_table *t, unsigned long addr,
			      unsigned long *offset, unsigned long *size);
/* Formats "name+0xoff/0xsize", or "0x<addr>" when unknown; returns snprintf's length. */
int symbols_format_in(const struct symbol_table *t, char *buf, size_t len, unsigned long addr);

/* The same in the hypervisor's own embedded table. */
const char *symbols_lookup(unsigned long addr, unsigned long *offset, unsigned long *size);
int symbols_format(char *buf, size_t len, unsigned long addr);

/* Room for any symbols_format() result that traces need. */
#define SYMBOL_BUF_LEN 128

#endif
