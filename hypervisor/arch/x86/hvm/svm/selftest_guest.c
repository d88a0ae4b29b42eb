/*
 * The hand-made guest of the SVM self-tests (selftest_guest.h): create,
 * describe, start, run and destroy a throwaway PVH domain whose two pages
 * the test fills itself. Runs on the boot CPU from the self-test list; no
 * locking of its own.
 */
#include <asm/hvm.h>
#include <asm/page.h>
#include <asm/system.h>
#include <tessera/arch.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>
#include <tessera/sched.h>
#include <tessera/softirq.h>
#include <tessera/string.h>

#include "selftest_guest.h"

int stg_create(struct stg_guest *g, domid_t domid, const char *name)
{
	struct domain_create_args args = {
	    .name = name,
	    .mode = GUEST_MODE_PVH,
	    .max_vcpus = 1,
	    .max_pages = 8,
	};
	struct page_info *code, *data;
	int ret;

	memset(g, 0, sizeof(*g));
	ret = domain_create(domid, &args, &g->d);
	if (ret)
		return ret;
	get_domain(g->d);
	g->v = g->d->vcpu[0];
	code = alloc_domain_pages(g->d, 0);
	data = alloc_domain_pages(g->d, 0);
	if (!code || !data) {
		stg_destroy(g); /* the domain's teardown frees what was allocated */
		return -ENOMEM;
	}
	g->code = page_to_virt(code);
	g->data = page_to_virt(data);
	memset(g->code, 0xf4, PAGE_SIZE);
	memset(g->data, 0, PAGE_SIZE);
	return 0;
}

void stg_fill_tables(uint8_t *p, unsigned int vector, uint32_t handler_gpa)
{
	const uint32_t data_gpa = STG_DATA_GFN << PAGE_SHIFT;
	uint8_t *gate = p + STG_IDT + vector * 8;

	p[STG_IDTR] = 0xff, p[STG_IDTR + 1] = 0x07;
	memcpy(p + STG_IDTR + 2, &(uint32_t){data_gpa + STG_IDT}, 4);
	p[STG_GDTR] = 0x17, p[STG_GDTR + 1] = 0;
	memcpy(p + STG_GDTR + 2, &(uint32_t){data_gpa + STG_GDT}, 4);
	memcpy(p + STG_GDT + 8, "\xff\xff\x00\x00\x00\x9b\xcf\x00", 8);
	memcpy(p + STG_GDT + 16, "\xff\xff\x00\x00\x00\x93\xcf\x00", 8);
	gate[0] = (uint8_t)handler_gpa, gate[1] = (uint8_t)(handler_gpa >> 8);
	gate[2] = 0x08, gate[3] = 0;
	gate[4] = 0, gate[5] = 0x8e; /* present 32-bit interrupt gate: IF and TF cleared on entry */
	gate[6] = (uint8_t)(handler_gpa >> 16), gate[7] = (uint8_t)(handler_gpa >> 24);
}

int stg_start(struct stg_guest *g)
{
	int ret;

	ret =
	    p2m_set_entry(g->d, _gfn(STG_CODE_GFN), page_to_mfn(virt_to_page(g->code)), p2m_ram_rw);
	if (!ret)
		ret = p2m_set_entry(g->d, _gfn(STG_DATA_GFN), page_to_mfn(virt_to_page(g->data)),
				    p2m_ram_rw);
	if (!ret)
		ret = hvm_vcpu_set_pvh_start(g->v, STG_CODE_GFN << PAGE_SHIFT, 0);
	if (ret)
		return ret;
	g->v->is_initialised = true;
	clear_bit(VPF_down, &g->v->pause_flags);
	return domain_unpause_by_controller(g->d);
}

void stg_run_until_down(struct stg_guest *g, s_time_t deadline, bool kick)
{
	unsigned int cpu = smp_processor_id();
	struct vcpu *v = g->v;

	while (NOW() < deadline && !(g->d->is_shut_down && !READ_ONCE(v->is_running))) {
		if (kick && test_bit(VPF_blocked, &v->pause_flags)) {
			kick = false;
			vcpu_mark_events_pending(v);
		}
		local_irq_enable();
		do_softirq();
		local_irq_disable();
		if (softirq_pending(cpu))
			continue;
		if (!is_idle_vcpu(current))
			arch_vcpu_run(current);
		else
			safe_halt();
	}
	local_irq_enable();
}

void stg_destroy(struct stg_guest *g)
{
	while (domain_kill(g->d) == -ERESTART)
		;
	put_domain(g->d);
	g->d = NULL;
}
