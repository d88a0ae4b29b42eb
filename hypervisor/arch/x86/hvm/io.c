/*
 * Port I/O of PVH guests: no device behind any port (reads float high,
 * writes are dropped, as Xen's null handler), except port 0xE9 (a debug
 * line to the log, rate-limited) and the FADT's sleep control and reset
 * registers (arch/x86/acpi_build.c). INS/OUTS are emulated here through
 * the guest's own address space (arch_copy_*_guest) in batches. The
 * vendor decodes the exit and merges what IN read into rax.
 *
 * Locking: runs on the CPU running v. The 0xE9 line buffer is per domain
 * (hvm_domain.e9_lock: several vCPUs may write).
 */
#include <asm/acpi_build.h>
#include <asm/hvm.h>
#include <asm/x86-defns.h>
#include <public/sched.h>
#include <tessera/console.h>
#include <tessera/guest_access.h>
#include <tessera/privilege.h>
#include <tessera/sched.h>

#define E9_PORT 0xe9
/*
 * PIT channel 2 reads as 0, not 0xff: Linux's quick_pit_calibrate
 * (arch/x86/kernel/tsc.c) polls it for a counting-down MSB and, when every
 * read matches 0xff, spins ~50,000 port reads (each an exit) before giving
 * up; a value that never matches ends it at the first read.
 */
#define PIT_CH2_PORT 0x42

/*
 * One byte of the guest's port 0xE9 debug output: lines go to the log with
 * the domain's name. Each line (with its newline) is paid for from the
 * domain's CONSOLEIO_write token bucket (console_guest_allow), as Xen
 * rate-limits guest log lines: else a guest could keep the serial line, and
 * every CPU printing to it, busy. Charged per line, not per byte, so the
 * limiter's own "dropping" notes come at most once a line.
 */
static void hvm_e9_putc(struct domain *d, char ch)
{
	struct hvm_domain *hd = &d->arch.hvm;
	unsigned long flags = spin_lock_irqsave(&hd->e9_lock);
	uint32_t n;

	if (ch != '\n' && ch != '\r')
		hd->e9_line[hd->e9_len++] = (ch >= 0x20 && ch < 0x7f) || ch == '\t' ? ch : '?';
	if ((ch == '\n' || hd->e9_len == sizeof(hd->e9_line) - 1) && hd->e9_len) {
		n = hd->e9_len;
		if (!is_control_domain(d))
			n = console_guest_allow(d, n + 1, n + 1) > n ? n : 0;
		if (n)
			log_printf(LOG_INFO, "(%s) %.*s", d->name[0] ? d->name : "guest", (int)n,
				   hd->e9_line);
		hd->e9_len = 0;
	}
	spin_unlock_irqrestore(&hd->e9_lock, flags);
}

/*
 * The FADT's two platform controls (arch/x86/acpi_build.c): the sleep control register
 * entering S5 powers the domain off, the reset register reboots it. Other sleep states and
 * values are ignored, as writes to any port without a device are.
 */
static void hvm_acpi_control_write(struct vcpu *v, uint16_t port, uint8_t val)
{
	uint8_t s5 = PVH_ACPI_SLP_EN | (PVH_ACPI_S5_SLP_TYP << 2);

	if (port == PVH_ACPI_SLEEP_CONTROL_PORT && (val & 0x3c) == s5)
		domain_shutdown(v->domain, SHUTDOWN_poweroff);
	else if (port == PVH_ACPI_RESET_PORT && val == PVH_ACPI_RESET_VALUE)
		domain_shutdown(v->domain, SHUTDOWN_reboot);
}

uint32_t hvm_portio_read(struct vcpu *v, uint16_t port, unsigned int size)
{
	(void)v;
	if (port == PIT_CH2_PORT && size == 1)
		return 0; /* see PIT_CH2_PORT */
	return size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
}

void hvm_portio_write(struct vcpu *v, uint16_t port, unsigned int size, uint32_t val)
{
	if (port == E9_PORT)
		hvm_e9_putc(v->domain, (char)val);
	else if (size == 1)
		hvm_acpi_control_write(v, port, (uint8_t)val);
}

/* The base of segment seg for a data access (APM vol. 2 4.5.3: in 64-bit mode only FS and GS
 * have one). */
static uint64_t hvm_seg_base(struct vcpu *v, enum x86_segment seg)
{
	struct segment_register sr;

	if (seg > x86_seg_gs)
		seg = x86_seg_ds;
	if (hvm_64bit_mode(v) && seg < x86_seg_fs)
		return 0;
	hvm_get_segment(v, seg, &sr);
	return sr.base;
}

/* Add delta to the part of reg the address size uses, as the CPU does. */
static uint64_t hvm_addr_add(uint64_t reg, int64_t delta, uint64_t mask)
{
	return (reg & ~mask) | ((reg + (uint64_t)delta) & mask);
}

/* INS/OUTS: at most a batch of elements per exit; the rest re-executes (RCX not yet 0). */
#define STRIO_BATCH 256

void hvm_string_io(struct vcpu *v, const struct hvm_string_io *io)
{
	uint64_t mask = io->addr_mask;
	unsigned int size = io->size;
	int64_t step =
	    (hvm_get_reg(v, HVM_REG_RFLAGS) & X86_EFLAGS_DF) ? -(int64_t)size : (int64_t)size;
	uint64_t rcx = hvm_get_reg(v, HVM_REG_RCX);
	uint64_t count = io->rep ? (rcx & mask) : 1, n;
	uint32_t ones = 0xffffffff;

	n = count < STRIO_BATCH ? count : STRIO_BATCH;
	for (uint64_t i = 0; i < n; i++) {
		if (io->in) {
			uint64_t rdi = hvm_get_reg(v, HVM_REG_RDI);
			uint64_t gva = hvm_seg_base(v, x86_seg_es) + (rdi & mask);

			if (arch_copy_to_guest(v, gva, &ones, size))
				goto fault;
			hvm_set_reg(v, HVM_REG_RDI, hvm_addr_add(rdi, step, mask));
		} else {
			uint64_t rsi = hvm_get_reg(v, HVM_REG_RSI);
			uint64_t gva = hvm_seg_base(v, io->seg) + (rsi & mask);
			uint32_t val = 0;

			if (arch_copy_from_guest(v, &val, gva, size))
				goto fault;
			if (io->port == E9_PORT)
				hvm_e9_putc(v->domain, (char)val);
			hvm_set_reg(v, HVM_REG_RSI, hvm_addr_add(rsi, step, mask));
		}
	}
	if (io->rep)
		hvm_set_reg(v, HVM_REG_RCX, hvm_addr_add(rcx, -(int64_t)n, mask));
	if (count == n)
		hvm_set_reg(v, HVM_REG_RIP, io->next_rip);
	return;
fault:
	hvm_crash(v, "string I/O on port %#x through an unmapped address (rip %#lx)", io->port,
		  (unsigned long)hvm_get_reg(v, HVM_REG_RIP));
}
