/*
 * The boot bundle at boot: which module it is, validation, the console
 * listing, and the view kept for the domain builder. A bad bundle is
 * reported and ignored; the hypervisor boots on without boot domains.
 *
 * Runs once on the boot CPU before anything reads the result, so there is
 * no locking; bootbundle_get() is for later, single-threaded boot steps.
 */
#include <tessera/bootbundle.h>
#include <tessera/console.h>
#include <tessera/mm.h>
#include <tessera/string.h>

static struct bundle_view boot_bundle;
static bool boot_bundle_valid;

/*
 * The module whose command line has the word "bundle" (e.g. QEMU's
 * -initrd "file bundle"), else the first one that starts with the magic.
 * peek returns the module's first bytes (at least the magic's length when
 * the module is that long), or NULL.
 */
int bootbundle_find_module(const struct boot_info *bi,
			   const void *(*peek)(const struct boot_module *m))
{
	for (unsigned int i = 0; i < bi->nr_modules; i++)
		if (cmdline_get(bi->modules[i].cmdline, "bundle", NULL, 0))
			return (int)i;
	for (unsigned int i = 0; i < bi->nr_modules; i++) {
		const void *p;

		if (bi->modules[i].size < BUNDLE_MAGIC_LEN)
			continue;
		p = peek(&bi->modules[i]);
		if (p && !memcmp(p, BUNDLE_MAGIC, BUNDLE_MAGIC_LEN))
			return (int)i;
	}
	return -1;
}

static const void *module_map(const struct boot_module *m)
{
	return maddr_to_virt(m->start);
}

void bootbundle_load_from(const struct boot_info *bi)
{
	char why[BUNDLE_WHY_LEN], line[BUNDLE_LINE_LEN];
	const struct boot_module *m;
	int idx = bootbundle_find_module(bi, module_map);

	boot_bundle_valid = false;
	if (idx < 0) {
		pr_info("no boot bundle: no boot domains");
		return;
	}
	m = &bi->modules[idx];
	if (m->size > SIZE_MAX) {
		pr_err("boot bundle rejected: module %d is too large (%lu bytes)", idx,
		       (unsigned long)m->size);
		return;
	}
	if (bundle_parse(module_map(m), (size_t)m->size, &boot_bundle, why, sizeof(why))) {
		pr_err("boot bundle rejected: %s", why);
		return;
	}
	boot_bundle_valid = true;
	for (unsigned int n = 0; bundle_listing_line(&boot_bundle, n, line, sizeof(line)); n++)
		pr_info("%s", line);
}

const struct bundle_view *bootbundle_get(void)
{
	return boot_bundle_valid ? &boot_bundle : NULL;
}
