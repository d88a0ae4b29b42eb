/*
 * Memory of the unikernel (kernel/page_alloc.c, kernel/malloc.c).
 *
 * Pages: a bitmap over the guest frames below 4 GiB that start_info's
 * memmap calls RAM (type 1), minus the first MiB, the image, the boot
 * information and the modules. Addresses are identity mapped, so a page's
 * virtual address is its guest-physical address (virt_to_gfn).
 *
 * malloc: first-fit over a free list of blocks carved from pages; each
 * block has a header with a magic and its size, checked on free (a double
 * free or overrun panics).
 *
 * Locking: both allocators disable interrupts around their state, so
 * event handlers may allocate.
 */
#ifndef UK_MM_H
#define UK_MM_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096UL

static inline unsigned long virt_to_gfn(const void *p)
{
	return (unsigned long)p >> PAGE_SHIFT;
}

static inline void *gfn_to_virt(unsigned long gfn)
{
	return (void *)(gfn << PAGE_SHIFT);
}

/* 2^order zeroed, contiguous, aligned pages, or NULL. */
void *page_alloc(unsigned int order);
void page_free(void *p, unsigned int order);
/* Free and total pages of the allocator. */
unsigned long page_free_count(void);
unsigned long page_total_count(void);

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void free(void *p);
/* Bytes handed out and not freed (for leak checks in tests). */
size_t malloc_in_use(void);

#endif /* UK_MM_H */
