/*
 * The ELF parser of the domain builder (shared/elf.c): the real hlt test
 * guest and hand-made ELF64/ELF32 images parse with their segments and Xen
 * notes; every malformed header, program header and note is refused with a
 * reason; byte flips and truncations of valid images never crash and never
 * yield a segment outside the buffer.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/elfnote.h>
#include <tessera/elf.h>
#include <tessera/errno.h>
#include "unit.h"

UNIT_SUITE(elf);

#define IMG_SIZE 2048
#define PH_OFF 64
#define SEG0_OFF 512
#define NOTE_OFF 1024

static uint8_t img[IMG_SIZE];
static size_t img_note_len;

/* Append a note at *off of the note area: returns the new offset. */
static size_t put_note(size_t off, const char *name, uint32_t type, const void *desc,
		       uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	uint8_t *p = img + NOTE_OFF + off;

	memcpy(p, &namesz, 4);
	memcpy(p + 4, &descsz, 4);
	memcpy(p + 8, &type, 4);
	memcpy(p + 12, name, namesz);
	off += 12 + ((namesz + 3) & ~3u);
	memcpy(img + NOTE_OFF + off, desc, descsz);
	return off + ((descsz + 3) & ~3u);
}

/*
 * A Linux-like ELF64: two PT_LOAD segments (text at 16 MiB, data with bss
 * after it), a PT_NOTE with Xen notes (an 8-byte PHYS32_ENTRY as Linux's,
 * strings, numbers) and a GNU note to skip.
 */
static void make_elf64(void)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + PH_OFF);
	uint64_t entry = 0x1000040, hpage = 0xffffffff81001000ULL, vbase = 0xffffffff80000000ULL;
	uint32_t feat = 0x801;
	size_t off = 0;

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0xffffffff81000000ULL;
	eh->e_phoff = PH_OFF;
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 3;
	for (int i = 0; i < 256; i++)
		img[SEG0_OFF + i] = (uint8_t)(i ^ 0x5a);
	ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
			     .p_flags = PF_R | PF_X,
			     .p_offset = SEG0_OFF,
			     .p_vaddr = 0xffffffff81000000ULL,
			     .p_paddr = 0x1000000,
			     .p_filesz = 256,
			     .p_memsz = 256,
			     .p_align = 4096};
	ph[1] = (Elf64_Phdr){.p_type = PT_LOAD,
			     .p_flags = PF_R | PF_W,
			     .p_offset = SEG0_OFF + 256,
			     .p_vaddr = 0xffffffff81001000ULL,
			     .p_paddr = 0x1001000,
			     .p_filesz = 128,
			     .p_memsz = 0x3000,
			     .p_align = 4096};
	off = put_note(off, "GNU", 3, "abcdefgh", 8);
	off = put_note(off, "Xen", XEN_ELFNOTE_GUEST_OS, "linux", 6);
	off = put_note(off, "Xen", XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 8);
	off = put_note(off, "Xen", XEN_ELFNOTE_LOADER, "generic", 8);
	off = put_note(off, "Xen", XEN_ELFNOTE_FEATURES, "!writable_page_tables", 22);
	off = put_note(off, "Xen", XEN_ELFNOTE_HYPERCALL_PAGE, &hpage, 8);
	off = put_note(off, "Xen", XEN_ELFNOTE_VIRT_BASE, &vbase, 8);
	off = put_note(off, "Xen", XEN_ELFNOTE_SUPPORTED_FEATURES, &feat, 4);
	off = put_note(off, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 8);
	off = put_note(off, "Xen", 0x1000001, "x", 2); /* crash info: ignored */
	img_note_len = off;
	ph[2] = (Elf64_Phdr){.p_type = PT_NOTE,
			     .p_flags = PF_R,
			     .p_offset = NOTE_OFF,
			     .p_filesz = off,
			     .p_align = 4};
}

static Elf64_Ehdr *eh64(void)
{
	return (Elf64_Ehdr *)img;
}
static Elf64_Phdr *ph64(int i)
{
	return (Elf64_Phdr *)(img + PH_OFF) + i;
}

/* Parse img (len bytes): expect failure whose reason contains want. */
static void expect_bad(size_t len, const char *want, int err)
{
	struct elf_image e;
	char why[ELF_WHY_LEN];
	int rc = elf_parse(img, len, &e, why, sizeof(why));

	CU_ASSERT_EQUAL(rc, err);
	if (!strstr(why, want)) {
		fprintf(stderr, "\n  reason [%s] lacks [%s]\n", why, want);
		CU_FAIL("reason does not name the problem");
	}
	CU_ASSERT_EQUAL(e.nr_load, 0); /* zeroed on failure */
}

#define EXPECT_BAD(mutation, want)                                                                 \
	do {                                                                                       \
		make_elf64();                                                                      \
		mutation;                                                                          \
		expect_bad(IMG_SIZE, want, -EINVAL);                                               \
	} while (0)

UNIT_TEST(elf, linux_like_elf64_parses_segments_and_xen_notes)
{
	struct elf_image e;
	struct elf_segment s;
	unsigned int cur = 0;
	char why[ELF_WHY_LEN];

	make_elf64();
	CU_ASSERT_EQUAL_FATAL(elf_parse(img, IMG_SIZE, &e, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(why, "");
	CU_ASSERT(e.is64);
	CU_ASSERT_EQUAL(e.nr_load, 2);
	CU_ASSERT_EQUAL(e.paddr_start, 0x1000000);
	CU_ASSERT_EQUAL(e.paddr_end, 0x1004000);
	CU_ASSERT(elf_xen_has(&e, XEN_ELFNOTE_PHYS32_ENTRY));
	CU_ASSERT_EQUAL(e.xen.phys32_entry, 0x1000040);
	CU_ASSERT_EQUAL(e.xen.hypercall_page, 0xffffffff81001000ULL);
	CU_ASSERT_EQUAL(e.xen.virt_base, 0xffffffff80000000ULL);
	CU_ASSERT_EQUAL(e.xen.supported_features, 0x801);
	CU_ASSERT_STRING_EQUAL(e.xen.guest_os, "linux");
	CU_ASSERT_STRING_EQUAL(e.xen.xen_version, "xen-3.0");
	CU_ASSERT_STRING_EQUAL(e.xen.loader, "generic");
	CU_ASSERT_STRING_EQUAL(e.xen.features, "!writable_page_tables");
	CU_ASSERT_EQUAL(e.xen.nr_notes, 9);
	CU_ASSERT(!elf_xen_has(&e, XEN_ELFNOTE_ENTRY));

	CU_ASSERT_FATAL(elf_next_load(&e, &cur, &s));
	CU_ASSERT_EQUAL(s.paddr, 0x1000000);
	CU_ASSERT_EQUAL(s.filesz, 256);
	CU_ASSERT_PTR_EQUAL(s.data, img + SEG0_OFF);
	CU_ASSERT_EQUAL(s.flags, PF_R | PF_X);
	CU_ASSERT_FATAL(elf_next_load(&e, &cur, &s));
	CU_ASSERT_EQUAL(s.paddr, 0x1001000);
	CU_ASSERT_EQUAL(s.filesz, 128);
	CU_ASSERT_EQUAL(s.memsz, 0x3000);
	CU_ASSERT(!elf_next_load(&e, &cur, &s));
}

UNIT_TEST(elf, numeric_notes_of_every_width)
{
	struct elf_image e;
	uint8_t v1 = 0x12;
	uint16_t v2 = 0x1234;
	uint32_t v4 = 0x123456;

	make_elf64();
	/* Rewrite the notes: PHYS32 as 4 bytes (as small PVH kernels), ENTRY 1, VIRT_BASE 2. */
	size_t off = put_note(0, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &v4, 4);
	off = put_note(off, "Xen", XEN_ELFNOTE_ENTRY, &v1, 1);
	off = put_note(off, "Xen", XEN_ELFNOTE_VIRT_BASE, &v2, 2);
	ph64(2)->p_filesz = off;
	CU_ASSERT_EQUAL_FATAL(elf_parse(img, IMG_SIZE, &e, NULL, 0), 0);
	CU_ASSERT_EQUAL(e.xen.phys32_entry, 0x123456);
	CU_ASSERT_EQUAL(e.xen.entry, 0x12);
	CU_ASSERT_EQUAL(e.xen.virt_base, 0x1234);
}

UNIT_TEST(elf, elf32_image_parses)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
	Elf32_Phdr *ph = (Elf32_Phdr *)(img + PH_OFF);
	struct elf_image e;
	struct elf_segment s;
	unsigned int cur = 0;
	uint32_t entry = 0x100010;
	char why[ELF_WHY_LEN];
	size_t off;

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = PH_OFF;
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	off = put_note(0, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
	ph[0] = (Elf32_Phdr){.p_type = PT_LOAD,
			     .p_offset = SEG0_OFF,
			     .p_paddr = 0x100000,
			     .p_filesz = 64,
			     .p_memsz = 4096,
			     .p_flags = PF_R | PF_X};
	ph[1] = (Elf32_Phdr){.p_type = PT_NOTE, .p_offset = NOTE_OFF, .p_filesz = off};
	CU_ASSERT_EQUAL_FATAL(elf_parse(img, IMG_SIZE, &e, why, sizeof(why)), 0);
	CU_ASSERT(!e.is64);
	CU_ASSERT_EQUAL(e.xen.phys32_entry, 0x100010);
	CU_ASSERT(elf_next_load(&e, &cur, &s));
	CU_ASSERT_EQUAL(s.paddr, 0x100000);
	CU_ASSERT_EQUAL(s.memsz, 4096);
	/* A 32-bit segment may not run past 4 GiB. */
	ph[0].p_paddr = 0xfffff800;
	CU_ASSERT_EQUAL(elf_parse(img, IMG_SIZE, &e, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "overflows"));
	/*
	 * ELF32 marked x86-64 (a kernel linked as i386, then marked; objcopy's
	 * elf32-x86-64) is taken as Xen takes it: the PVH entry is what counts.
	 */
	ph[0].p_paddr = 0x100000;
	eh->e_machine = EM_X86_64;
	CU_ASSERT_EQUAL_FATAL(elf_parse(img, IMG_SIZE, &e, why, sizeof(why)), 0);
	CU_ASSERT(!e.is64);
	CU_ASSERT_EQUAL(e.xen.phys32_entry, 0x100010);
	/* Still only x86. */
	eh->e_machine = 183;
	expect_bad(IMG_SIZE, "machine 183 is not x86", -EINVAL);
}

UNIT_TEST(elf, the_hlt_test_guest_is_a_pvh_elf)
{
	FILE *f = fopen(HLT_ELF_PATH, "rb");
	static uint8_t buf[1 << 16];
	struct elf_image e;
	char why[ELF_WHY_LEN];
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(elf_parse(buf, n, &e, why, sizeof(why)), 0);
	CU_ASSERT(e.is64);
	CU_ASSERT(elf_xen_has(&e, XEN_ELFNOTE_PHYS32_ENTRY));
	CU_ASSERT_EQUAL(e.xen.phys32_entry, 0x100000); /* hlt_entry starts .text at 1 MiB */
	CU_ASSERT_EQUAL(e.paddr_start, 0x100000);
	CU_ASSERT(e.paddr_end > e.paddr_start);
	/* Every truncation is refused or parsed, never out of bounds (ASan watches). */
	for (size_t len = 0; len < n; len++) {
		uint8_t *copy = malloc(len ? len : 1);

		memcpy(copy, buf, len);
		if (elf_parse(copy, len, &e, why, sizeof(why)) != 0)
			CU_ASSERT(why[0] != '\0');
		free(copy);
	}
}

UNIT_TEST(elf, malformed_headers_are_refused_with_a_reason)
{
	make_elf64();
	expect_bad(10, "not an ELF image (too short)", -EINVAL);
	expect_bad(40, "truncated ELF header (40 of 64 bytes)", -EINVAL);
	EXPECT_BAD(img[1] = 'X', "no magic");
	EXPECT_BAD(img[EI_CLASS] = 3, "ELF class 3 unknown");
	EXPECT_BAD(img[EI_DATA] = ELFDATA2MSB, "only little-endian");
	EXPECT_BAD(img[EI_VERSION] = 0, "identification version 0");
	EXPECT_BAD(eh64()->e_type = ET_REL, "type 1 is not an executable");
	EXPECT_BAD(eh64()->e_machine = EM_AARCH64, "machine 183 is not x86 (i386 or x86-64)");
	EXPECT_BAD(eh64()->e_version = 7, "ELF version 7 unknown");
	EXPECT_BAD(eh64()->e_phnum = 0, "no program headers");
	EXPECT_BAD(eh64()->e_phnum = PN_XNUM, "extended program header numbering");
	EXPECT_BAD(eh64()->e_phnum = ELF_MAX_PHDRS + 1, "program headers (at most");
	EXPECT_BAD(eh64()->e_phentsize = 40, "program header size 40 (expected 56)");
	EXPECT_BAD(eh64()->e_phoff = IMG_SIZE - 100, "program header table (offset 0x79c");
	EXPECT_BAD(eh64()->e_phoff = UINT64_MAX - 8, "runs past the end of the image");
}

UNIT_TEST(elf, malformed_segments_are_refused_with_a_reason)
{
	EXPECT_BAD(ph64(0)->p_offset = IMG_SIZE - 10,
		   "segment 0 (offset 0x7f6, 256 bytes) runs past");
	EXPECT_BAD(ph64(0)->p_offset = UINT64_MAX, "segment 0 (offset");
	EXPECT_BAD(ph64(1)->p_filesz = UINT64_MAX, "file size");
	EXPECT_BAD(ph64(1)->p_filesz = 0x4000,
		   "segment 1: file size 16384 exceeds memory size 12288");
	EXPECT_BAD(ph64(1)->p_paddr = 0x10000ff,
		   "segment 1 [0x10000ff, 0x10030ff) overlaps segment 0");
	EXPECT_BAD(ph64(1)->p_paddr = 0xfff000, "overlaps segment 0");
	EXPECT_BAD((ph64(0)->p_paddr = UINT64_MAX - 10), "segment 0: physical range");
	EXPECT_BAD((ph64(1)->p_paddr = UINT64_MAX - 0x1000), "overflows");
	EXPECT_BAD((ph64(0)->p_type = PT_NULL, ph64(1)->p_type = PT_NULL), "no loadable segment");
	/* Empty segments are skipped, not overlap-checked. */
	make_elf64();
	ph64(1)->p_paddr = 0x1000000;
	ph64(1)->p_memsz = ph64(1)->p_filesz = 0;
	CU_ASSERT_EQUAL(elf_parse(img, IMG_SIZE, &(struct elf_image){0}, NULL, 0), 0);
}

UNIT_TEST(elf, malformed_notes_are_refused_with_a_reason)
{
	uint64_t big = 0x100000000ULL;
	uint8_t three[3] = {1, 2, 3};

	EXPECT_BAD(ph64(2)->p_offset = IMG_SIZE - 4, "note segment 2 (offset 0x7fc");
	EXPECT_BAD(ph64(2)->p_filesz = 8, "note segment 2: truncated note header at offset 0");
	EXPECT_BAD(ph64(2)->p_filesz = img_note_len + 4, "truncated note header");
	EXPECT_BAD(memcpy(img + NOTE_OFF, &(uint32_t){0xfffffff0}, 4), "runs past the segment");
	EXPECT_BAD(memcpy(img + NOTE_OFF + 4, &(uint32_t){0xffffffff}, 4), "runs past the segment");
	EXPECT_BAD(memcpy(img + NOTE_OFF + 4, &(uint32_t){img_note_len}, 4),
		   "runs past the segment");
	EXPECT_BAD(ph64(2)->p_filesz = put_note(0, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, three, 3),
		   "Xen note type 18: descriptor size 3 invalid");
	EXPECT_BAD(ph64(2)->p_filesz = put_note(0, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &big, 8),
		   "PHYS32_ENTRY 0x100000000 is above 4 GiB");
	EXPECT_BAD(ph64(2)->p_filesz = put_note(0, "Xen", XEN_ELFNOTE_HYPERCALL_PAGE, three, 3),
		   "Xen note type 2: descriptor size 3");
	EXPECT_BAD(ph64(2)->p_filesz = put_note(0, "Xen", XEN_ELFNOTE_SUPPORTED_FEATURES, three, 3),
		   "Xen note type 17: descriptor size 3");
}

/* Linux's XEN_ELFNOTE_FEATURES is .ascii: the whole descriptor is the string. */
UNIT_TEST(elf, unterminated_string_note_is_taken_whole)
{
	struct elf_image e;

	make_elf64();
	ph64(2)->p_filesz = put_note(0, "Xen", XEN_ELFNOTE_GUEST_OS, "linux", 5);
	CU_ASSERT_EQUAL(elf_parse(img, IMG_SIZE, &e, NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(e.xen.guest_os, "linux");
}

UNIT_TEST(elf, missing_phys32_entry_is_reported_as_absent)
{
	struct elf_image e;
	size_t off;

	make_elf64();
	off = put_note(0, "Xen", XEN_ELFNOTE_GUEST_OS, "linux", 6);
	ph64(2)->p_filesz = off;
	CU_ASSERT_EQUAL_FATAL(elf_parse(img, IMG_SIZE, &e, NULL, 0), 0);
	CU_ASSERT(!elf_xen_has(&e, XEN_ELFNOTE_PHYS32_ENTRY));
	/* The PVH builder refuses such a kernel (arch/x86/pvh_build.c); the parser only reports. */
	ph64(2)->p_type = PT_NULL;
	CU_ASSERT_EQUAL_FATAL(elf_parse(img, IMG_SIZE, &e, NULL, 0), 0);
	CU_ASSERT_EQUAL(e.xen.nr_notes, 0);
}

UNIT_TEST(elf, bzimage_is_recognised_and_refused)
{
	memset(img, 0, sizeof(img));
	img[0] = 'M';
	img[1] = 'Z';
	img[0x1fe] = 0x55;
	img[0x1ff] = 0xaa;
	memcpy(img + 0x202, "HdrS", 4);
	expect_bad(IMG_SIZE, "bzImage", -EOPNOTSUPP);
}

/* A parsed image's segments must lie in the buffer and not wrap (the parser's promise). */
static void check_promises(const struct elf_image *e, const uint8_t *buf, size_t len)
{
	struct elf_segment s;
	unsigned int cur = 0;

	while (elf_next_load(e, &cur, &s)) {
		CU_ASSERT(s.data >= buf && s.data <= buf + len);
		CU_ASSERT(s.filesz <= (uint64_t)(buf + len - s.data));
		CU_ASSERT(s.filesz <= s.memsz);
		CU_ASSERT(s.paddr + s.memsz >= s.paddr);
	}
}

UNIT_TEST(elf, byte_flips_never_crash)
{
	static uint8_t orig[IMG_SIZE];
	struct elf_image e;
	char why[ELF_WHY_LEN];
	unsigned long ok = 0, bad = 0;

	make_elf64();
	memcpy(orig, img, sizeof(orig));
	/* Headers and notes: every bit of the first 1024+notes bytes. */
	for (size_t at = 0; at < NOTE_OFF + img_note_len; at++) {
		if (at >= SEG0_OFF + 384 && at < NOTE_OFF)
			continue; /* padding between the segments and the notes */
		for (int bit = 0; bit < 8; bit++) {
			memcpy(img, orig, sizeof(img));
			img[at] ^= (uint8_t)(1u << bit);
			if (elf_parse(img, IMG_SIZE, &e, why, sizeof(why)) == 0) {
				check_promises(&e, img, IMG_SIZE);
				ok++;
			} else {
				CU_ASSERT(why[0] != '\0');
				bad++;
			}
		}
	}
	CU_ASSERT(ok > 0 && bad > 0);
	/* Whole-byte replacements with boundary values in the headers. */
	static const uint8_t vals[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
	for (size_t at = 0; at < PH_OFF + 3 * sizeof(Elf64_Phdr); at++)
		for (size_t k = 0; k < sizeof(vals); k++) {
			memcpy(img, orig, sizeof(img));
			img[at] = vals[k];
			if (elf_parse(img, IMG_SIZE, &e, why, sizeof(why)) == 0)
				check_promises(&e, img, IMG_SIZE);
		}
}
