/*
 * malloc/free of the unikernel (uk/mm.h): blocks carved first fit from
 * a free list of chunks; each block starts with a header (magic, size);
 * free checks the magic and a trailing canary and coalesces with the
 * neighbours in the same chunk (the list is kept address sorted). Requests
 * of a page or more go straight to the page allocator.
 *
 * Locking: interrupts off around the list.
 */
#include <uk/kernel.h>
#include <uk/list.h>

#define MAGIC_USED 0x75b10c5eU
#define MAGIC_FREE 0xf7eeb10cU
#define CANARY 0xca11ab1eU
#define CHUNK_ORDER 4 /* 64 KiB grabbed from the page allocator at a time */
#define ALIGN 16

struct hdr {
	uint32_t magic;
	uint32_t big_order; /* nonzero: a page-allocator block of order big_order - 1 */
	size_t size;	    /* the whole block, header included */
	struct hdr *next;   /* free blocks only */
	size_t req;	    /* the size asked for (used blocks) */
};

_Static_assert(sizeof(struct hdr) % ALIGN == 0, "payload stays 16-byte aligned");

static struct hdr *free_list;
static size_t in_use;

static size_t round_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static void insert_free(struct hdr *b)
{
	struct hdr **pp = &free_list;

	b->magic = MAGIC_FREE;
	while (*pp && *pp < b)
		pp = &(*pp)->next;
	b->next = *pp;
	*pp = b;
	/* Merge with the next, then with the previous, when they touch. */
	if (b->next && (char *)b + b->size == (char *)b->next) {
		b->size += b->next->size;
		b->next = b->next->next;
	}
	if (pp != &free_list) {
		struct hdr *prev = uk_container_of(pp, struct hdr, next);

		if ((char *)prev + prev->size == (char *)b) {
			prev->size += b->size;
			prev->next = b->next;
		}
	}
}

static void set_canary(struct hdr *b)
{
	uint32_t c = CANARY;

	memcpy((char *)(b + 1) + b->req, &c, sizeof(c));
}

void *malloc(size_t size)
{
	size_t need = round_up(sizeof(struct hdr) + size + sizeof(uint32_t), ALIGN);
	struct hdr **pp, *b = NULL;
	unsigned long flags;

	if (!size || size > (1UL << 30))
		return NULL;
	if (need >= PAGE_SIZE) {
		unsigned int order = 0;

		while ((PAGE_SIZE << order) < need)
			order++;
		b = page_alloc(order);
		if (!b)
			return NULL;
		b->magic = MAGIC_USED;
		b->big_order = order + 1;
		b->size = PAGE_SIZE << order;
		b->req = size;
		set_canary(b);
		flags = irq_save();
		in_use += size;
		irq_restore(flags);
		return b + 1;
	}
	flags = irq_save();
	for (;;) {
		for (pp = &free_list; *pp; pp = &(*pp)->next)
			if ((*pp)->size >= need)
				break;
		if (*pp)
			break;
		irq_restore(flags);
		b = page_alloc(CHUNK_ORDER);
		if (!b)
			return NULL;
		flags = irq_save();
		b->size = PAGE_SIZE << CHUNK_ORDER;
		insert_free(b);
	}
	b = *pp;
	if (b->magic != MAGIC_FREE)
		uk_panic("malloc: free list corrupted at %p", (void *)b);
	if (b->size - need >= sizeof(struct hdr) + 2 * ALIGN) {
		struct hdr *rest = (struct hdr *)((char *)b + need);

		rest->magic = MAGIC_FREE;
		rest->size = b->size - need;
		rest->next = b->next;
		b->size = need;
		*pp = rest;
	} else {
		*pp = b->next;
	}
	b->magic = MAGIC_USED;
	b->big_order = 0;
	b->req = size;
	b->next = NULL;
	set_canary(b);
	in_use += size;
	irq_restore(flags);
	return b + 1;
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > (1UL << 30) / size)
		return NULL;
	p = malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void free(void *p)
{
	struct hdr *b;
	unsigned long flags;
	uint32_t c;

	if (!p)
		return;
	b = (struct hdr *)p - 1;
	if (((unsigned long)p & (ALIGN - 1)) || b->magic != MAGIC_USED)
		uk_panic("free(%p): not an allocated block (magic 0x%x)", p,
			 ((unsigned long)p & (ALIGN - 1)) ? 0 : b->magic);
	memcpy(&c, (char *)p + b->req, sizeof(c));
	if (c != CANARY)
		uk_panic("free(%p): block of %lu bytes was overrun", p, (unsigned long)b->req);
	flags = irq_save();
	in_use -= b->req;
	if (b->big_order) {
		unsigned int order = b->big_order - 1;

		b->magic = 0;
		irq_restore(flags);
		page_free(b, order);
		return;
	}
	insert_free(b);
	irq_restore(flags);
}

size_t malloc_in_use(void)
{
	return in_use;
}
