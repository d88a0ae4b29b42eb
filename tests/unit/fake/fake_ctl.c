/*
 * Fake arch hooks for domctl/sysctl (see fake_ctl.h). Contexts live in a
 * small table keyed by vCPU pointer; they are host memory the test owns,
 * released by fake_ctl_reset().
 */
#include <stdlib.h>
#include <string.h>
#include <tessera/arch.h>
#include <tessera/errno.h>
#include "fake_ctl.h"

#define FAKE_CTX_SLOTS 64

uint32_t fake_cpu_khz = 2400000;
int fake_vcpu_context_fail;
unsigned long fake_vcpu_set_context_calls, fake_vcpu_get_context_calls;

static struct {
	const struct vcpu *v;
	struct vcpu_guest_context *ctx;
} slots[FAKE_CTX_SLOTS];

uint32_t arch_cpu_khz(void)
{
	return fake_cpu_khz;
}

bool fake_hvm_hap;

bool arch_hvm_hap(void)
{
	return fake_hvm_hap;
}

static int slot_of(const struct vcpu *v, bool create)
{
	int free_slot = -1;

	for (int i = 0; i < FAKE_CTX_SLOTS; i++) {
		if (slots[i].v == v)
			return i;
		if (!slots[i].v && free_slot < 0)
			free_slot = i;
	}
	if (create && free_slot >= 0)
		slots[free_slot].v = v;
	return create ? free_slot : -1;
}

int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
	int i;

	fake_vcpu_set_context_calls++;
	if (fake_vcpu_context_fail)
		return fake_vcpu_context_fail;
	i = slot_of(v, true);
	if (i < 0)
		return -ENOMEM;
	if (!c) { /* reset */
		free(slots[i].ctx);
		slots[i].ctx = NULL;
		slots[i].v = NULL;
		return 0;
	}
	if (!slots[i].ctx)
		slots[i].ctx = malloc(sizeof(*c));
	if (!slots[i].ctx)
		return -ENOMEM;
	memcpy(slots[i].ctx, c, sizeof(*c));
	return 0;
}

int arch_vcpu_get_context(struct vcpu *v, struct vcpu_guest_context *c)
{
	int i;

	fake_vcpu_get_context_calls++;
	if (fake_vcpu_context_fail)
		return fake_vcpu_context_fail;
	i = slot_of(v, false);
	if (i >= 0 && slots[i].ctx)
		memcpy(c, slots[i].ctx, sizeof(*c));
	return 0;
}

const struct vcpu_guest_context *fake_vcpu_context(const struct vcpu *v)
{
	int i = slot_of(v, false);

	return i >= 0 ? slots[i].ctx : NULL;
}

void fake_ctl_reset(void)
{
	for (int i = 0; i < FAKE_CTX_SLOTS; i++) {
		free(slots[i].ctx);
		slots[i].ctx = NULL;
		slots[i].v = NULL;
	}
	fake_vcpu_context_fail = 0;
	fake_vcpu_set_context_calls = fake_vcpu_get_context_calls = 0;
	fake_cpu_khz = 2400000;
}
