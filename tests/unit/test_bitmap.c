/* tessera/bitmap.h: bit operations and searches. */
#include <tessera/bitmap.h>
#include "unit.h"

UNIT_SUITE(bitmap);

UNIT_TEST(bitmap, set_clear_test_across_word_boundaries)
{
	DECLARE_BITMAP(map, 200);

	bitmap_zero(map, 200);
	set_bit(0, map);
	set_bit(63, map);
	set_bit(64, map);
	__set_bit(199, map);
	CU_ASSERT_TRUE(test_bit(0, map));
	CU_ASSERT_TRUE(test_bit(63, map));
	CU_ASSERT_TRUE(test_bit(64, map));
	CU_ASSERT_TRUE(test_bit(199, map));
	CU_ASSERT_FALSE(test_bit(1, map));
	CU_ASSERT_FALSE(test_bit(65, map));
	CU_ASSERT_EQUAL(map[0], (1UL << 63) | 1UL);
	CU_ASSERT_EQUAL(map[1], 1UL);
	CU_ASSERT_EQUAL(bitmap_weight(map, 200), 4);
	clear_bit(63, map);
	__clear_bit(199, map);
	CU_ASSERT_FALSE(test_bit(63, map));
	CU_ASSERT_EQUAL(bitmap_weight(map, 200), 2);
}

UNIT_TEST(bitmap, test_and_set_and_clear_report_the_old_value)
{
	DECLARE_BITMAP(map, 64);

	bitmap_zero(map, 64);
	CU_ASSERT_FALSE(test_and_set_bit(5, map));
	CU_ASSERT_TRUE(test_and_set_bit(5, map));
	CU_ASSERT_TRUE(test_and_clear_bit(5, map));
	CU_ASSERT_FALSE(test_and_clear_bit(5, map));
	CU_ASSERT_EQUAL(map[0], 0UL);
}

UNIT_TEST(bitmap, find_first_and_next_bit_walk_set_bits_in_order)
{
	DECLARE_BITMAP(map, 150);
	const unsigned int want[] = {3, 64, 100, 149};
	unsigned int bit, n = 0;

	bitmap_zero(map, 150);
	CU_ASSERT_EQUAL(find_first_bit(map, 150), 150);
	for (unsigned int i = 0; i < 4; i++)
		set_bit(want[i], map);
	CU_ASSERT_EQUAL(find_first_bit(map, 150), 3);
	CU_ASSERT_EQUAL(find_next_bit(map, 150, 4), 64);
	CU_ASSERT_EQUAL(find_next_bit(map, 150, 64), 64);
	CU_ASSERT_EQUAL(find_next_bit(map, 150, 101), 149);
	CU_ASSERT_EQUAL(find_next_bit(map, 150, 150), 150);
	for_each_set_bit(bit, map, 150)
	{
		CU_ASSERT_EQUAL(bit, want[n]);
		n++;
	}
	CU_ASSERT_EQUAL(n, 4);
}

UNIT_TEST(bitmap, searches_ignore_bits_beyond_size)
{
	DECLARE_BITMAP(map, 128);

	bitmap_zero(map, 128);
	set_bit(100, map);
	CU_ASSERT_EQUAL(find_first_bit(map, 90), 90);
	CU_ASSERT_EQUAL(bitmap_weight(map, 90), 0);
	/* All 70 valid bits set: no zero inside the size even though bit 70+ are clear. */
	bitmap_zero(map, 128);
	for (unsigned int i = 0; i < 70; i++)
		set_bit(i, map);
	CU_ASSERT_EQUAL(find_first_zero_bit(map, 70), 70);
	CU_ASSERT_EQUAL(find_first_zero_bit(map, 128), 70);
	CU_ASSERT_EQUAL(find_next_zero_bit(map, 128, 71), 71);
	clear_bit(10, map);
	CU_ASSERT_EQUAL(find_first_zero_bit(map, 70), 10);
}
