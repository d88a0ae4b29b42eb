/*
 * Address-to-symbol lookup for stack traces: a binary search in a table of
 * text symbols sorted by address. The hypervisor's table is generated from
 * the first link pass and embedded in .rodata by the second.
 *
 * Locking: none; the tables are read-only.
 */
#include <tessera/format.h>
#include <tessera/symbols.h>

const char *symbols_lookup_in(const struct symbol_table *t, unsigned long addr,
			      unsigned long *offset, unsigned long *size)
{
	unsigned long lo = 0, hi = t->count, i, end;

	if (!t->count || addr < t->text_start || addr >= t->text_end || addr < t->entries[0].addr)
		return NULL;
	/* Find the last entry with entries[i].addr <= addr (aliases: the last of them). */
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (t->entries[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	i = lo;
	/* The symbol ends where the next one at a higher address starts. */
	end = t->text_end;
	for (unsigned long j = i + 1; j < t->count; j++) {
		if (t->entries[j].addr > t->entries[i].addr) {
			end = t->entries[j].addr;
			break;
		}
	}
	if (offset)
		*offset = addr - t->entries[i].addr;
	if (size)
		*size = end - t->entries[i].addr;
	return t->names + t->entries[i].name_off;
}

int symbols_format_in(const struct symbol_table *t, char *buf, size_t len, unsigned long addr)
{
	unsigned long off, size;
	const char *name = symbols_lookup_in(t, addr, &off, &size);

	if (!name)
		return snprintf(buf, len, "0x%lx", addr);
	return snprintf(buf, len, "%s+0x%lx/0x%lx", name, off, size);
}

#ifndef TESSERA_HOST_TEST
/* Emitted by gen-symbols.sh (symbols-empty.S in the first pass). */
extern const unsigned long hv_symbols_count;
extern const struct symbol_entry hv_symbols[];
extern const char hv_symbol_names[];
extern const char _start[], _etext[];

static struct symbol_table hv_table(void)
{
	return (struct symbol_table){
	    .entries = hv_symbols,
	    .count = hv_symbols_count,
	    .names = hv_symbol_names,
	    .text_start = (unsigned long)_start,
	    .text_end = (unsigned long)_etext,
	};
}

const char *symbols_lookup(unsigned long addr, unsigned long *offset, unsigned long *size)
{
	struct symbol_table t = hv_table();

	return symbols_lookup_in(&t, addr, offset, size);
}

int symbols_format(char *buf, size_t len, unsigned long addr)
{
	struct symbol_table t = hv_table();

	return symbols_format_in(&t, buf, len, addr);
}
#endif
