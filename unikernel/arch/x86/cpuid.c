/*
 * Finding the hypervisor through CPUID. Xen's leaves sit at 0x40000000
 * or, with Viridian, 0x40000100 (Linux xen_cpuid_base scans every 0x100 up
 * to 0x40010000): "XenVMMXenVMM" in ebx, ecx, edx, and eax the highest
 * leaf (at least base + 2); leaf base+1's eax is the version.
 *
 * Locking: none.
 */
#include <uk/kernel.h>

int arch_xen_cpuid_probe(struct uk_xen_cpuid *x)
{
	uint32_t leaf, a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	if (!(c & (1u << 31)))
		return -ENODEV; /* CPUID.1:ECX.hypervisor clear */
	for (leaf = 0x40000000; leaf < 0x40010000; leaf += 0x100) {
		cpuid(leaf, &a, &b, &c, &d);
		if (b == 0x566e6558 && c == 0x65584d4d && d == 0x4d4d566e && a >= leaf + 2) {
			x->base = leaf;
			x->max_leaf = a;
			cpuid(leaf + 1, &a, &b, &c, &d);
			x->version = a;
			return 0;
		}
	}
	return -ENOENT;
}
