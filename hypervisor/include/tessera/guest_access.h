/*
 * The only way hypervisor code touches guest memory. Addresses are guest
 * virtual addresses of the current vCPU (hypercall arguments), translated by
 * the arch (guest page tables, then the p2m). Each copy either moves every
 * byte or reports failure; callers return -EFAULT. Copy a guest structure in
 * once, validate the copy, use the copy: never read the guest's twice.
 */
#ifndef TESSERA_GUEST_ACCESS_H
#define TESSERA_GUEST_ACCESS_H

#include <tessera/arch.h> /* arch_copy_from_guest, arch_copy_to_guest */
#include <tessera/types.h>

/*
 * Raw forms on the current vCPU: 0 on success, else the bytes not copied.
 * Only this header's macros and common/guest_access.c call them; hypercall
 * handlers go through the typed handles below.
 */
unsigned long raw_copy_from_guest(void *to, const void *gva, unsigned long len);
unsigned long raw_copy_to_guest(void *gva, const void *from, unsigned long len);

/*
 * Handles are the ABI's XEN_GUEST_HANDLE(type): { type *p; } holding a guest
 * address. Offsets are added as integers, never as C pointer arithmetic: the
 * address is the guest's (NULL, misaligned or about to wrap), so pointer
 * arithmetic on it would be undefined behaviour (UBSan's pointer-overflow).
 * A handle on void names no element size: cast it to a typed handle
 * (guest_handle_cast) before copying through it.
 */
#define guest_handle_is_null(hnd) ((hnd).p == NULL)
#define guest_handle_addr_offset(hnd, off)                                                         \
	((void *)((uintptr_t)(hnd).p + sizeof(*(hnd).p) * (uintptr_t)(off)))
#define guest_handle_add_offset(hnd, nr)                                                           \
	((void)((hnd).p = (__typeof__((hnd).p))guest_handle_addr_offset(hnd, nr)))
#define guest_handle_cast(hnd, type)                                                               \
	({                                                                                         \
		__typeof__(hnd) h_ = (hnd);                                                        \
		(XEN_GUEST_HANDLE(type)){(type *)h_.p};                                            \
	})
#define guest_handle_from_ptr(ptr, type) ((XEN_GUEST_HANDLE(type)){(type *)(ptr)})
/* A hypercall argument register (a guest address) as a typed handle. */
#define guest_handle_from_arg(arg, type) ((XEN_GUEST_HANDLE(type)){(type *)(uintptr_t)(arg)})
/* The guest address a handle holds, as an integer (continuations, range checks). */
#define guest_handle_to_arg(hnd) ((unsigned long)(uintptr_t)(hnd).p)

/*
 * Are elements [0, nr) of hnd addressable without wrapping the address
 * space (as Xen's guest_handle_subrange_okay, minus the address-space limit
 * the arch copy enforces)? Element addresses are then computed as integers.
 */
static inline bool guest_array_ok(uintptr_t base, unsigned long nr, size_t size)
{
	if (!nr)
		return true;
	if (nr > UINTPTR_MAX / size)
		return false;
	return base <= UINTPTR_MAX - nr * size;
}
#define guest_handle_okay(hnd, nr) guest_array_ok((uintptr_t)(hnd).p, (nr), sizeof(*(hnd).p))

/*
 * Compile-time check that a hypervisor buffer has the handle's element type
 * (or is void *): comparing the two pointers is an error for distinct types.
 */
#define guest_handle_check(hnd, ptr) ((void)sizeof((hnd).p == (ptr)))

/* nr elements of *hnd's type, at element offset off; 0 or the bytes not copied. */
#define copy_from_guest_offset(dst, hnd, off, nr)                                                  \
	({                                                                                         \
		guest_handle_check(hnd, dst);                                                      \
		raw_copy_from_guest((dst), guest_handle_addr_offset(hnd, off),                     \
				    sizeof(*(hnd).p) * (nr));                                      \
	})
#define copy_to_guest_offset(hnd, off, src, nr)                                                    \
	({                                                                                         \
		guest_handle_check(hnd, src);                                                      \
		raw_copy_to_guest(guest_handle_addr_offset(hnd, off), (src),                       \
				  sizeof(*(hnd).p) * (nr));                                        \
	})
#define copy_from_guest(dst, hnd, nr) copy_from_guest_offset(dst, hnd, 0, nr)
/*
 * The same through a given vCPU's address space rather than the current
 * one's (the runstate area, written at context switch).
 */
#define copy_to_guest_vcpu(v, hnd, src, nr)                                                        \
	({                                                                                         \
		guest_handle_check(hnd, src);                                                      \
		arch_copy_to_guest((v), (uint64_t)(uintptr_t)(hnd).p, (src),                       \
				   sizeof(*(hnd).p) * (nr));                                       \
	})
#define copy_to_guest(hnd, src, nr) copy_to_guest_offset(hnd, 0, src, nr)

/*
 * One field of a structure the guest passed (e.g. write back a status). The
 * field's guest address is computed by offset, never through ->: a guest
 * pointer may be misaligned, and is never dereferenced by us.
 */
#define guest_field_addr(hnd, field)                                                               \
	((void *)((uintptr_t)(hnd).p + __builtin_offsetof(__typeof__(*(hnd).p), field)))
#define copy_field_to_guest(hnd, ptr, field)                                                       \
	({                                                                                         \
		guest_handle_check(hnd, ptr);                                                      \
		raw_copy_to_guest(guest_field_addr(hnd, field), &(ptr)->field,                     \
				  sizeof((ptr)->field));                                           \
	})
#define copy_field_from_guest(ptr, hnd, field)                                                     \
	({                                                                                         \
		guest_handle_check(hnd, ptr);                                                      \
		raw_copy_from_guest(&(ptr)->field, guest_field_addr(hnd, field),                   \
				    sizeof((ptr)->field));                                         \
	})
/* The same for element off of an array handle (a batch entry's status). */
#define copy_field_to_guest_offset(hnd, off, ptr, field)                                           \
	({                                                                                         \
		guest_handle_check(hnd, ptr);                                                      \
		raw_copy_to_guest((void *)((uintptr_t)guest_field_addr(hnd, field) +               \
					   sizeof(*(hnd).p) * (uintptr_t)(off)),                   \
				  &(ptr)->field, sizeof((ptr)->field));                            \
	})

#endif
