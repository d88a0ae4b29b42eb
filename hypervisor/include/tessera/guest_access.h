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

/* Raw forms on the current vCPU: 0 on success, else the bytes not copied. */
unsigned long raw_copy_from_guest(void *to, const void *gva, unsigned long len);
unsigned long raw_copy_to_guest(void *gva, const void *from, unsigned long len);

/*
 * Handles are the ABI's XEN_GUEST_HANDLE(type): { type *p; } holding a guest
 * address. Offsets are added as integers, never as C pointer arithmetic: the
 * address is the guest's (NULL, misaligned or about to wrap), so pointer
 * arithmetic on it would be undefined behaviour (UBSan's pointer-overflow).
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

/* nr elements of *hnd's type, at element offset off; 0 or the bytes not copied. */
#define copy_from_guest_offset(dst, hnd, off, nr)                                                  \
	raw_copy_from_guest((dst), guest_handle_addr_offset(hnd, off), sizeof(*(hnd).p) * (nr))
#define copy_to_guest_offset(hnd, off, src, nr)                                                    \
	raw_copy_to_guest(guest_handle_addr_offset(hnd, off), (src), sizeof(*(hnd).p) * (nr))
#define copy_from_guest(dst, hnd, nr) copy_from_guest_offset(dst, hnd, 0, nr)
#define copy_to_guest(hnd, src, nr) copy_to_guest_offset(hnd, 0, src, nr)

/*
 * One field of a structure the guest passed (e.g. write back a status). The
 * field's guest address is computed by offset, never through ->: a guest
 * pointer may be misaligned, and is never dereferenced by us.
 */
#define guest_field_addr(hnd, field)                                                               \
	((void *)((uintptr_t)(hnd).p + __builtin_offsetof(__typeof__(*(hnd).p), field)))
#define copy_field_to_guest(hnd, ptr, field)                                                       \
	raw_copy_to_guest(guest_field_addr(hnd, field), &(ptr)->field, sizeof((ptr)->field))
#define copy_field_from_guest(ptr, hnd, field)                                                     \
	raw_copy_from_guest(&(ptr)->field, guest_field_addr(hnd, field), sizeof((ptr)->field))
/* The same for element off of an array handle (a batch entry's status). */
#define copy_field_to_guest_offset(hnd, off, ptr, field)                                           \
	raw_copy_to_guest((void *)((uintptr_t)guest_field_addr(hnd, field) +                       \
				   sizeof(*(hnd).p) * (uintptr_t)(off)),                           \
			  &(ptr)->field, sizeof((ptr)->field))

#endif
