/* vsnprintf (common/lib/vsnprintf.c): the formats the console relies on, checked against C99. */
#include <stdio.h>
#include <string.h>
#include "unit.h"

int hv_snprintf(char *buf, size_t size, const char *fmt, ...);

UNIT_SUITE(format);

#define CHECK_FMT(expect, ...)                                                                     \
	do {                                                                                       \
		char b[128];                                                                       \
		int n = hv_snprintf(b, sizeof(b), __VA_ARGS__);                                    \
		CU_ASSERT_STRING_EQUAL(b, expect);                                                 \
		CU_ASSERT_EQUAL(n, (int)strlen(expect));                                           \
	} while (0)

UNIT_TEST(format, integers_match_c99)
{
	CHECK_FMT("42 -42 0", "%d %i %u", 42, -42, 0);
	CHECK_FMT("ffffffff", "%x", -1);
	CHECK_FMT("-9223372036854775808", "%ld", (long)(-9223372036854775807L - 1));
	CHECK_FMT("18446744073709551615", "%lu", ~0UL);
	CHECK_FMT("0x1f 0X1F 017", "%#x %#X %#o", 31, 31, 15);
	CHECK_FMT("+5  5", "%+d % d", 5, 5);
	CHECK_FMT("255 -1", "%hhu %hhd", 255, 255);
}

UNIT_TEST(format, width_precision_and_flags)
{
	CHECK_FMT("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42);
	CHECK_FMT("-0042", "%05d", -42);
	CHECK_FMT("  007", "%5.3d", 7);
	CHECK_FMT("0000000000000010", "%016lx", 16UL);
	CHECK_FMT("ab   |  abc", "%-5.2s|%*s", "abc", 5, "abc");
	CHECK_FMT("(null)", "%s", (char *)NULL);
	CHECK_FMT("x%", "%c%%", 'x');
}

UNIT_TEST(format, truncates_and_reports_full_length)
{
	char b[8];
	int n = hv_snprintf(b, sizeof(b), "%s", "0123456789");

	CU_ASSERT_EQUAL(n, 10);
	CU_ASSERT_STRING_EQUAL(b, "0123456");
	n = hv_snprintf(NULL, 0, "%d", 12345);
	CU_ASSERT_EQUAL(n, 5);
}

UNIT_TEST(format, pointer_is_hex_with_prefix)
{
	char want[64], got[64];

	snprintf(want, sizeof(want), "%#lx", 0xffff82d040200000UL);
	hv_snprintf(got, sizeof(got), "%p", (void *)0xffff82d040200000UL);
	CU_ASSERT_STRING_EQUAL(got, want);
}
