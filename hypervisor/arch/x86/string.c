/*
 * memcpy and memset with the string instructions: one instruction per 8
 * bytes. They run over every frame-table page at boot, so they set the boot
 * cost (a byte loop made boot with 4 GiB of RAM several times slower).
 */
#include <stdint.h>
#include <tessera/string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n >> 3, bytes = n & 7;

	__asm__ __volatile__("rep movsq" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
	__asm__ __volatile__("rep movsb" : "+D"(d), "+S"(src), "+c"(bytes) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t words = n >> 3, bytes = n & 7;
	uint64_t pattern = 0x0101010101010101ULL * (unsigned char)c;

	__asm__ __volatile__("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
	__asm__ __volatile__("rep stosb" : "+D"(d), "+c"(bytes) : "a"(pattern) : "memory");
	return dst;
}
