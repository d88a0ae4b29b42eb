/*
 * ELF image parser for the domain builder (tessera/elf.h). Portable: built
 * into the hypervisor and the host unit tests. No state, no locking.
 *
 * The image is hostile. Fields are read with memcpy (no alignment is
 * assumed); every range check has the form "off <= size && len <= size -
 * off", so no sum can wrap. Checks run from the outside in, so the message
 * names the first thing wrong: identification, header, program header
 * table, each program header, then the notes. Facts from the ELF gABI
 * (System V ABI, ch. 4 and 5) and Xen's public/elfnote.h; numeric Xen notes
 * may be 1, 2, 4 or 8 bytes wide, as Xen's libelf reads them (Linux's
 * PHYS32_ENTRY is 8 bytes on x86-64, 4 in smaller PVH kernels).
 */
#include <stdarg.h>
#include <public/elfnote.h>
#include <tessera/elf.h>
#include <tessera/errno.h>
#include <tessera/format.h>
#include <tessera/string.h>

typedef unsigned long long ull;

/* ELF constants (gABI). */
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define PN_XNUM 0xffff

/* Header sizes and the offsets of the fields read (ELF32 / ELF64). */
#define EHDR32_SIZE 52
#define EHDR64_SIZE 64
#define PHDR32_SIZE 32
#define PHDR64_SIZE 56

/* A program header, widened. */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Does [off, off + len) lie inside size bytes? */
static bool in_range(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Program header i (the table is already known to lie inside the image). */
static void read_phdr(const struct elf_image *img, unsigned int i, struct phdr *ph)
{
	const uint8_t *p;

	if (img->is64) {
		p = img->data + img->phoff + (uint64_t)i * PHDR64_SIZE;
		*ph = (struct phdr){
		    .type = rd32(p),
		    .flags = rd32(p + 4),
		    .offset = rd64(p + 8),
		    .vaddr = rd64(p + 16),
		    .paddr = rd64(p + 24),
		    .filesz = rd64(p + 32),
		    .memsz = rd64(p + 40),
		    .align = rd64(p + 48),
		};
	} else {
		p = img->data + img->phoff + (uint64_t)i * PHDR32_SIZE;
		*ph = (struct phdr){
		    .type = rd32(p),
		    .offset = rd32(p + 4),
		    .vaddr = rd32(p + 8),
		    .paddr = rd32(p + 12),
		    .filesz = rd32(p + 16),
		    .memsz = rd32(p + 20),
		    .flags = rd32(p + 24),
		    .align = rd32(p + 28),
		};
	}
}

/* Linux's x86 boot protocol (Documentation/x86/boot.rst): "HdrS" at 0x202 of a bzImage. */
static bool is_bzimage(const uint8_t *p, size_t size)
{
	return size >= 0x206 && p[0x1fe] == 0x55 && p[0x1ff] == 0xaa &&
	       !memcmp(p + 0x202, "HdrS", 4);
}

static int parse_ident(const uint8_t *p, size_t size, struct elf_image *img, char *why,
		       size_t whylen)
{
	uint16_t machine, phentsize, phnum;
	uint32_t version;
	size_t ehsize;

	if (is_bzimage(p, size)) {
		format_why(
		    why, whylen,
		    "a Linux bzImage (compressed kernel), not an ELF: not supported yet, give the "
		    "vmlinux ELF");
		return -EOPNOTSUPP;
	}
	if (size < EI_NIDENT || memcmp(p, "\177ELF", 4)) {
		format_why(why, whylen, "not an ELF image (%s)",
			   size < EI_NIDENT ? "too short" : "no magic");
		return -EINVAL;
	}
	if (p[EI_CLASS] != ELFCLASS32 && p[EI_CLASS] != ELFCLASS64) {
		format_why(why, whylen, "ELF class %u unknown", p[EI_CLASS]);
		return -EINVAL;
	}
	img->is64 = p[EI_CLASS] == ELFCLASS64;
	if (p[EI_DATA] != ELFDATA2LSB) {
		format_why(why, whylen, "ELF data encoding %u: only little-endian is supported",
			   p[EI_DATA]);
		return -EINVAL;
	}
	if (p[EI_VERSION] != EV_CURRENT) {
		format_why(why, whylen, "ELF identification version %u unknown", p[EI_VERSION]);
		return -EINVAL;
	}
	ehsize = img->is64 ? EHDR64_SIZE : EHDR32_SIZE;
	if (size < ehsize) {
		format_why(why, whylen, "truncated ELF header (%zu of %zu bytes)", size, ehsize);
		return -EINVAL;
	}
	img->type = rd16(p + 16);
	machine = rd16(p + 18);
	version = rd32(p + 20);
	if (img->type != ET_EXEC && img->type != ET_DYN) {
		format_why(why, whylen, "ELF type %u is not an executable", img->type);
		return -EINVAL;
	}
	/*
	 * Either x86 machine with either class: a PVH kernel starts in 32-bit
	 * mode at its PHYS32_ENTRY whatever the file says, and small kernels are
	 * often linked as ELF32 and then marked x86-64 (as Xen's libelf, which
	 * looks at neither for a PVH guest).
	 */
	if (machine != EM_X86_64 && machine != EM_386) {
		format_why(why, whylen, "ELF machine %u is not x86 (i386 or x86-64)", machine);
		return -EINVAL;
	}
	if (version != EV_CURRENT) {
		format_why(why, whylen, "ELF version %u unknown", version);
		return -EINVAL;
	}
	if (img->is64) {
		img->e_entry = rd64(p + 24);
		img->phoff = rd64(p + 32);
		phentsize = rd16(p + 54);
		phnum = rd16(p + 56);
	} else {
		img->e_entry = rd32(p + 24);
		img->phoff = rd32(p + 28);
		phentsize = rd16(p + 42);
		phnum = rd16(p + 44);
	}
	if (phnum == 0) {
		format_why(why, whylen, "no program headers");
		return -EINVAL;
	}
	if (phnum == PN_XNUM) {
		format_why(why, whylen, "extended program header numbering is not supported");
		return -EINVAL;
	}
	if (phnum > ELF_MAX_PHDRS) {
		format_why(why, whylen, "%u program headers (at most %u)", phnum, ELF_MAX_PHDRS);
		return -EINVAL;
	}
	if (phentsize != (img->is64 ? PHDR64_SIZE : PHDR32_SIZE)) {
		format_why(why, whylen, "program header size %u (expected %u)", phentsize,
			   img->is64 ? PHDR64_SIZE : PHDR32_SIZE);
		return -EINVAL;
	}
	if (!in_range(img->phoff, (uint64_t)phnum * phentsize, size)) {
		format_why(why, whylen,
			   "program header table (offset %#llx, %u entries) runs past the end "
			   "of the image (%zu bytes)",
			   (ull)img->phoff, phnum, size);
		return -EINVAL;
	}
	img->phnum = phnum;
	return 0;
}

/* A numeric note value: 1, 2, 4 or 8 bytes, little-endian (Xen's elf_note_numeric). */
static int note_numeric(const uint8_t *desc, uint32_t descsz, uint64_t *val)
{
	switch (descsz) {
	case 1:
		*val = desc[0];
		return 0;
	case 2:
		*val = rd16(desc);
		return 0;
	case 4:
		*val = rd32(desc);
		return 0;
	case 8:
		*val = rd64(desc);
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * A string note: up to the first NUL within its descriptor, or the whole descriptor when it
 * has none (Linux emits XEN_ELFNOTE_FEATURES with .ascii, unterminated; Xen's libelf reads on
 * into the note's zero padding). Kept truncated to len.
 */
static void note_string(const uint8_t *desc, uint32_t descsz, char *out, size_t len)
{
	size_t n = strnlen((const char *)desc, descsz);

	if (n >= len)
		n = len - 1;
	memcpy(out, desc, n);
	out[n] = '\0';
}

static int xen_note(struct elf_image *img, uint32_t type, const uint8_t *desc, uint32_t descsz,
		    char *why, size_t whylen)
{
	struct elf_xen_notes *x = &img->xen;
	char *str = NULL;
	size_t strlen_max = ELF_NOTE_STR_LEN;
	uint64_t *num = NULL, val = 0;

	x->nr_notes++;
	switch (type) {
	case XEN_ELFNOTE_ENTRY:
		num = &x->entry;
		break;
	case XEN_ELFNOTE_HYPERCALL_PAGE:
		num = &x->hypercall_page;
		break;
	case XEN_ELFNOTE_VIRT_BASE:
		num = &x->virt_base;
		break;
	case XEN_ELFNOTE_PADDR_OFFSET:
		num = &x->paddr_offset;
		break;
	case XEN_ELFNOTE_HV_START_LOW:
		num = &x->hv_start_low;
		break;
	case XEN_ELFNOTE_INIT_P2M:
		num = &x->init_p2m;
		break;
	case XEN_ELFNOTE_SUSPEND_CANCEL:
		num = &x->suspend_cancel;
		break;
	case XEN_ELFNOTE_MOD_START_PFN:
		num = &x->mod_start_pfn;
		break;
	case XEN_ELFNOTE_PHYS32_ENTRY:
		if (note_numeric(desc, descsz, &val))
			goto bad_size;
		/* The PVH entry runs in 32-bit protected mode with paging off. */
		if (val > UINT32_MAX) {
			format_why(why, whylen, "Xen note PHYS32_ENTRY %#llx is above 4 GiB",
				   (ull)val);
			return -EINVAL;
		}
		x->phys32_entry = (uint32_t)val;
		goto found;
	case XEN_ELFNOTE_SUPPORTED_FEATURES:
		/* An array of 32-bit submaps; only submap 0 exists (XENFEAT_NR_SUBMAPS). */
		if (descsz < 4 || descsz % 4)
			goto bad_size;
		x->supported_features |= rd32(desc);
		goto found;
	case XEN_ELFNOTE_XEN_VERSION:
		str = x->xen_version;
		break;
	case XEN_ELFNOTE_GUEST_OS:
		str = x->guest_os;
		break;
	case XEN_ELFNOTE_GUEST_VERSION:
		str = x->guest_version;
		break;
	case XEN_ELFNOTE_LOADER:
		str = x->loader;
		break;
	case XEN_ELFNOTE_PAE_MODE:
		str = x->pae_mode;
		break;
	case XEN_ELFNOTE_FEATURES:
		str = x->features;
		strlen_max = sizeof(x->features);
		break;
	case XEN_ELFNOTE_BSD_SYMTAB:
		str = x->bsd_symtab;
		break;
	default:
		/* INFO, L1_MFN_VALID, crash/dumpcore notes and unknown types: not ours to use. */
		return 0;
	}
	if (num) {
		if (note_numeric(desc, descsz, &val))
			goto bad_size;
		*num = val;
	} else {
		note_string(desc, descsz, str, strlen_max);
	}
found:
	if (type < 32)
		x->present |= 1u << type;
	return 0;
bad_size:
	format_why(why, whylen, "Xen note type %u: descriptor size %u invalid", type, descsz);
	return -EINVAL;
}

/* The notes of one PT_NOTE segment: each {namesz, descsz, type}, name, desc, padded. */
static int parse_notes(struct elf_image *img, const struct phdr *ph, unsigned int idx, char *why,
		       size_t whylen)
{
	const uint8_t *p = img->data + ph->offset;
	uint64_t size = ph->filesz, off = 0;
	/* Notes are 4-byte aligned in practice; an 8-aligned segment pads to 8 (as readelf). */
	uint64_t align = ph->align == 8 ? 8 : 4;

	while (off < size) {
		uint32_t namesz, descsz, type;
		uint64_t name_off, desc_off, next;

		if (size - off < 12) {
			format_why(why, whylen,
				   "note segment %u: truncated note header at offset %#llx", idx,
				   (ull)off);
			return -EINVAL;
		}
		namesz = rd32(p + off);
		descsz = rd32(p + off + 4);
		type = rd32(p + off + 8);
		name_off = off + 12;
		/* 64-bit sums of 32-bit sizes below a 64-bit size that fit: none can wrap. */
		desc_off = name_off + (((uint64_t)namesz + align - 1) & ~(align - 1));
		next = desc_off + (((uint64_t)descsz + align - 1) & ~(align - 1));
		if (!in_range(name_off, namesz, size) || desc_off > size ||
		    !in_range(desc_off, descsz, size)) {
			format_why(why, whylen,
				   "note segment %u: note at offset %#llx (name %u, desc %u "
				   "bytes) runs past the segment (%llu bytes)",
				   idx, (ull)off, namesz, descsz, (ull)size);
			return -EINVAL;
		}
		if (namesz == 4 && !memcmp(p + name_off, "Xen", 4)) {
			int ret = xen_note(img, type, p + desc_off, descsz, why, whylen);

			if (ret)
				return ret;
		}
		/* The last note's padding may be missing. */
		off = next < size ? next : size;
	}
	return 0;
}

/* Check one program header; PT_LOAD ranges are also checked against the earlier ones. */
static int check_phdr(struct elf_image *img, unsigned int i, char *why, size_t whylen)
{
	struct phdr ph, o;

	read_phdr(img, i, &ph);
	if (ph.type == PT_NOTE) {
		if (!in_range(ph.offset, ph.filesz, img->size)) {
			format_why(why, whylen,
				   "note segment %u (offset %#llx, %llu bytes) runs past the end "
				   "of the image",
				   i, (ull)ph.offset, (ull)ph.filesz);
			return -EINVAL;
		}
		return parse_notes(img, &ph, i, why, whylen);
	}
	if (ph.type != PT_LOAD)
		return 0;
	if (ph.filesz > ph.memsz) {
		format_why(why, whylen, "segment %u: file size %llu exceeds memory size %llu", i,
			   (ull)ph.filesz, (ull)ph.memsz);
		return -EINVAL;
	}
	if (!in_range(ph.offset, ph.filesz, img->size)) {
		format_why(why, whylen,
			   "segment %u (offset %#llx, %llu bytes) runs past the end of the "
			   "image (%zu bytes)",
			   i, (ull)ph.offset, (ull)ph.filesz, img->size);
		return -EINVAL;
	}
	if (!ph.memsz)
		return 0;
	if (ph.memsz > UINT64_MAX - ph.paddr ||
	    (!img->is64 && ph.paddr + ph.memsz > (1ULL << 32))) {
		format_why(why, whylen, "segment %u: physical range %#llx + %#llx overflows", i,
			   (ull)ph.paddr, (ull)ph.memsz);
		return -EINVAL;
	}
	for (unsigned int k = 0; k < i; k++) {
		read_phdr(img, k, &o);
		if (o.type != PT_LOAD || !o.memsz)
			continue;
		if (ph.paddr < o.paddr + o.memsz && o.paddr < ph.paddr + ph.memsz) {
			format_why(why, whylen,
				   "segment %u [%#llx, %#llx) overlaps segment %u [%#llx, %#llx)",
				   i, (ull)ph.paddr, (ull)(ph.paddr + ph.memsz), k, (ull)o.paddr,
				   (ull)(o.paddr + o.memsz));
			return -EINVAL;
		}
	}
	if (!img->nr_load || ph.paddr < img->paddr_start)
		img->paddr_start = ph.paddr;
	if (!img->nr_load || ph.paddr + ph.memsz > img->paddr_end)
		img->paddr_end = ph.paddr + ph.memsz;
	img->nr_load++;
	return 0;
}

int elf_parse(const void *data, size_t size, struct elf_image *img, char *why, size_t whylen)
{
	int ret;

	memset(img, 0, sizeof(*img));
	format_why(why, whylen, "%s", "");
	if (!data) {
		format_why(why, whylen, "no image");
		return -EINVAL;
	}
	img->data = data;
	img->size = size;
	ret = parse_ident(data, size, img, why, whylen);
	if (ret)
		goto out;
	for (unsigned int i = 0; i < img->phnum; i++) {
		ret = check_phdr(img, i, why, whylen);
		if (ret)
			goto out;
	}
	if (!img->nr_load) {
		format_why(why, whylen, "no loadable segment");
		ret = -EINVAL;
	}
out:
	if (ret)
		memset(img, 0, sizeof(*img));
	return ret;
}

bool elf_next_load(const struct elf_image *img, unsigned int *cursor, struct elf_segment *seg)
{
	struct phdr ph;

	while (*cursor < img->phnum) {
		read_phdr(img, (*cursor)++, &ph);
		if (ph.type != PT_LOAD || !ph.memsz)
			continue;
		*seg = (struct elf_segment){
		    .paddr = ph.paddr,
		    .vaddr = ph.vaddr,
		    .filesz = ph.filesz,
		    .memsz = ph.memsz,
		    .flags = ph.flags,
		    .data = img->data + ph.offset,
		};
		return true;
	}
	return false;
}
