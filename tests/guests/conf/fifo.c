/*
 * Conformance: event channels, FIFO ABI (Xen 4.17 common/event_fifo.c,
 * public/event_channel.h).
 *
 * Before the switch: expand_array is -EOPNOTSUPP, set_priority -ENOSYS on
 * a valid port; init_control refuses a vCPU that does not exist, a control
 * block that crosses its page or is misaligned, and a gfn with nothing
 * behind it, and none of these switches the domain. Then the unikernel
 * switches (events_use_fifo: control block for vCPU 0, four array pages):
 * a port pending under 2-level is pending in its FIFO word afterwards;
 * init_control twice on a vCPU is refused; events are delivered through
 * the queues, priority 0 first whatever the send order; masking holds an
 * event back and unmask delivers it once; set_priority's refusals;
 * SCHEDOP_poll sees FIFO pending state; timers (VIRQ_TIMER, bound before
 * the switch) keep working.
 *
 * Locking: none (tests run one at a time; handlers only record).
 */
#include "conf.h"

static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
	struct evtchn_init_control ic = {.control_gfn = gfn, .offset = offset, .vcpu = vcpu};

	return HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic);
}

static long expand_array(uint64_t gfn)
{
	struct evtchn_expand_array ea = {.array_gfn = gfn};

	return HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ea);
}

static uint8_t scratch[4096] __attribute__((aligned(4096)));

/* A loopback channel: p the sending end, *q the receiving end (masked, not pending). */
static long loopback(evtchn_port_t *p, evtchn_port_t *q)
{
	long rc = conf_evtchn_alloc(DOMID_SELF, p);

	if (rc)
		return rc;
	rc = evtchn_bind_interdomain(DOMID_SELF, *p, NULL, NULL, q);
	if (!rc)
		evtchn_clear_pending(*q);
	return rc;
}

static evtchn_port_t pending_before_switch, pending_before_peer;

TEST(fifo_ops_before_init_control)
{
	evtchn_port_t p;

	EXPECT_ERRNO(expand_array(virt_to_gfn(scratch)), -EOPNOTSUPP);
	ASSERT_OK(conf_evtchn_alloc(DOMID_SELF, &p));
	EXPECT_ERRNO(evtchn_set_priority(p, 3), -ENOSYS);
	EXPECT_ERRNO(evtchn_set_priority(CONF_BAD_PORT, 3), -EINVAL);
	EXPECT_OK(conf_evtchn_close(p));
}

TEST(init_control_refusals)
{
	void *hole = conf_hole();

	EXPECT_ERRNO(init_control(virt_to_gfn(scratch), 0, 4096), -ENOENT);
	EXPECT_ERRNO(init_control(virt_to_gfn(scratch), 0, 0xffffffffu), -ENOENT);
	/* The 72-byte block must fit its page, at an 8-byte boundary. */
	EXPECT_ERRNO(init_control(virt_to_gfn(scratch), 4096 - 64, 0), -EINVAL);
	EXPECT_ERRNO(init_control(virt_to_gfn(scratch), 0xfffffff8u, 0), -EINVAL);
	EXPECT_ERRNO(init_control(virt_to_gfn(scratch), 4, 0), -EINVAL);
	if (hole) {
		EXPECT_ERRNO(init_control(virt_to_gfn(hole), 0, 0), -EINVAL);
		EXPECT_OK(conf_hole_fill(hole));
	}
	/* Still 2-level. */
	EXPECT_ERRNO(expand_array(virt_to_gfn(scratch)), -EOPNOTSUPP);
}

TEST(switch_keeps_bound_ports_and_their_pending_state)
{
	evtchn_port_t p, q;
	long rc;

	ASSERT_OK(loopback(&p, &q));
	EXPECT_OK(evtchn_notify(p));
	EXPECT_TRUE(evtchn_is_pending(q)); /* in the 2-level bitmap */
	rc = events_use_fifo();
	ASSERT_OK(rc);
	EXPECT_TRUE(events_fifo_active());
	/* Pending (and still masked) in its FIFO word now. */
	EXPECT_TRUE(evtchn_is_pending(q));
	EXPECT_TRUE(evtchn_is_masked(q));
	pending_before_switch = q;
	pending_before_peer = p;
	/* One control block per vCPU. */
	EXPECT_ERRNO(init_control(virt_to_gfn(scratch), 0, 0), -EINVAL);
}

static volatile unsigned int nr_seen;
static evtchn_port_t seen[8];

static void record(evtchn_port_t port, void *data)
{
	(void)data;
	if (nr_seen < ARRAY_SIZE(seen))
		seen[nr_seen] = port;
	nr_seen++;
}

TEST(port_bound_before_the_switch_delivers)
{
	evtchn_port_t q = pending_before_switch;

	ASSERT_NE(q, 0);
	nr_seen = 0;
	/* Attaching unmasks it: the event pending since before the switch arrives. */
	ASSERT_OK(evtchn_bind(q, record, NULL));
	EXPECT_TRUE(CONF_WAIT(nr_seen == 1, 200));
	EXPECT_EQ(seen[0], q);
	EXPECT_OK(evtchn_notify(pending_before_peer));
	EXPECT_TRUE(CONF_WAIT(nr_seen == 2, 200));
	EXPECT_OK(evtchn_close(q));
	EXPECT_OK(conf_evtchn_close(pending_before_peer));
}

TEST(priorities_order_delivery)
{
	static const uint32_t prio[3] = {EVTCHN_FIFO_PRIORITY_MIN, EVTCHN_FIFO_PRIORITY_DEFAULT,
					 EVTCHN_FIFO_PRIORITY_MAX};
	evtchn_port_t p[3], q[3];
	unsigned long flags;

	for (int i = 0; i < 3; i++) {
		ASSERT_OK(loopback(&p[i], &q[i]));
		EXPECT_OK(evtchn_set_priority(q[i], prio[i]));
		ASSERT_OK(evtchn_bind(q[i], record, NULL));
	}
	nr_seen = 0;
	/* Sent lowest priority first, with upcalls held off: delivered highest first. */
	flags = irq_save();
	for (int i = 0; i < 3; i++)
		EXPECT_OK(evtchn_notify(p[i]));
	irq_restore(flags);
	EXPECT_TRUE(CONF_WAIT(nr_seen == 3, 200));
	EXPECT_EQ(seen[0], q[2]);
	EXPECT_EQ(seen[1], q[1]);
	EXPECT_EQ(seen[2], q[0]);
	/* Same priority: in send order. */
	EXPECT_OK(evtchn_set_priority(q[0], 4));
	EXPECT_OK(evtchn_set_priority(q[2], 4));
	nr_seen = 0;
	flags = irq_save();
	EXPECT_OK(evtchn_notify(p[2]));
	EXPECT_OK(evtchn_notify(p[0]));
	irq_restore(flags);
	EXPECT_TRUE(CONF_WAIT(nr_seen == 2, 200));
	EXPECT_EQ(seen[0], q[2]);
	EXPECT_EQ(seen[1], q[0]);
	for (int i = 0; i < 3; i++) {
		EXPECT_OK(evtchn_close(q[i]));
		EXPECT_OK(conf_evtchn_close(p[i]));
	}
}

TEST(set_priority_refusals)
{
	evtchn_port_t p, q;

	ASSERT_OK(loopback(&p, &q));
	EXPECT_ERRNO(evtchn_set_priority(q, EVTCHN_FIFO_PRIORITY_MIN + 1), -EINVAL);
	EXPECT_ERRNO(evtchn_set_priority(q, 0xffffffffu), -EINVAL);
	EXPECT_ERRNO(evtchn_set_priority(CONF_BAD_PORT, 0), -EINVAL);
	EXPECT_OK(evtchn_set_priority(q, EVTCHN_FIFO_PRIORITY_MAX));
	EXPECT_OK(evtchn_close(q));
	EXPECT_OK(conf_evtchn_close(p));
}

TEST(mask_unmask_delivery)
{
	evtchn_port_t p, q;

	ASSERT_OK(loopback(&p, &q));
	nr_seen = 0;
	ASSERT_OK(evtchn_bind(q, record, NULL));
	EXPECT_OK(evtchn_notify(p));
	EXPECT_TRUE(CONF_WAIT(nr_seen == 1, 200));
	/* Masked: pending, no delivery. */
	evtchn_mask(q);
	EXPECT_OK(evtchn_notify(p));
	EXPECT_OK(evtchn_notify(p));
	EXPECT_FALSE(CONF_WAIT(nr_seen != 1, 20));
	EXPECT_TRUE(evtchn_is_pending(q));
	/* EVTCHNOP_unmask links it: one delivery for the two sends. */
	evtchn_unmask(q);
	EXPECT_TRUE(CONF_WAIT(nr_seen == 2, 200));
	EXPECT_FALSE(CONF_WAIT(nr_seen != 2, 20));
	EXPECT_FALSE(evtchn_is_masked(q));
	EXPECT_FALSE(evtchn_is_pending(q));
	EXPECT_OK(evtchn_close(q));
	EXPECT_OK(conf_evtchn_close(p));
}

TEST(poll_sees_fifo_pending_state)
{
	struct sched_poll sp = {.nr_ports = 1, .timeout = 0};
	evtchn_port_t p, q;

	ASSERT_OK(loopback(&p, &q));
	set_xen_guest_handle(sp.ports, &q);
	EXPECT_OK(evtchn_notify(p));
	EXPECT_OK(HYPERVISOR_sched_op(SCHEDOP_poll, &sp));
	EXPECT_TRUE(evtchn_is_pending(q));
	EXPECT_OK(conf_evtchn_close(q));
	EXPECT_OK(conf_evtchn_close(p));
}

TEST(timers_keep_working)
{
	s_time_t t0 = NOW();

	thread_sleep_ns(MILLISECS(20));
	EXPECT_TRUE(NOW() - t0 >= MILLISECS(20));
	EXPECT_TRUE(events_fifo_active());
}
