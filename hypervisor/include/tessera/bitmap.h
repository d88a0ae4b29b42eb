/*
 * Bitmaps of unsigned longs: single-bit operations (atomic ones without a
 * prefix, plain ones with "__") and searches. Bit n lives in word
 * n / BITS_PER_LONG, at position n % BITS_PER_LONG. Searches return size
 * when no bit is found.
 */
#ifndef TESSERA_BITMAP_H
#define TESSERA_BITMAP_H

#include <tessera/compiler.h>
#include <tessera/types.h>

#define BITS_PER_LONG 64
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

#define BIT_WORD(n) ((n) / BITS_PER_LONG)
#define BIT_MASK(n) (1UL << ((n) % BITS_PER_LONG))

/* Atomic (locked) single-bit updates: safe against other CPUs touching the same word. */
static inline void set_bit(unsigned int n, unsigned long *map)
{
	__atomic_fetch_or(&map[BIT_WORD(n)], BIT_MASK(n), __ATOMIC_SEQ_CST);
}
static inline void clear_bit(unsigned int n, unsigned long *map)
{
	__atomic_fetch_and(&map[BIT_WORD(n)], ~BIT_MASK(n), __ATOMIC_SEQ_CST);
}
static inline bool test_and_set_bit(unsigned int n, unsigned long *map)
{
	return __atomic_fetch_or(&map[BIT_WORD(n)], BIT_MASK(n), __ATOMIC_SEQ_CST) & BIT_MASK(n);
}
static inline bool test_and_clear_bit(unsigned int n, unsigned long *map)
{
	return __atomic_fetch_and(&map[BIT_WORD(n)], ~BIT_MASK(n), __ATOMIC_SEQ_CST) & BIT_MASK(n);
}

/* Plain updates, for maps the caller owns exclusively (or under a lock). */
static inline void __set_bit(unsigned int n, unsigned long *map)
{
	map[BIT_WORD(n)] |= BIT_MASK(n);
}
static inline void __clear_bit(unsigned int n, unsigned long *map)
{
	map[BIT_WORD(n)] &= ~BIT_MASK(n);
}

static inline bool test_bit(unsigned int n, const unsigned long *map)
{
	return READ_ONCE(map[BIT_WORD(n)]) & BIT_MASK(n);
}

static inline void bitmap_zero(unsigned long *map, unsigned int size)
{
	for (unsigned int i = 0; i < BITS_TO_LONGS(size); i++)
		map[i] = 0;
}

/* Count of set bits among the first size. */
static inline unsigned int bitmap_weight(const unsigned long *map, unsigned int size)
{
	unsigned int w = 0;

	for (unsigned int i = 0; i < size / BITS_PER_LONG; i++)
		w += (unsigned int)__builtin_popcountl(map[i]);
	if (size % BITS_PER_LONG)
		w += (unsigned int)__builtin_popcountl(map[size / BITS_PER_LONG] &
						       (BIT_MASK(size) - 1));
	return w;
}

/*
 * First bit at or after start that equals want (the word is inverted to
 * look for zeros); size if none. Bits at or beyond size are never reported.
 */
static inline unsigned int bitmap__find_next(const unsigned long *map, unsigned int size,
					     unsigned int start, bool want)
{
	unsigned long word, invert = want ? 0 : ~0UL;
	unsigned int i;

	if (start >= size)
		return size;
	i = BIT_WORD(start);
	word = (map[i] ^ invert) & (~0UL << (start % BITS_PER_LONG));
	for (;;) {
		if (word) {
			unsigned int bit = i * BITS_PER_LONG + (unsigned int)__builtin_ctzl(word);

			return bit < size ? bit : size;
		}
		if (++i >= BITS_TO_LONGS(size))
			return size;
		word = map[i] ^ invert;
	}
}

static inline unsigned int find_next_bit(const unsigned long *map, unsigned int size,
					 unsigned int start)
{
	return bitmap__find_next(map, size, start, true);
}
static inline unsigned int find_first_bit(const unsigned long *map, unsigned int size)
{
	return bitmap__find_next(map, size, 0, true);
}
static inline unsigned int find_next_zero_bit(const unsigned long *map, unsigned int size,
					      unsigned int start)
{
	return bitmap__find_next(map, size, start, false);
}
static inline unsigned int find_first_zero_bit(const unsigned long *map, unsigned int size)
{
	return bitmap__find_next(map, size, 0, false);
}

#define for_each_set_bit(bit, map, size)                                                           \
	for ((bit) = find_first_bit(map, size); (bit) < (size);                                    \
	     (bit) = find_next_bit(map, size, (bit) + 1))

#endif
