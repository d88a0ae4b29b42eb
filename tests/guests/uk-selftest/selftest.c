/*
 * The unikernel's own test kernel (uk/test.h): its services checked from
 * inside a guest, on Tessera (tests/integration/pvh.sh) and, being a
 * single-domain test kernel, on Xen 4.17. Command line: "uk-selftest
 * key=0x10 word" (the cmdline test reads it).
 *
 * Locking: the unikernel's; handlers only bump counters.
 */
#include <public/memory.h>
#include <uk/events.h>
#include <uk/gnttab.h>
#include <uk/sched.h>
#include <uk/test.h>
#include <uk/time.h>

TEST(snprintf_formats)
{
	char buf[64];

	EXPECT_EQ(snprintf(buf, sizeof(buf), "%d|%5u|%-3x|%05d|%s|%c", -42, 7u, 0xa, -3, "s", 'z'),
		  23);
	EXPECT_EQ(strcmp(buf, "-42|    7|a  |-0003|s|z"), 0);
	EXPECT_EQ(snprintf(buf, 4, "%lx", 0x123456UL), 6);
	EXPECT_EQ(strcmp(buf, "123"), 0);
	EXPECT_EQ(snprintf(buf, sizeof(buf), "%p", (void *)0x1000), 6);
}

TEST(cmdline_words)
{
	char w[16];

	EXPECT_EQ(uk_cmdline_long("key", -1), 0x10);
	EXPECT_EQ(uk_cmdline_long("absent", -1), -1);
	EXPECT_TRUE(uk_cmdline_has("word"));
	EXPECT_FALSE(uk_cmdline_has("wor"));
	EXPECT_OK(uk_cmdline_first_word(w, sizeof(w)));
	EXPECT_EQ(strcmp(w, "uk-selftest"), 0);
	EXPECT_ERRNO(uk_cmdline_str("nokey", w, sizeof(w)), -ENOENT);
}

TEST(malloc_free)
{
	size_t base = malloc_in_use();
	void *p[16];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = malloc(1 + i * 100);
		ASSERT_TRUE(p[i] != NULL);
		EXPECT_EQ((unsigned long)p[i] & 15, 0);
		memset(p[i], (int)i, 1 + i * 100);
	}
	EXPECT_EQ(malloc_in_use(), base + 16 + 100 * (15 * 16 / 2));
	for (i = 0; i < ARRAY_SIZE(p); i += 2)
		free(p[i]);
	for (i = 1; i < ARRAY_SIZE(p); i += 2)
		free(p[i]);
	EXPECT_EQ(malloc_in_use(), base);
	p[0] = malloc(3 * PAGE_SIZE);
	EXPECT_TRUE(p[0] != NULL);
	free(p[0]);
	EXPECT_EQ(malloc(0), NULL);
	EXPECT_EQ(malloc_in_use(), base);
}

TEST(page_alloc_orders)
{
	unsigned long before = page_free_count();
	void *a = page_alloc(0), *b = page_alloc(3);

	ASSERT_TRUE(a && b);
	EXPECT_EQ((unsigned long)b & (8 * PAGE_SIZE - 1), 0);
	EXPECT_EQ(page_free_count(), before - 9);
	EXPECT_EQ(((uint8_t *)b)[8 * PAGE_SIZE - 1], 0);
	page_free(a, 0);
	page_free(b, 3);
	EXPECT_EQ(page_free_count(), before);
}

TEST(now_advances_and_sleep_waits)
{
	s_time_t t0 = NOW(), t1;

	EXPECT_TRUE(t0 > 0);
	thread_sleep_ns(MILLISECS(10));
	t1 = NOW();
	EXPECT_TRUE(t1 - t0 >= MILLISECS(10));
	EXPECT_TRUE(t1 - t0 < SECONDS(5));
}

static volatile int timer_fired;
static void on_timer(struct uk_timer *t, void *data)
{
	(void)t;
	timer_fired = (int)(long)data;
}

TEST(timer_callback_and_stop)
{
	struct uk_timer a, b;

	timer_fired = 0;
	timer_init(&a, on_timer, (void *)1L);
	timer_init(&b, on_timer, (void *)2L);
	timer_set(&a, NOW() + MILLISECS(5));
	timer_set(&b, NOW() + MILLISECS(2));
	timer_stop(&b);
	thread_sleep_ns(MILLISECS(20));
	EXPECT_EQ(timer_fired, 1);
}

static volatile unsigned long hits;
static void on_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	hits++;
}

TEST(evtchn_loopback_mask_unmask)
{
	evtchn_port_t a, b;

	hits = 0;
	ASSERT_OK(evtchn_alloc_unbound(DOMID_SELF, NULL, NULL, &a));
	ASSERT_OK(evtchn_bind_interdomain(DOMID_SELF, a, NULL, NULL, &b));
	evtchn_clear_pending(b);
	EXPECT_OK(evtchn_bind(b, on_event, NULL));
	EXPECT_OK(evtchn_notify(a));
	thread_sleep_ns(MILLISECS(1));
	EXPECT_EQ(hits, 1);
	evtchn_mask(b);
	EXPECT_OK(evtchn_notify(a));
	thread_sleep_ns(MILLISECS(1));
	EXPECT_EQ(hits, 1);
	EXPECT_TRUE(evtchn_is_pending(b));
	evtchn_unmask(b); /* re-raises the pending event */
	thread_sleep_ns(MILLISECS(1));
	EXPECT_EQ(hits, 2);
	EXPECT_OK(evtchn_close(b));
	EXPECT_OK(evtchn_close(a));
	EXPECT_ERRNO(evtchn_notify(a), -EINVAL);
}

struct pp {
	struct uk_waitq wq;
	int turn, rounds;
};

static void pp_thread(void *arg)
{
	struct pp *p = arg;
	int me = thread_name(thread_current())[0] == 'b', i;

	for (i = 0; i < p->rounds; i++) {
		uk_wait_event(&p->wq, p->turn % 2 == me, 0);
		p->turn++;
		waitq_wake_all(&p->wq);
	}
}

TEST(threads_waitq_join)
{
	static struct pp p;
	struct thread *a, *b;

	waitq_init(&p.wq);
	p.turn = 0;
	p.rounds = 50;
	a = thread_create("a", pp_thread, &p);
	b = thread_create("b", pp_thread, &p);
	ASSERT_TRUE(a && b);
	thread_join(a);
	thread_join(b);
	EXPECT_EQ(p.turn, 100);
	EXPECT_ERRNO(waitq_wait(&p.wq, NOW() + MILLISECS(2)), -ETIMEDOUT);
}

static uint8_t src_page[4096] __attribute__((aligned(4096)));
static uint8_t dst_page[4096] __attribute__((aligned(4096)));

TEST(gnttab_self_copy)
{
	struct gnttab_copy op;
	long ref;
	long self = uk_domid();

	ASSERT_TRUE(self >= 0);
	ASSERT_OK(gnttab_init());
	memcpy(src_page, "granted to myself", 18);
	/* The entry names our real id: Xen's acquire_grant_for_copy compares it with ours. */
	ref = gnttab_grant_access((domid_t)self, virt_to_gfn(src_page), 1);
	ASSERT_TRUE(ref >= UK_GNTTAB_RESERVED);
	memset(&op, 0, sizeof(op));
	op.source.u.ref = (grant_ref_t)ref;
	op.source.domid = DOMID_SELF;
	op.dest.u.gmfn = virt_to_gfn(dst_page);
	op.dest.domid = DOMID_SELF;
	op.len = 18;
	op.flags = GNTCOPY_source_gref;
	EXPECT_EQ(gnttab_copy(&op), GNTST_okay);
	EXPECT_EQ(memcmp(dst_page, "granted to myself", 18), 0);
	EXPECT_OK(gnttab_end_access((grant_ref_t)ref));
	EXPECT_EQ(gnttab_copy(&op), GNTST_general_error);
}
