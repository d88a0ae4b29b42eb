/*
 * Structures copied to a guest carry no hypervisor stack bytes (issue 14):
 * struct vcpu_runstate_info has 4 bytes of padding after state, and each
 * of its three copy-outs (VCPUOP_get_runstate_info,
 * register_runstate_memory_area's first write, the per-switch update)
 * must write them as zeros. The stack below the test is painted with a
 * pattern first, so an uninitialised local shows it.
 */
#include <stddef.h>
#include <string.h>

#include <public/vcpu.h>

#include "misc_test.h"

UNIT_SUITE(copyout);

#define PAINT 0xa5
#define PAD_OFF (offsetof(struct vcpu_runstate_info, state) + sizeof(int))
#define PAD_LEN (offsetof(struct vcpu_runstate_info, state_entry_time) - PAD_OFF)

/*
 * Fill the stack the next calls will use with PAINT: everything below this
 * leaf's stack pointer (its frame is only the return address), so also the
 * bytes an ASan frame's redzones would leave unpainted (x86-64 host).
 */
static __attribute__((noinline, no_sanitize_address)) void paint_stack(void)
{
	volatile unsigned char *sp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	for (size_t i = 1; i <= 32768; i++)
		sp[-(ptrdiff_t)i] = PAINT;
}

static bool padding_zero(const struct vcpu_runstate_info *info)
{
	static const unsigned char zeros[PAD_LEN];

	return memcmp((const unsigned char *)info + PAD_OFF, zeros, PAD_LEN) == 0;
}

UNIT_TEST(copyout, runstate_padding_is_zero_in_every_copy)
{
	struct vcpu_register_runstate_memory_area area = {0};
	struct vcpu_runstate_info *info, *mirror;
	struct domain *d;
	struct vcpu *v;
	uint64_t gva, mgva, aref;

	BUILD_BUG_ON(PAD_LEN != 4);
	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 2);
	v = d->vcpu[1];
	gva = fake_guest_alloc(d, sizeof(*info), (void **)&info);
	mgva = fake_guest_alloc(d, sizeof(*mirror), (void **)&mirror);
	memset(info, 0x5a, sizeof(*info));
	memset(mirror, 0x5a, sizeof(*mirror));
	area.addr.p = mgva;
	aref = misc_put(d, &area, sizeof(area), NULL);

	paint_stack();
	CU_ASSERT_EQUAL(fake_hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 1, gva), 0);
	CU_ASSERT_TRUE(padding_zero(info));

	paint_stack();
	CU_ASSERT_EQUAL(
	    fake_hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 1, aref),
	    0);
	CU_ASSERT_TRUE(padding_zero(mirror));

	memset(mirror, 0x5a, sizeof(*mirror));
	paint_stack();
	vcpu_update_runstate_area(v);
	CU_ASSERT_TRUE(padding_zero(mirror));
	CU_ASSERT_EQUAL(mirror->state, (int)v->runstate.state);
	misc_teardown();
}
