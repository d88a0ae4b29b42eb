/*
 * CPUID for PVH/HVM guests: Xen's hypervisor leaves 0x40000000-0x40000005
 * (public/arch-x86/cpuid.h; Xen 4.17 traps.c cpuid_hypervisor_leaves), and
 * the host's leaves with what a guest must not see or use hidden (SVM,
 * MONITOR, TSC-deadline, LA57, AVX2/AVX-512) and what it gets added (the
 * hypervisor bit, the virtual x2APIC and its IDs). The vendor decodes the
 * CPUID exit and writes the result back.
 *
 * Locking: none; runs on the CPU running v.
 */
#include <asm/acpi_build.h>
#include <asm/hvm.h>
#include <asm/msr-index.h>
#include <asm/system.h>
#include <tessera/arch.h>
#include <tessera/p2m_limit.h>

/* Xen's hypervisor CPUID leaves. */
#define XEN_CPUID_BASE 0x40000000u
#define XEN_CPUID_MAX_LEAF 5u
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT (1u << 4)
#define XEN_HVM_CPUID_UPCALL_VECTOR (1u << 6)

static void hvm_cpuid_xen(struct vcpu *v, uint32_t idx, uint32_t sub, uint32_t *a, uint32_t *b,
			  uint32_t *c, uint32_t *d)
{
	*a = *b = *c = *d = 0;
	switch (idx) {
	case 0:
		*a = XEN_CPUID_BASE + XEN_CPUID_MAX_LEAF;
		*b = 0x566e6558; /* "XenV" */
		*c = 0x65584d4d; /* "MMXe" */
		*d = 0x4d4d566e; /* "nVMM" */
		break;
	case 1:
		*a = (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR;
		break;
	case 2:
		*a = 1; /* one hypercall page */
		*b = MSR_XEN_HYPERCALL;
		break;
	case 3:
		/* TSC: native, never emulated (tsc_mode 0); subleaf 2 is the TSC rate in kHz. */
		if (sub == 0)
			*c = arch_cpu_khz();
		else if (sub == 2)
			*a = arch_cpu_khz();
		break;
	case 4:
		/*
		 * HVM features: vCPU and domain ids, and per-vCPU upcall vectors
		 * (delivered through the vLAPIC, arch_vcpu_kick). No hardware
		 * APIC-access or x2APIC virtualisation bits: ours is emulated.
		 */
		*a = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT |
		     XEN_HVM_CPUID_UPCALL_VECTOR;
		*b = v->vcpu_id;
		*c = v->domain->domain_id;
		break;
	default: /* 5: PV-only parameters, zero for HVM as in Xen */
		break;
	}
}

void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t *pa, uint32_t *pb,
	       uint32_t *pc, uint32_t *pd)
{
	uint32_t a, b, c, d;

	if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x10000) {
		if (leaf <= XEN_CPUID_BASE + XEN_CPUID_MAX_LEAF)
			hvm_cpuid_xen(v, leaf - XEN_CPUID_BASE, sub, &a, &b, &c, &d);
		else
			a = b = c = d = 0;
	} else {
		cpuid_count(leaf, sub, &a, &b, &c, &d);
		switch (leaf) {
		case 1:
			/* Hide MONITOR(3), VMX(5), TSC-deadline(24); set x2APIC(21, vlapic.c)
			 * and the hypervisor bit (31). XSAVE/OSXSAVE/AVX: xstate.c. */
			c &= ~((1u << 3) | (1u << 5) | (1u << 24));
			c |= (1u << 21) | (1u << 31);
			hvm_cpuid_xstate(v, leaf, sub, &a, &b, &c, &d);
			d |= 1u << 9; /* APIC */
			/* Initial APIC ID (bits 31:24): the MADT's and the x2APIC ID register's. */
			b = (b & 0x00ffffffu) | ((PVH_LAPIC_ID(v->vcpu_id) & 0xff) << 24);
			break;
		case 0xb: /* x2APIC topology: EDX is this logical CPU's x2APIC ID */
		case 0x1f:
			d = PVH_LAPIC_ID(v->vcpu_id);
			break;
		case 5: /* MONITOR/MWAIT */
			a = b = c = d = 0;
			break;
		case 0xd: /* XSAVE: what xstate.c offers */
			hvm_cpuid_xstate(v, leaf, sub, &a, &b, &c, &d);
			break;
		case 7:
			if (sub == 0)
				c &= ~(1u << 16); /* LA57 */
			b &= ~((1u << 5) | (1u << 16) | (1u << 17) | (1u << 30) |
			       (1u << 31)); /* AVX2/512 */
			break;
		case 0x80000001:
			c &= ~((1u << 2) | (1u << 12) | (1u << 29)); /* SVM, SKINIT, MONITORX */
			break;
		case 0x80000008:
			/*
			 * Address sizes: the guest's physical width is what its p2m and
			 * the 4-level NPT map (P2M_PADDR_BITS), never more than the
			 * host's; no guest-physical size of its own (no nested paging).
			 */
			if ((a & 0xffu) > P2M_PADDR_BITS)
				a = (a & ~0xffu) | P2M_PADDR_BITS;
			a &= ~0x00ff0000u;
			break;
		case 0x8000000a: /* SVM features */
			a = b = c = d = 0;
			break;
		default:
			break;
		}
	}
	*pa = a;
	*pb = b;
	*pc = c;
	*pd = d;
}
