/*
 * Event channels, 2-level (uk/events.h). Shared state (Xen public/xen.h):
 * shared_info's evtchn_pending[] and evtchn_mask[] bitmaps, vCPU 0's
 * vcpu_info evtchn_upcall_pending and evtchn_pending_sel (one bit per
 * word of evtchn_pending). The upcall, as Linux's
 * __xen_evtchn_do_upcall: clear upcall_pending, take the selector with
 * xchg, scan the selected words for pending & ~masked, clear each pending
 * bit before calling its handler, repeat while upcall_pending was set
 * again.
 *
 * Delivery: HVM_PARAM_CALLBACK_IRQ = (HVM_PARAM_CALLBACK_TYPE_VECTOR << 56)
 * | vector (public/hvm/params.h): the hypervisor injects the vector while
 * upcall_pending is set and interrupts are on; no APIC EOI.
 *
 * FIFO (events_use_fifo, Xen public/event_channel.h; Linux events_fifo.c):
 * one 32-bit event word per port (PENDING, MASKED, LINKED, BUSY, LINK) in
 * fifo_words, and vCPU 0's control block (READY bit per priority queue,
 * HEAD port of each). The upcall takes READY with xchg and, per queue from
 * priority 0, walks from the HEAD (or where it stopped last time),
 * unlinking each word with a compare-and-exchange and handling it if it is
 * pending and unmasked.
 *
 * Locking: the handler table changes with interrupts off; the upcall runs
 * with interrupts off (an interrupt gate).
 */
#include <public/hvm/params.h>
#include <public/memory.h>
#include <uk/events.h>
#include <uk/kernel.h>

#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)

static struct {
	evtchn_handler_t fn;
	void *data;
} handlers[UK_NR_EVTCHNS];
static uint8_t reported[UK_NR_EVTCHNS / 8];
static shared_info_t shinfo_page __attribute__((aligned(4096)));

shared_info_t *uk_shared_info;
struct vcpu_info *uk_vcpu_info;
unsigned long evtchn_upcall_count;

#define FIFO_WORD_BIT(b) ((event_word_t)1 << (b))
#define FIFO_PAGES (UK_NR_EVTCHNS * sizeof(event_word_t) / 4096)
static int fifo_active;
static event_word_t fifo_words[UK_NR_EVTCHNS] __attribute__((aligned(4096)));
static uint8_t fifo_cb_page[4096] __attribute__((aligned(4096)));
static struct evtchn_fifo_control_block *fifo_cb;
static uint32_t fifo_head[EVTCHN_FIFO_MAX_QUEUES]; /* where each queue's walk goes on */

void events_upcall(void);

int events_init(void)
{
	struct xen_add_to_physmap xatp = {.domid = DOMID_SELF,
					  .space = XENMAPSPACE_shared_info,
					  .idx = 0,
					  .gpfn = virt_to_gfn(&shinfo_page)};
	long rc;
	unsigned int i;

	rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
	if (rc)
		return (int)rc;
	uk_shared_info = &shinfo_page;
	uk_vcpu_info = &shinfo_page.vcpu_info[0];
	/* Everything masked until a handler is attached (Xen starts with all unmasked). */
	for (i = 0; i < ARRAY_SIZE(shinfo_page.evtchn_mask); i++)
		WRITE_ONCE(shinfo_page.evtchn_mask[i], ~(xen_ulong_t)0);
	rc = hvm_set_param(HVM_PARAM_CALLBACK_IRQ,
			   ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | UK_EVTCHN_VECTOR);
	if (rc)
		return (int)rc;
	WRITE_ONCE(uk_vcpu_info->evtchn_upcall_mask, 0);
	return 0;
}

static void no_handler(evtchn_port_t port)
{
	evtchn_mask(port);
	if (!(reported[port / 8] & (1u << (port % 8)))) {
		reported[port / 8] |= (uint8_t)(1u << (port % 8));
		printf("uk: event on port %u without a handler; masked\n", port);
	}
}

static void dispatch(evtchn_port_t port)
{
	if (handlers[port].fn)
		handlers[port].fn(port, handlers[port].data);
	else
		no_handler(port);
}

/* One event of FIFO queue q (Linux's consume_one_event): unlink the head, handle it. */
static void fifo_consume_one(unsigned int q, uint32_t *ready)
{
	uint32_t port = fifo_head[q];
	event_word_t w, now;

	if (port == 0)
		port = __atomic_load_n(&fifo_cb->head[q], __ATOMIC_ACQUIRE);
	if (port == 0 || port >= UK_NR_EVTCHNS) {
		/* Nothing (or nonsense) there: the queue is empty as far as we can tell. */
		*ready &= ~(1u << q);
		fifo_head[q] = 0;
		return;
	}
	w = __atomic_load_n(&fifo_words[port], __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(
	    &fifo_words[port], &w,
	    w & ~(FIFO_WORD_BIT(EVTCHN_FIFO_LINKED) | (event_word_t)EVTCHN_FIFO_LINK_MASK), 0,
	    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		;
	fifo_head[q] = w & EVTCHN_FIFO_LINK_MASK;
	if (fifo_head[q] == 0)
		*ready &= ~(1u << q);
	now = __atomic_load_n(&fifo_words[port], __ATOMIC_SEQ_CST);
	if ((now & FIFO_WORD_BIT(EVTCHN_FIFO_PENDING)) &&
	    !(now & FIFO_WORD_BIT(EVTCHN_FIFO_MASKED))) {
		__atomic_fetch_and(&fifo_words[port], ~FIFO_WORD_BIT(EVTCHN_FIFO_PENDING),
				   __ATOMIC_SEQ_CST);
		dispatch(port);
	}
}

static void fifo_upcall(struct vcpu_info *vi)
{
	do {
		uint32_t ready;

		WRITE_ONCE(vi->evtchn_upcall_pending, 0);
		ready = __atomic_exchange_n(&fifo_cb->ready, 0, __ATOMIC_SEQ_CST);
		while (ready) {
			fifo_consume_one((unsigned int)__builtin_ctz(ready), &ready);
			ready |= __atomic_exchange_n(&fifo_cb->ready, 0, __ATOMIC_SEQ_CST);
		}
	} while (READ_ONCE(vi->evtchn_upcall_pending));
}

/* The upcall (interrupt context, interrupts off). */
void events_upcall(void)
{
	struct vcpu_info *vi = uk_vcpu_info;
	shared_info_t *s = uk_shared_info;

	evtchn_upcall_count++;
	if (!vi)
		return;
	if (fifo_active) {
		fifo_upcall(vi);
		return;
	}
	do {
		unsigned long sel;

		WRITE_ONCE(vi->evtchn_upcall_pending, 0);
		sel = xchg_ul((volatile unsigned long *)&vi->evtchn_pending_sel, 0);
		while (sel) {
			unsigned int w = (unsigned int)__builtin_ctzl(sel);
			xen_ulong_t bits;

			sel &= sel - 1;
			bits = READ_ONCE(s->evtchn_pending[w]) & ~READ_ONCE(s->evtchn_mask[w]);
			while (bits) {
				unsigned int b = (unsigned int)__builtin_ctzl(bits);
				evtchn_port_t port = (evtchn_port_t)(w * BITS_PER_WORD + b);

				bits &= bits - 1;
				sync_clear_bit(port, s->evtchn_pending);
				dispatch(port);
			}
		}
	} while (READ_ONCE(vi->evtchn_upcall_pending));
}

int evtchn_bind(evtchn_port_t port, evtchn_handler_t fn, void *data)
{
	unsigned long flags;

	if (port >= UK_NR_EVTCHNS)
		return -EINVAL;
	flags = irq_save();
	handlers[port].fn = fn;
	handlers[port].data = data;
	reported[port / 8] &= (uint8_t) ~(1u << (port % 8));
	irq_restore(flags);
	if (fn)
		evtchn_unmask(port);
	return 0;
}

void evtchn_unbind(evtchn_port_t port)
{
	unsigned long flags;

	if (port >= UK_NR_EVTCHNS)
		return;
	evtchn_mask(port);
	flags = irq_save();
	handlers[port].fn = NULL;
	handlers[port].data = NULL;
	irq_restore(flags);
}

long events_use_fifo(void)
{
	struct evtchn_init_control ic = {
	    .control_gfn = virt_to_gfn(fifo_cb_page), .offset = 0, .vcpu = 0};
	unsigned long flags;
	long rc;

	if (fifo_active)
		return 0;
	for (unsigned int i = 0; i < UK_NR_EVTCHNS; i++)
		fifo_words[i] = FIFO_WORD_BIT(EVTCHN_FIFO_MASKED);
	memset(fifo_cb_page, 0, sizeof(fifo_cb_page));
	memset(fifo_head, 0, sizeof(fifo_head));
	flags = irq_save();
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic);
	for (unsigned int i = 0; !rc && i < FIFO_PAGES; i++) {
		struct evtchn_expand_array ea = {.array_gfn = virt_to_gfn(&fifo_words[i * 1024])};

		rc = HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ea);
	}
	if (!rc) {
		fifo_cb = (struct evtchn_fifo_control_block *)fifo_cb_page;
		fifo_active = 1;
	}
	irq_restore(flags);
	if (rc)
		return rc;
	/* Words start masked: give back what had a handler (pending ones are raised then). */
	for (evtchn_port_t p = 1; p < UK_NR_EVTCHNS; p++)
		if (handlers[p].fn)
			evtchn_unmask(p);
	return 0;
}

int events_fifo_active(void)
{
	return fifo_active;
}

long evtchn_set_priority(evtchn_port_t port, uint32_t priority)
{
	struct evtchn_set_priority op = {.port = port, .priority = priority};

	return HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &op);
}

void evtchn_mask(evtchn_port_t port)
{
	if (port >= UK_NR_EVTCHNS)
		return;
	if (fifo_active)
		__atomic_fetch_or(&fifo_words[port], FIFO_WORD_BIT(EVTCHN_FIFO_MASKED),
				  __ATOMIC_SEQ_CST);
	else if (uk_shared_info)
		sync_set_bit(port, uk_shared_info->evtchn_mask);
}

void evtchn_unmask(evtchn_port_t port)
{
	struct evtchn_unmask op = {.port = port};

	if (port >= UK_NR_EVTCHNS)
		return;
	/* Xen evtchn_unmask: clears the bit and, if the port is pending, sets the upcall again. */
	HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &op);
}

int evtchn_is_pending(evtchn_port_t port)
{
	if (port < UK_NR_EVTCHNS && fifo_active)
		return !!(__atomic_load_n(&fifo_words[port], __ATOMIC_SEQ_CST) &
			  FIFO_WORD_BIT(EVTCHN_FIFO_PENDING));
	return port < UK_NR_EVTCHNS && uk_shared_info &&
	       test_bit(port, uk_shared_info->evtchn_pending);
}

int evtchn_is_masked(evtchn_port_t port)
{
	if (port < UK_NR_EVTCHNS && fifo_active)
		return !!(__atomic_load_n(&fifo_words[port], __ATOMIC_SEQ_CST) &
			  FIFO_WORD_BIT(EVTCHN_FIFO_MASKED));
	return port < UK_NR_EVTCHNS && uk_shared_info &&
	       test_bit(port, uk_shared_info->evtchn_mask);
}

void evtchn_clear_pending(evtchn_port_t port)
{
	if (port < UK_NR_EVTCHNS && fifo_active)
		__atomic_fetch_and(&fifo_words[port], ~FIFO_WORD_BIT(EVTCHN_FIFO_PENDING),
				   __ATOMIC_SEQ_CST);
	else if (port < UK_NR_EVTCHNS && uk_shared_info)
		sync_clear_bit(port, uk_shared_info->evtchn_pending);
}

long evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send op = {.port = port};

	return HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

long evtchn_close(evtchn_port_t port)
{
	struct evtchn_close op = {.port = port};

	evtchn_unbind(port);
	return HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

static long attach(long rc, evtchn_port_t port, evtchn_handler_t fn, void *data, evtchn_port_t *out)
{
	if (rc)
		return rc;
	*out = port;
	if (fn)
		return evtchn_bind(port, fn, data);
	evtchn_mask(port);
	return 0;
}

long evtchn_alloc_unbound(domid_t remote, evtchn_handler_t fn, void *data, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound op = {.dom = DOMID_SELF, .remote_dom = remote};
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);

	/* op.port is an output: read it only after the call. */
	return attach(rc, op.port, fn, data, port);
}

long evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_handler_t fn,
			     void *data, evtchn_port_t *local_port)
{
	struct evtchn_bind_interdomain op = {.remote_dom = remote, .remote_port = remote_port};
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);

	/* op.local_port is an output: read it only after the call. */
	return attach(rc, op.local_port, fn, data, local_port);
}

long evtchn_bind_virq(uint32_t virq, evtchn_handler_t fn, void *data, evtchn_port_t *port)
{
	struct evtchn_bind_virq op = {.virq = virq, .vcpu = 0};
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);

	/* op.port is an output: read it only after the call. */
	return attach(rc, op.port, fn, data, port);
}

long evtchn_bind_ipi(uint32_t vcpu, evtchn_handler_t fn, void *data, evtchn_port_t *port)
{
	struct evtchn_bind_ipi op = {.vcpu = vcpu};
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &op);

	/* op.port is an output: read it only after the call. */
	return attach(rc, op.port, fn, data, port);
}

/*
 * Our own domain id, which no hypercall of an HVM guest returns directly:
 * an unbound port for DOMID_SELF records the real id as its remote end
 * (Xen evtchn_alloc_unbound), and EVTCHNOP_status reports it.
 */
long uk_domid(void)
{
	static long domid = -1;
	struct evtchn_status st;
	evtchn_port_t port;
	long rc;

	if (domid >= 0)
		return domid;
	rc = evtchn_alloc_unbound(DOMID_SELF, NULL, NULL, &port);
	if (rc)
		return rc;
	memset(&st, 0, sizeof(st));
	st.dom = DOMID_SELF;
	st.port = port;
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_status, &st);
	evtchn_close(port);
	if (rc)
		return rc;
	if (st.status != EVTCHNSTAT_unbound)
		return -EIO;
	domid = st.u.unbound.dom;
	return domid;
}
