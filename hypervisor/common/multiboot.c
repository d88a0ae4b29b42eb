/*
 * Multiboot v1 and Multiboot2 boot information, read into struct boot_info.
 * Portable (unit-tested on the host): every access goes through map(), and
 * every length and count from the loader is bounds-checked before use.
 */
#include <tessera/bootinfo.h>
#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <tessera/string.h>

#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS (1u << 3)
#define MB1_INFO_MMAP (1u << 6)
#define MB1_INFO_LOADER (1u << 9)
#define MB1_INFO_SIZE 72

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_MAX_SIZE (1u << 20)

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

/* Copies a NUL-terminated string at pa (at most size-1 bytes) into buf. */
static void copy_string(const void *(*map)(paddr_t, size_t), paddr_t pa, char *buf, size_t size)
{
	const char *s;
	size_t n = 0;

	buf[0] = '\0';
	if (!paddr_x(pa))
		return;
	/* Map byte by byte so a string near the end of memory stays in bounds. */
	while (n + 1 < size && (s = map(paddr_add(pa, n), 1)) && *s) {
		buf[n++] = *s;
	}
	buf[n] = '\0';
}

static int add_region(struct boot_info *bi, uint64_t start, uint64_t size, uint32_t type)
{
	if (size == 0)
		return 0;
	if (bi->nr_regions == BOOT_MAX_REGIONS)
		return -E2BIG;
	if (start + size < start)
		size = ~0ULL - start; /* clip a region that wraps */
	bi->regions[bi->nr_regions++] = (struct boot_mem_region){start, size, type};
	return 0;
}

static int add_module(struct boot_info *bi, const void *(*map)(paddr_t, size_t), uint32_t start,
		      uint32_t end, uint32_t string)
{
	struct boot_module *m;

	if (end < start)
		return -EINVAL;
	if (bi->nr_modules == BOOT_MAX_MODULES)
		return -E2BIG;
	m = &bi->modules[bi->nr_modules++];
	m->start = _paddr(start);
	m->size = end - start;
	copy_string(map, _paddr(string), m->cmdline, sizeof(m->cmdline));
	return 0;
}

static int parse_mb1(paddr_t info_pa, const void *(*map)(paddr_t, size_t), struct boot_info *bi)
{
	const uint8_t *info = map(info_pa, MB1_INFO_SIZE);
	uint32_t flags;
	int ret = 0;

	if (!info)
		return -EINVAL;
	flags = rd32(info);
	bi->info_start = info_pa;
	bi->info_end = paddr_add(info_pa, MB1_INFO_SIZE);
	strlcpy(bi->loader, "multiboot1", sizeof(bi->loader));

	if (flags & MB1_INFO_CMDLINE)
		copy_string(map, _paddr(rd32(info + 16)), bi->cmdline, sizeof(bi->cmdline));
	if (flags & MB1_INFO_LOADER)
		copy_string(map, _paddr(rd32(info + 64)), bi->loader, sizeof(bi->loader));

	if (flags & MB1_INFO_MMAP) {
		uint32_t len = rd32(info + 44);
		paddr_t addr = _paddr(rd32(info + 48));
		const uint8_t *mm = map(addr, len);

		if (!mm)
			return -EINVAL;
		for (uint32_t off = 0; off + 4 <= len;) {
			uint32_t size = rd32(mm + off);

			if (size < 20 || off + 4 + size > len)
				return -EINVAL;
			ret = add_region(bi, rd64(mm + off + 4), rd64(mm + off + 12),
					 rd32(mm + off + 20));
			if (ret)
				break;
			off += size + 4;
		}
	} else {
		/* Only the legacy fields: mem_lower and mem_upper, in KiB. */
		add_region(bi, 0, (uint64_t)rd32(info + 4) << 10, BOOT_MEM_RAM);
		add_region(bi, 1 << 20, (uint64_t)rd32(info + 8) << 10, BOOT_MEM_RAM);
	}

	if (flags & MB1_INFO_MODS) {
		uint32_t count = rd32(info + 20);
		const uint8_t *mods;

		if (count > BOOT_MAX_MODULES * 16)
			return -EINVAL;
		mods = map(_paddr(rd32(info + 24)), (size_t)count * 16);
		if (count && !mods)
			return -EINVAL;
		for (uint32_t i = 0; i < count; i++) {
			int r = add_module(bi, map, rd32(mods + i * 16), rd32(mods + i * 16 + 4),
					   rd32(mods + i * 16 + 8));
			if (r == -EINVAL)
				return r;
			if (r && !ret)
				ret = r;
		}
	}
	return ret;
}

static int parse_mb2(paddr_t info_pa, const void *(*map)(paddr_t, size_t), struct boot_info *bi)
{
	const uint8_t *head = map(info_pa, 8);
	const uint8_t *info;
	uint32_t total;
	int ret = 0;

	if (!head)
		return -EINVAL;
	total = rd32(head);
	if (total < 16 || total > MB2_MAX_SIZE || !(info = map(info_pa, total)))
		return -EINVAL;
	bi->info_start = info_pa;
	bi->info_end = paddr_add(info_pa, total);
	strlcpy(bi->loader, "multiboot2", sizeof(bi->loader));

	for (uint32_t off = 8; off + 8 <= total;) {
		uint32_t type = rd32(info + off), size = rd32(info + off + 4);
		const uint8_t *tag = info + off;

		if (size < 8 || off + size > total)
			return -EINVAL;
		switch (type) {
		case MB2_TAG_END:
			return ret;
		case MB2_TAG_CMDLINE:
		case MB2_TAG_LOADER: {
			char *dst = type == MB2_TAG_CMDLINE ? bi->cmdline : bi->loader;
			size_t cap =
			    type == MB2_TAG_CMDLINE ? sizeof(bi->cmdline) : sizeof(bi->loader);
			size_t n = strnlen((const char *)tag + 8, size - 8);

			n = MIN(n, cap - 1);
			memcpy(dst, tag + 8, n);
			dst[n] = '\0';
			break;
		}
		case MB2_TAG_MODULE: {
			char name[BOOT_MODULE_CMDLINE_MAX];
			size_t n;
			int r;

			if (size < 16)
				return -EINVAL;
			r = add_module(bi, map, rd32(tag + 8), rd32(tag + 12), 0);
			if (r == -EINVAL)
				return r;
			if (r) {
				ret = ret ? ret : r;
				break;
			}
			n = MIN(strnlen((const char *)tag + 16, size - 16), sizeof(name) - 1);
			memcpy(name, tag + 16, n);
			name[n] = '\0';
			strlcpy(bi->modules[bi->nr_modules - 1].cmdline, name, sizeof(name));
			break;
		}
		case MB2_TAG_MMAP: {
			uint32_t esize;

			if (size < 16)
				return -EINVAL;
			esize = rd32(tag + 8);
			if (esize < 24)
				return -EINVAL;
			for (uint32_t e = 16; e + esize <= size; e += esize) {
				int r = add_region(bi, rd64(tag + e), rd64(tag + e + 8),
						   rd32(tag + e + 16));

				if (r) {
					ret = ret ? ret : r;
					break;
				}
			}
			break;
		}
		default:
			break;
		}
		off += ROUNDUP(size, 8u);
	}
	return -EINVAL; /* no end tag */
}

int multiboot_parse(uint32_t magic, paddr_t info_pa, const void *(*map)(paddr_t pa, size_t len),
		    struct boot_info *out)
{
	memset(out, 0, sizeof(*out));
	if (magic == MULTIBOOT1_LOADER_MAGIC)
		return parse_mb1(info_pa, map, out);
	if (magic == MULTIBOOT2_LOADER_MAGIC)
		return parse_mb2(info_pa, map, out);
	return -EINVAL;
}

bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		const char *word;
		size_t n;

		while (*p == ' ')
			p++;
		word = p;
		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - word) >= klen && !strncmp(word, key, klen) &&
		    (word[klen] == '=' || word + klen == p)) {
			const char *val = word[klen] == '=' ? word + klen + 1 : p;

			n = (size_t)(p - val);
			if (size) {
				n = MIN(n, size - 1);
				memcpy(buf, val, n);
				buf[n] = '\0';
			}
			return true;
		}
	}
	return false;
}
