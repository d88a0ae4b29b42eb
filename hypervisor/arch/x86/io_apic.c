/*
 * The IOAPICs and the legacy 8259 PICs. Tessera takes no device interrupts
 * yet, so both are only silenced: every IOAPIC redirection entry is masked
 * and the PICs are moved off the exception vectors and masked.
 *
 * Locking: none; runs once on the boot CPU before the others start.
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/system.h>
#include <tessera/console.h>
#include <tessera/mm.h>

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_REDIR(n) (0x10 + 2 * (n))
#define IOAPIC_REDIR_MASKED (1u << 16)

#define PIC_MASTER_CMD 0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_CMD 0xa0
#define PIC_SLAVE_DATA 0xa1

static uint32_t ioapic_read(volatile uint32_t *io, unsigned int reg)
{
	io[IOAPIC_REGSEL / 4] = reg;
	return io[IOAPIC_WINDOW / 4];
}

static void ioapic_write(volatile uint32_t *io, unsigned int reg, uint32_t v)
{
	io[IOAPIC_REGSEL / 4] = reg;
	io[IOAPIC_WINDOW / 4] = v;
}

static void ioapic_mask_all(const struct acpi_ioapic *ioa)
{
	volatile uint32_t *io = ioremap(_paddr(ioa->addr), 4096);
	unsigned int nr;

	if (!io) {
		pr_warn("IOAPIC at %#x: cannot map it, left alone", ioa->addr);
		return;
	}
	/* Bits 16-23 hold the index of the last redirection entry. */
	nr = ((ioapic_read(io, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
	for (unsigned int i = 0; i < nr; i++) {
		ioapic_write(io, IOAPIC_REG_REDIR(i), IOAPIC_REDIR_MASKED);
		ioapic_write(io, IOAPIC_REG_REDIR(i) + 1, 0);
	}
	pr_info("IOAPIC %u at %#x: GSIs %u-%u masked", ioa->id, ioa->addr, ioa->gsi_base,
		ioa->gsi_base + nr - 1);
}

/*
 * Re-initialise the 8259s with their vectors at 0x20-0x2f (a spurious IRQ7
 * then cannot pose as an exception) and mask every line.
 */
static void pic_mask_all(void)
{
	outb(PIC_MASTER_CMD, 0x11); /* ICW1: edge, cascade, ICW4 follows */
	outb(PIC_SLAVE_CMD, 0x11);
	outb(PIC_MASTER_DATA, 0x20); /* ICW2: vector base */
	outb(PIC_SLAVE_DATA, 0x28);
	outb(PIC_MASTER_DATA, 0x04); /* ICW3: slave on IR2 */
	outb(PIC_SLAVE_DATA, 0x02);
	outb(PIC_MASTER_DATA, 0x01); /* ICW4: 8086 mode */
	outb(PIC_SLAVE_DATA, 0x01);
	outb(PIC_MASTER_DATA, 0xff);
	outb(PIC_SLAVE_DATA, 0xff);
}

void io_apic_init(void)
{
	if (acpi_madt.pcat_compat)
		pic_mask_all();
	for (unsigned int i = 0; i < acpi_madt.nr_ioapics; i++)
		ioapic_mask_all(&acpi_madt.ioapics[i]);
}
