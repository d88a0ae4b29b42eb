/*
 * Conformance: event channels, 2-level ABI (Xen 4.17
 * common/event_channel.c, event_2l.c, common/sched/core.c do_poll).
 *
 * Every sub-op a PVH guest has, on ports of our own: alloc_unbound,
 * bind_interdomain (to ourselves: a loopback channel, so one domain sees
 * both ends), bind_virq, bind_ipi, send, status, close, bind_vcpu,
 * unmask, reset; error paths for each (bad ports, bad domains, ports in
 * the wrong state, VIRQs out of range or bound twice, vCPUs that do not
 * exist); masking and unmasking while events arrive; port exhaustion
 * (-ENOSPC, and the lowest free port comes back); SCHEDOP_poll (pending,
 * timeout, bad arguments); VIRQ_TIMER timing within a tolerance.
 *
 * Ports opened here with raw hypercalls stay masked (the unikernel masks
 * every port until a handler is attached), so their pending bits can be
 * read without an upcall consuming them.
 *
 * Locking: none (tests run one at a time; handlers only count).
 */
#include "conf.h"

/* The timing tolerance: the hypervisor may run nested under QEMU's TCG. */
#define LATE_MS 1000

TEST(status_of_special_ports)
{
	struct evtchn_status st;

	/* Port 0 is reserved: valid, and reported closed. */
	EXPECT_OK(conf_evtchn_status(DOMID_SELF, 0, &st));
	EXPECT_EQ(st.status, EVTCHNSTAT_closed);
	EXPECT_ERRNO(conf_evtchn_status(DOMID_SELF, CONF_BAD_PORT, &st), -EINVAL);
	EXPECT_ERRNO(conf_evtchn_status(CONF_NO_DOMAIN, 1, &st), -ESRCH);
}

TEST(alloc_unbound_and_close)
{
	struct evtchn_alloc_unbound au = {.dom = CONF_NO_DOMAIN, .remote_dom = DOMID_SELF};
	struct evtchn_status st;
	evtchn_port_t p;

	ASSERT_OK(conf_evtchn_alloc(DOMID_SELF, &p));
	EXPECT_NE(p, 0);
	EXPECT_OK(conf_evtchn_status(DOMID_SELF, p, &st));
	EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
	/* DOMID_SELF as the remote end is recorded as our real id. */
	EXPECT_EQ(st.u.unbound.dom, conf_domid());
	EXPECT_EQ(st.vcpu, 0);
	EXPECT_OK(conf_evtchn_close(p));
	EXPECT_OK(conf_evtchn_status(DOMID_SELF, p, &st));
	EXPECT_EQ(st.status, EVTCHNSTAT_closed);
	/* Closing what is closed, the reserved port, a port out of range. */
	EXPECT_ERRNO(conf_evtchn_close(p), -EINVAL);
	EXPECT_ERRNO(conf_evtchn_close(0), -EINVAL);
	EXPECT_ERRNO(conf_evtchn_close(CONF_BAD_PORT), -EINVAL);
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), -ESRCH);
}

TEST(loopback_interdomain)
{
	struct evtchn_bind_interdomain bi = {.remote_dom = DOMID_SELF};
	struct evtchn_status st;
	evtchn_port_t p, q;

	ASSERT_OK(conf_evtchn_alloc(DOMID_SELF, &p));
	bi.remote_port = p;
	ASSERT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi));
	q = bi.local_port;
	EXPECT_NE(q, p);
	/* As Xen: the new local end is made pending at once (the peer may have sent already). */
	EXPECT_TRUE(evtchn_is_pending(q));
	evtchn_clear_pending(q);
	EXPECT_OK(conf_evtchn_status(DOMID_SELF, q, &st));
	EXPECT_EQ(st.status, EVTCHNSTAT_interdomain);
	EXPECT_EQ(st.u.interdomain.dom, conf_domid());
	EXPECT_EQ(st.u.interdomain.port, p);
	EXPECT_OK(conf_evtchn_status(DOMID_SELF, p, &st));
	EXPECT_EQ(st.status, EVTCHNSTAT_interdomain);
	EXPECT_EQ(st.u.interdomain.port, q);
	/* Each end's send makes the other end pending. */
	EXPECT_FALSE(evtchn_is_pending(p));
	EXPECT_OK(evtchn_notify(q));
	EXPECT_TRUE(evtchn_is_pending(p));
	EXPECT_FALSE(evtchn_is_pending(q));
	EXPECT_OK(evtchn_notify(p));
	EXPECT_TRUE(evtchn_is_pending(q));
	evtchn_clear_pending(p);
	evtchn_clear_pending(q);
	/* p is bound now: no second binding to it. */
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi), -EINVAL);
	/* Closing one end leaves the other unbound, still for us. */
	EXPECT_OK(conf_evtchn_close(q));
	EXPECT_OK(conf_evtchn_status(DOMID_SELF, p, &st));
	EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(st.u.unbound.dom, conf_domid());
	/* A send on an unbound port goes nowhere, without an error. */
	EXPECT_OK(evtchn_notify(p));
	EXPECT_OK(conf_evtchn_close(p));
}

TEST(bind_interdomain_refusals)
{
	struct evtchn_bind_interdomain bi = {.remote_dom = CONF_NO_DOMAIN, .remote_port = 1};
	evtchn_port_t other;

	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi), -ESRCH);
	bi.remote_dom = DOMID_SELF;
	bi.remote_port = CONF_BAD_PORT;
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi), -EINVAL);
	bi.remote_port = 0;
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi), -EINVAL);
	/* A port unbound for another domain is not ours to bind. */
	ASSERT_OK(conf_evtchn_alloc(CONF_NO_DOMAIN, &other));
	bi.remote_port = other;
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi), -EINVAL);
	EXPECT_OK(conf_evtchn_close(other));
}

static long bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_virq bv = {.virq = virq, .vcpu = vcpu};
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv);

	if (!rc)
		*port = bv.port;
	return rc;
}

TEST(bind_virq)
{
	struct evtchn_status st;
	evtchn_port_t port = 0, dummy = 0;

	/* The unikernel bound VIRQ_TIMER for its timers. */
	EXPECT_ERRNO(bind_virq(VIRQ_TIMER, 0, &dummy), -EEXIST);
	ASSERT_OK(bind_virq(VIRQ_DEBUG, 0, &port));
	EXPECT_OK(conf_evtchn_status(DOMID_SELF, port, &st));
	EXPECT_EQ(st.status, EVTCHNSTAT_virq);
	EXPECT_EQ(st.u.virq, VIRQ_DEBUG);
	EXPECT_EQ(st.vcpu, 0);
	EXPECT_ERRNO(bind_virq(VIRQ_DEBUG, 0, &dummy), -EEXIST);
	/* VIRQs are raised by the hypervisor only. */
	EXPECT_ERRNO(evtchn_notify(port), -EINVAL);
	/* Per-vCPU VIRQs cannot move to another vCPU. */
	{
		struct evtchn_bind_vcpu bvc = {.port = port, .vcpu = 0};

		EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bvc), -EINVAL);
	}
	EXPECT_OK(conf_evtchn_close(port));
	/* Out of range; a global VIRQ on a vCPU other than 0; a vCPU that does not exist. */
	EXPECT_ERRNO(bind_virq(NR_VIRQS, 0, &dummy), -EINVAL);
	EXPECT_ERRNO(bind_virq(0xffffffffu, 0, &dummy), -EINVAL);
	EXPECT_ERRNO(bind_virq(VIRQ_CONSOLE, 1, &dummy), -EINVAL);
	EXPECT_ERRNO(bind_virq(VIRQ_DEBUG, 1000, &dummy), -ENOENT);
}

TEST(bind_ipi)
{
	struct evtchn_bind_ipi bi = {.vcpu = 0};
	struct evtchn_status st;
	evtchn_port_t port;

	ASSERT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bi));
	port = bi.port;
	EXPECT_OK(conf_evtchn_status(DOMID_SELF, port, &st));
	EXPECT_EQ(st.status, EVTCHNSTAT_ipi);
	EXPECT_EQ(st.vcpu, 0);
	/* An IPI to ourselves: the port becomes pending (masked: no upcall takes it). */
	EXPECT_FALSE(evtchn_is_pending(port));
	EXPECT_OK(evtchn_notify(port));
	EXPECT_TRUE(evtchn_is_pending(port));
	evtchn_clear_pending(port);
	{
		struct evtchn_bind_vcpu bvc = {.port = port, .vcpu = 0};

		EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bvc), -EINVAL);
	}
	EXPECT_OK(conf_evtchn_close(port));
	bi.vcpu = 1000;
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bi), -ENOENT);
}

TEST(send_refusals)
{
	evtchn_port_t p;

	ASSERT_OK(conf_evtchn_alloc(DOMID_SELF, &p));
	EXPECT_OK(conf_evtchn_close(p));
	EXPECT_ERRNO(evtchn_notify(p), -EINVAL); /* closed */
	EXPECT_ERRNO(evtchn_notify(0), -EINVAL); /* reserved */
	EXPECT_ERRNO(evtchn_notify(CONF_BAD_PORT), -EINVAL);
}

TEST(bind_vcpu)
{
	struct evtchn_bind_vcpu bvc = {.vcpu = 0};
	evtchn_port_t p;

	ASSERT_OK(conf_evtchn_alloc(DOMID_SELF, &p));
	bvc.port = p;
	EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bvc));
	bvc.vcpu = 1000;
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bvc), -ENOENT);
	bvc.vcpu = 0;
	bvc.port = CONF_BAD_PORT;
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bvc), -EINVAL);
	EXPECT_OK(conf_evtchn_close(p));
	/* A closed port has no vCPU to move to. */
	bvc.port = p;
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bvc), -EINVAL);
}

static volatile unsigned int handled;

static void count_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	handled++;
}

/*
 * Masking: an event sent while the port is masked stays pending without
 * an upcall; EVTCHNOP_unmask delivers it (Xen evtchn_unmask re-raises a
 * pending port); several sends while masked are one event.
 */
TEST(mask_unmask_delivery)
{
	struct evtchn_unmask um = {.port = CONF_BAD_PORT};
	evtchn_port_t p, q;
	unsigned int before;

	ASSERT_OK(conf_evtchn_alloc(DOMID_SELF, &p));
	ASSERT_OK(evtchn_bind_interdomain(DOMID_SELF, p, NULL, NULL, &q));
	evtchn_clear_pending(q);
	handled = 0;
	ASSERT_OK(evtchn_bind(q, count_event, NULL)); /* attaches and unmasks */
	before = handled;
	EXPECT_OK(evtchn_notify(p));
	EXPECT_TRUE(CONF_WAIT(handled == before + 1, 100));
	/* Masked: pending, but no upcall. */
	evtchn_mask(q);
	before = handled;
	EXPECT_OK(evtchn_notify(p));
	EXPECT_OK(evtchn_notify(p));
	EXPECT_FALSE(CONF_WAIT(handled != before, 20));
	EXPECT_TRUE(evtchn_is_pending(q));
	/* Unmask through the hypervisor: exactly one delivery for the two sends. */
	evtchn_unmask(q);
	EXPECT_TRUE(CONF_WAIT(handled == before + 1, 100));
	EXPECT_FALSE(CONF_WAIT(handled != before + 1, 20));
	EXPECT_FALSE(evtchn_is_masked(q));
	/* Unmasking a port that is not pending delivers nothing. */
	evtchn_mask(q);
	evtchn_unmask(q);
	EXPECT_FALSE(CONF_WAIT(handled != before + 1, 20));
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &um), -EINVAL);
	EXPECT_OK(evtchn_close(q));
	EXPECT_OK(conf_evtchn_close(p));
}

TEST(unknown_ops_and_reset)
{
	struct evtchn_reset r = {.dom = CONF_NO_DOMAIN};
	char buf[32];

	EXPECT_ERRNO(HYPERVISOR_event_channel_op(99, buf), -ENOSYS);
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &r), -ESRCH);
}

/* Allocates until the table is full: -ENOSPC; the lowest free port is the next one given. */
TEST(port_exhaustion)
{
	static evtchn_port_t ports[UK_NR_EVTCHNS];
	unsigned int n = 0, i;
	evtchn_port_t again = 0;
	long rc;

	for (;;) {
		rc = conf_evtchn_alloc(CONF_NO_DOMAIN, &ports[n]);
		if (rc || ++n == ARRAY_SIZE(ports))
			break;
	}
	EXPECT_ERRNO(rc, -ENOSPC);
	test_note("%u ports allocated before -ENOSPC", n);
	/* At least the 1023 of a default 2-level table, less what the unikernel holds. */
	EXPECT_TRUE(n >= 1000);
	EXPECT_TRUE(n < UK_NR_EVTCHNS);
	if (n > 10) {
		EXPECT_OK(conf_evtchn_close(ports[n / 2]));
		EXPECT_OK(conf_evtchn_alloc(CONF_NO_DOMAIN, &again));
		EXPECT_EQ(again, ports[n / 2]);
	}
	for (i = 0; i < n; i++)
		if (conf_evtchn_close(ports[i]))
			test_fail("closing port %u failed", ports[i]);
	/* Usable again. */
	EXPECT_OK(conf_evtchn_alloc(DOMID_SELF, &again));
	EXPECT_OK(conf_evtchn_close(again));
}

static long poll_ports(evtchn_port_t *ports, unsigned int n, uint64_t timeout)
{
	struct sched_poll sp = {.nr_ports = n, .timeout = timeout};

	set_xen_guest_handle(sp.ports, ports);
	return HYPERVISOR_sched_op(SCHEDOP_poll, &sp);
}

TEST(poll)
{
	static evtchn_port_t many[129];
	evtchn_port_t p, q, bad = CONF_BAD_PORT;
	s_time_t deadline;
	unsigned int rounds = 0, i;
	long rc = 0;

	ASSERT_OK(conf_evtchn_alloc(DOMID_SELF, &p));
	ASSERT_OK(evtchn_bind_interdomain(DOMID_SELF, p, NULL, NULL, &q));
	evtchn_clear_pending(q);
	/* A pending port (masked or not) ends the poll at once. */
	EXPECT_OK(evtchn_notify(p));
	EXPECT_OK(poll_ports(&q, 1, 0));
	EXPECT_TRUE(evtchn_is_pending(q)); /* polling does not consume it */
	evtchn_clear_pending(q);
	/* Nothing pending: the poll sleeps until the timeout (woken early only spuriously). */
	deadline = NOW() + MILLISECS(30);
	while (NOW() < deadline && rounds < 50) {
		rc = poll_ports(&q, 1, (uint64_t)deadline);
		if (rc)
			break;
		rounds++;
	}
	EXPECT_OK(rc);
	EXPECT_TRUE(NOW() >= deadline);
	EXPECT_TRUE(rounds < 50);
	/* Limits: at most 128 ports; every port must exist. */
	for (i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = q;
	EXPECT_ERRNO(poll_ports(many, 129, 0), -EINVAL);
	EXPECT_ERRNO(poll_ports(&bad, 1, 0), -EINVAL);
	EXPECT_ERRNO(poll_ports((evtchn_port_t *)CONF_BAD_VA, 1, 0), -EFAULT);
	EXPECT_OK(conf_evtchn_close(q));
	EXPECT_OK(conf_evtchn_close(p));
}

/* VIRQ_TIMER from a raw singleshot timer arrives after the deadline, and not much later. */
TEST(virq_timer_timing)
{
	struct vcpu_set_singleshot_timer st = {.flags = 0};
	unsigned long before = timer_virq_count;
	s_time_t start = NOW(), deadline = start + MILLISECS(20), seen;

	st.timeout_abs_ns = (uint64_t)deadline;
	ASSERT_OK(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st));
	EXPECT_TRUE(CONF_WAIT(timer_virq_count != before, 20 + LATE_MS));
	seen = NOW();
	test_note("VIRQ_TIMER %ld us after a 20000 us deadline was set",
		  (long)((seen - start) / 1000));
	/* Not early (1 ms for the hypervisor's and our clock reading), not beyond the tolerance. */
	EXPECT_TRUE(seen >= deadline - MILLISECS(1));
	EXPECT_TRUE(seen <= deadline + MILLISECS(LATE_MS));
	/* A deadline in the past fires at once. */
	before = timer_virq_count;
	st.timeout_abs_ns = (uint64_t)(NOW() - MILLISECS(1));
	EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st));
	EXPECT_TRUE(CONF_WAIT(timer_virq_count != before, 100));
}

static struct uk_waitq tq;
static int order[3], fired;

static void timer_fired(struct uk_timer *t, void *data)
{
	(void)t;
	if (fired < 3)
		order[fired] = (int)(long)data;
	fired++;
	waitq_wake_all(&tq);
}

/* The unikernel's timers over VIRQ_TIMER: sleeping and ordering. */
TEST(timers_through_virq)
{
	static struct uk_timer t[3];
	s_time_t now = NOW(), slept;

	thread_sleep_ns(MILLISECS(30));
	slept = NOW() - now;
	EXPECT_TRUE(slept >= MILLISECS(30));
	EXPECT_TRUE(slept <= MILLISECS(30 + LATE_MS));
	waitq_init(&tq);
	fired = 0;
	timer_init(&t[0], timer_fired, (void *)30L);
	timer_init(&t[1], timer_fired, (void *)10L);
	timer_init(&t[2], timer_fired, (void *)20L);
	now = NOW();
	timer_set(&t[0], now + MILLISECS(30));
	timer_set(&t[1], now + MILLISECS(10));
	timer_set(&t[2], now + MILLISECS(20));
	EXPECT_OK(uk_wait_event(&tq, fired == 3, now + MILLISECS(30 + LATE_MS)));
	EXPECT_EQ(order[0], 10);
	EXPECT_EQ(order[1], 20);
	EXPECT_EQ(order[2], 30);
}
