/* Symbol lookup (common/symbols.c) against a small table laid out as gen-symbols.sh emits it. */
#include <stdio.h>
#include <string.h>
#include <tessera/symbols.h>
#include "unit.h"

UNIT_SUITE(symbols);

/* "alpha" at 0x1000, "beta" and its alias "beta_alias" at 0x1040, "gamma" at 0x1100; text ends at
 * 0x1180. */
static const char names[] = "alpha\0beta\0beta_alias\0gamma";
static const struct symbol_entry entries[] = {
    {0x1000, 0},
    {0x1040, 6},
    {0x1040, 11},
    {0x1100, 22},
};
static const struct symbol_table table = {
    .entries = entries,
    .count = 4,
    .names = names,
    .text_start = 0x1000,
    .text_end = 0x1180,
};

UNIT_TEST(symbols, start_of_symbol_has_offset_zero_and_size_to_next)
{
	unsigned long off = 99, size = 99;
	const char *n = symbols_lookup_in(&table, 0x1000, &off, &size);

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(n, "alpha");
	CU_ASSERT_EQUAL(off, 0);
	CU_ASSERT_EQUAL(size, 0x40);
}

UNIT_TEST(symbols, address_inside_symbol_gives_offset)
{
	unsigned long off, size;
	const char *n = symbols_lookup_in(&table, 0x103f, &off, &size);

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(n, "alpha");
	CU_ASSERT_EQUAL(off, 0x3f);
	n = symbols_lookup_in(&table, 0x10ff, &off, &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(n, "beta_alias");
	CU_ASSERT_EQUAL(off, 0xbf);
}

UNIT_TEST(symbols, aliases_take_size_up_to_next_higher_address)
{
	unsigned long off, size;
	const char *n = symbols_lookup_in(&table, 0x1050, &off, &size);

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(n, "beta_alias");
	CU_ASSERT_EQUAL(off, 0x10);
	CU_ASSERT_EQUAL(size, 0xc0);
}

UNIT_TEST(symbols, last_symbol_ends_at_text_end)
{
	unsigned long off, size;
	const char *n = symbols_lookup_in(&table, 0x117f, &off, &size);

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(n, "gamma");
	CU_ASSERT_EQUAL(off, 0x7f);
	CU_ASSERT_EQUAL(size, 0x80);
}

UNIT_TEST(symbols, outside_text_is_null)
{
	static const struct symbol_table empty = {entries, 0, names, 0x1000, 0x1180};

	CU_ASSERT_PTR_NULL(symbols_lookup_in(&table, 0xfff, NULL, NULL));
	CU_ASSERT_PTR_NULL(symbols_lookup_in(&table, 0x1180, NULL, NULL));
	CU_ASSERT_PTR_NULL(symbols_lookup_in(&table, 0, NULL, NULL));
	CU_ASSERT_PTR_NULL(symbols_lookup_in(&table, ~0UL, NULL, NULL));
	CU_ASSERT_PTR_NULL(symbols_lookup_in(&empty, 0x1000, NULL, NULL));
}

UNIT_TEST(symbols, text_below_first_symbol_is_null)
{
	struct symbol_table t = table;

	t.text_start = 0x800;
	CU_ASSERT_PTR_NULL(symbols_lookup_in(&t, 0x900, NULL, NULL));
}

UNIT_TEST(symbols, every_address_of_a_large_table_finds_its_symbol)
{
	static struct symbol_entry big[1000];
	static char bignames[1000 * 8];
	struct symbol_table t = {big, 1000, bignames, 0x10000, 0x10000 + 1000 * 0x20};
	unsigned long off, size;

	for (unsigned int i = 0; i < 1000; i++) {
		big[i].addr = 0x10000 + i * 0x20;
		big[i].name_off = i * 8;
		snprintf(bignames + i * 8, 8, "f%u", i);
	}
	for (unsigned int i = 0; i < 1000; i++) {
		char want[8];
		const char *n = symbols_lookup_in(&t, 0x10000 + i * 0x20 + 0x1f, &off, &size);

		snprintf(want, sizeof(want), "f%u", i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(n);
		CU_ASSERT_STRING_EQUAL(n, want);
		CU_ASSERT_EQUAL(off, 0x1f);
		CU_ASSERT_EQUAL(size, 0x20);
	}
}

UNIT_TEST(symbols, format_is_name_plus_offset_slash_size)
{
	char buf[64];

	symbols_format_in(&table, buf, sizeof(buf), 0x1112);
	CU_ASSERT_STRING_EQUAL(buf, "gamma+0x12/0x80");
	symbols_format_in(&table, buf, sizeof(buf), 0x1000);
	CU_ASSERT_STRING_EQUAL(buf, "alpha+0x0/0x40");
	symbols_format_in(&table, buf, sizeof(buf), 0xdead);
	CU_ASSERT_STRING_EQUAL(buf, "0xdead");
}
