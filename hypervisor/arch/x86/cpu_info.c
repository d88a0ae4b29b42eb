/*
 * Facts about the host CPUs that common code reports to the toolstack
 * (sysctl physinfo). Locking: none; the values are written once at boot.
 */
#include <asm/hvm.h>
#include <asm/time.h>
#include <tessera/arch.h>

uint32_t arch_cpu_khz(void)
{
	uint64_t khz = tsc_hz / 1000;

	/* Xen reports the TSC rate as cpu_khz; a 32-bit field holds up to 4 THz. */
	return khz > UINT32_MAX ? UINT32_MAX : (uint32_t)khz;
}

bool arch_hvm_hap(void)
{
	return hvm_enabled(); /* the only HVM support is SVM with nested paging */
}
