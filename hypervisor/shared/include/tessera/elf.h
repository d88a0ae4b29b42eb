/*
 * The ELF image loader's parser (shared/elf.c): portable, no state, no
 * locking. It validates an ELF32 or ELF64 little-endian x86 executable held
 * in memory, collects its PT_LOAD segments and the Xen ELF notes (owner
 * "Xen", types of public/elfnote.h), and never trusts a byte: every offset
 * and size is range-checked without arithmetic that can wrap, PT_LOAD
 * physical ranges may not overflow or overlap, and a malformed note is an
 * error. Section headers are not read (Xen's libelf reads notes from them
 * only when no PT_NOTE exists; every PVH kernel has a PT_NOTE).
 *
 * What it refuses with a reason rather than parses: a Linux bzImage (its
 * payload is a compressed ELF; decompression, e.g. XZ for Debian's kernels,
 * is not implemented), other machines, big-endian images, extended program
 * header numbering.
 *
 * The loader (the PVH builder) copies each segment's file bytes to p_paddr
 * and zeroes the rest up to p_memsz; the parser guarantees those ranges.
 */
#ifndef TESSERA_ELF_H
#define TESSERA_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most program headers accepted (Linux has about five): bounds the overlap check. */
#define ELF_MAX_PHDRS 128
/* String notes (GUEST_OS, LOADER, ...) are kept up to this length, NUL included. */
#define ELF_NOTE_STR_LEN 64
/* What a reason buffer should hold never to truncate a message. */
#define ELF_WHY_LEN 160

/* The Xen notes found (Xen's struct elf_dom_parms, the fields a builder uses). */
struct elf_xen_notes {
	unsigned int nr_notes;	     /* "Xen" notes seen, known types or not */
	uint32_t present;	     /* bit n: a note of type n (< 32) was seen */
	uint64_t entry;		     /* XEN_ELFNOTE_ENTRY (PV virtual entry) */
	uint64_t hypercall_page;     /* XEN_ELFNOTE_HYPERCALL_PAGE (virtual) */
	uint64_t virt_base;	     /* XEN_ELFNOTE_VIRT_BASE */
	uint64_t paddr_offset;	     /* XEN_ELFNOTE_PADDR_OFFSET */
	uint64_t hv_start_low;	     /* XEN_ELFNOTE_HV_START_LOW */
	uint64_t init_p2m;	     /* XEN_ELFNOTE_INIT_P2M */
	uint64_t suspend_cancel;     /* XEN_ELFNOTE_SUSPEND_CANCEL */
	uint64_t mod_start_pfn;	     /* XEN_ELFNOTE_MOD_START_PFN */
	uint32_t phys32_entry;	     /* XEN_ELFNOTE_PHYS32_ENTRY: the PVH entry (physical) */
	uint32_t supported_features; /* XEN_ELFNOTE_SUPPORTED_FEATURES, submap 0 */
	char xen_version[ELF_NOTE_STR_LEN];
	char guest_os[ELF_NOTE_STR_LEN];
	char guest_version[ELF_NOTE_STR_LEN];
	char loader[ELF_NOTE_STR_LEN];
	char pae_mode[ELF_NOTE_STR_LEN];
	char features[ELF_NOTE_STR_LEN * 4];
	char bsd_symtab[ELF_NOTE_STR_LEN];
};

/* A parsed image: a view into the caller's buffer, which must outlive it. */
struct elf_image {
	const uint8_t *data;
	size_t size;
	bool is64;	  /* ELFCLASS64, else ELFCLASS32 (either with machine i386 or x86-64) */
	uint16_t type;	  /* ET_EXEC or ET_DYN */
	uint64_t e_entry; /* the ELF entry (virtual); PVH uses phys32_entry */
	uint64_t phoff;
	unsigned int phnum;
	unsigned int nr_load;		 /* PT_LOAD segments with p_memsz > 0 */
	uint64_t paddr_start, paddr_end; /* [lowest p_paddr, highest p_paddr + p_memsz) of those */
	struct elf_xen_notes xen;
};

/* One PT_LOAD segment, validated: [paddr, paddr + memsz) does not wrap, filesz <= memsz, and
 * data[0, filesz) lies inside the image. */
struct elf_segment {
	uint64_t paddr, vaddr;
	uint64_t filesz, memsz;
	uint32_t flags; /* PF_X 1, PF_W 2, PF_R 4 */
	const uint8_t *data;
};

/*
 * Validate the size bytes at data as an ELF image and fill *img. Returns 0, or
 * -EINVAL (or -EOPNOTSUPP for a recognised but unsupported format such as a
 * bzImage) with why (whylen bytes, may be NULL) naming the first problem;
 * *img is then zeroed.
 */
int elf_parse(const void *data, size_t size, struct elf_image *img, char *why, size_t whylen);

/*
 * Iterate the PT_LOAD segments with p_memsz > 0 in program header order:
 * start with *cursor = 0; returns false after the last. Only for an image
 * elf_parse accepted.
 */
bool elf_next_load(const struct elf_image *img, unsigned int *cursor, struct elf_segment *seg);

/* Was a Xen note of type t (< 32) present? */
static inline bool elf_xen_has(const struct elf_image *img, unsigned int t)
{
	return t < 32 && (img->xen.present & (1u << t));
}

#endif
