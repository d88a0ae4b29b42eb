/*
 * PV console ring, backend side (cons_ring.h). Index rules as Xen's
 * xenconsoled and Linux's hvc_xen: free-running 32-bit counters, a ring
 * position is the counter masked by the ring size; the producer publishes
 * data before the index, the consumer reads the index before the data.
 * No locking: one thread per ring.
 */
#include "cons_ring.h"

#define cons_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define cons_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define cons_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

static XENCONS_RING_IDX idx_load(const XENCONS_RING_IDX *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void idx_store(XENCONS_RING_IDX *p, XENCONS_RING_IDX v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

int cons_ring_take_output(struct xencons_interface *intf, char *buf, size_t len)
{
	XENCONS_RING_IDX cons = idx_load(&intf->out_cons);
	XENCONS_RING_IDX prod = idx_load(&intf->out_prod);
	XENCONS_RING_IDX avail = prod - cons;
	size_t n = 0;

	cons_rmb(); /* the indices before the data */
	if (avail > sizeof(intf->out)) {
		idx_store(&intf->out_cons, prod);
		return -1;
	}
	while (n < len && n < avail) {
		buf[n] = intf->out[(cons + n) & (sizeof(intf->out) - 1)];
		n++;
	}
	cons_mb(); /* the data before the index frees its room */
	idx_store(&intf->out_cons, cons + (XENCONS_RING_IDX)n);
	return (int)n;
}

int cons_ring_input_room(const struct xencons_interface *intf)
{
	XENCONS_RING_IDX used = idx_load(&intf->in_prod) - idx_load(&intf->in_cons);

	if (used > sizeof(intf->in))
		return -1;
	return (int)(sizeof(intf->in) - used);
}

int cons_ring_put_input(struct xencons_interface *intf, const char *buf, size_t len)
{
	XENCONS_RING_IDX prod = idx_load(&intf->in_prod);
	int room = cons_ring_input_room(intf);
	size_t n = 0;

	if (room < 0)
		return -1;
	cons_mb(); /* the guest's consumer index before we overwrite its room */
	while (n < len && n < (size_t)room) {
		intf->in[(prod + n) & (sizeof(intf->in) - 1)] = buf[n];
		n++;
	}
	cons_wmb(); /* the data before the index */
	idx_store(&intf->in_prod, prod + (XENCONS_RING_IDX)n);
	return (int)n;
}
