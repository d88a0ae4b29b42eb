/*
 * The FIFO event channel ABI (Xen's xen/common/event_fifo.c and public
 * event_channel.h): how a pending port reaches a guest that asked for it.
 *
 * Each port has a 32-bit event word in guest memory (PENDING, MASKED,
 * LINKED, BUSY and a 17-bit LINK to the next port of its queue), in array
 * pages the guest adds one at a time (EVTCHNOP_expand_array, 1024 words per
 * page). Each vCPU has a control block the guest registers
 * (EVTCHNOP_init_control): a READY word (bit q: queue q has events) and the
 * HEAD port of each of 16 priority queues. The hypervisor appends a newly
 * pending, unmasked port at the tail of its queue (priority 0 first; 7 by
 * default; EVTCHNOP_set_priority), the guest consumes from the head,
 * unlinking words as it goes. The first init_control of a domain switches it
 * from the 2-level ABI (event_2l.c) for good, or until EVTCHNOP_reset.
 *
 * The guest writes its words concurrently and may be hostile: every change
 * to a word is one atomic operation, the only loop on one (linking a tail)
 * is bounded as Xen bounds it (the guest may only set or clear MASKED, clear
 * PENDING, clear LINKED, so marking the tail BUSY blocks its unmask and five
 * compare-and-exchanges suffice; past that the event is treated as linked),
 * and no value read from guest memory is followed as a pointer or an index:
 * the LINK fields are the guest's, the hypervisor keeps each queue's tail
 * itself. Guest frames are held by a page reference from mapping to
 * EVTCHNOP_reset or teardown.
 *
 * Locking: d->event_lock (held by every caller except a sender raising its
 * interdomain peer's port, which holds its own) orders the switch, the
 * mappings and the ports' bindings; ed->fifo_lock (level EVTCHN_FIFO, a
 * leaf under event_lock, docs/locking.md) serialises the queues: each
 * queue's tail, the control-block and array pointers, and each port's last
 * queue and saved pending state. One lock per domain rather than Xen's one
 * per queue: a port's move between queues then needs no second lock. The kick
 * and the pollers' wake-up run after it is dropped.
 */
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>
#include <tessera/panic.h>
#include <tessera/sched.h>

#include <public/event_channel.h>
#include <public/xen.h>

#include "event_channel_priv.h"

#define FIFO_PAGE_SIZE 4096u
#define FIFO_WORDS_PER_PAGE (FIFO_PAGE_SIZE / (uint32_t)sizeof(event_word_t))
#define FIFO_MAX_ARRAY_PAGES (EVTCHN_FIFO_MAX_PORTS / FIFO_WORDS_PER_PAGE)

#define FIFO_BIT(b) ((event_word_t)1 << (b))
#define FIFO_PENDING FIFO_BIT(EVTCHN_FIFO_PENDING)
#define FIFO_MASKED FIFO_BIT(EVTCHN_FIFO_MASKED)
#define FIFO_LINKED FIFO_BIT(EVTCHN_FIFO_LINKED)
#define FIFO_BUSY FIFO_BIT(EVTCHN_FIFO_BUSY)

/* Compare-and-exchanges on a tail word after marking it BUSY (Xen's bound). */
#define FIFO_SET_LINK_TRIES 4

_Static_assert(sizeof(struct evtchn_fifo_control_block) == 72, "control block layout");

struct evtchn_fifo_vcpu {
	struct evtchn_fifo_control_block *cb;  /* NULL until the vCPU's init_control */
	struct page_info *cb_page;	       /* our reference on the frame holding it */
	uint32_t tail[EVTCHN_FIFO_MAX_QUEUES]; /* last port linked on each queue (0: none) */
};

struct evtchn_fifo_domain {
	uint32_t nr_words; /* ports with an event word: whole array pages */
	event_word_t *array[FIFO_MAX_ARRAY_PAGES];
	struct page_info *array_page[FIFO_MAX_ARRAY_PAGES];
	unsigned int nr_vcpus;
	struct evtchn_fifo_vcpu vcpu[]; /* one per possible vCPU of d */
};

/* The event word of port, or NULL while no array page holds it. event_lock or fifo_lock held. */
static event_word_t *fifo_word(const struct evtchn_fifo_domain *fd, uint32_t port)
{
	if (port >= fd->nr_words)
		return NULL;
	return fd->array[port / FIFO_WORDS_PER_PAGE] + port % FIFO_WORDS_PER_PAGE;
}

static bool fifo_test(const event_word_t *word, event_word_t bit)
{
	return __atomic_load_n(word, __ATOMIC_SEQ_CST) & bit;
}

static bool fifo_test_and_set(event_word_t *word, event_word_t bit)
{
	return __atomic_fetch_or(word, bit, __ATOMIC_SEQ_CST) & bit;
}

static void fifo_clear(event_word_t *word, event_word_t bit)
{
	__atomic_fetch_and(word, ~bit, __ATOMIC_SEQ_CST);
}

/*
 * One attempt to point the LINKED word at link (clearing BUSY with it): 1
 * done, 0 the word is not linked (the guest consumed it), -EAGAIN the guest
 * changed it meanwhile (*w is then its new value).
 */
static int fifo_try_set_link(event_word_t *word, event_word_t *w, uint32_t link)
{
	event_word_t new;

	if (!(*w & FIFO_LINKED))
		return 0;
	new = (*w & ~(FIFO_BUSY | (event_word_t)EVTCHN_FIFO_LINK_MASK)) | link;
	if (__atomic_compare_exchange_n(word, w, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return 1;
	return -EAGAIN;
}

/*
 * Link the tail word to port iff it is still LINKED, as Xen's
 * evtchn_fifo_set_link: true if linked (or given up on), false if the queue
 * turned out empty. Bounded whatever the guest does.
 */
static bool fifo_set_link(event_word_t *word, uint32_t link)
{
	event_word_t w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
	int ret = fifo_try_set_link(word, &w, link);

	if (ret >= 0)
		return ret;
	/* BUSY stops the guest's unmask; what else it may change is finite. */
	fifo_test_and_set(word, FIFO_BUSY);
	w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < FIFO_SET_LINK_TRIES; i++) {
		ret = fifo_try_set_link(word, &w, link);
		if (ret >= 0) {
			if (ret == 0)
				fifo_clear(word, FIFO_BUSY);
			return ret;
		}
	}
	/* A guest changing the word this fast loses this event, as on Xen. */
	fifo_clear(word, FIFO_BUSY);
	return true;
}

static void evtchn_fifo_init(struct domain *d, struct evtchn *chn)
{
	chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
}

/*
 * As Xen's evtchn_fifo_set_pending: set PENDING; if the word is unmasked and
 * not yet LINKED, link it at the tail of its queue on v (or make it the
 * head of an empty queue, set READY and kick v). A port whose word has no
 * array page yet is remembered and raised when the page comes.
 */
static void evtchn_fifo_set_pending(struct vcpu *v, struct evtchn *chn, uint32_t port)
{
	struct domain *d = v->domain;
	struct evtchn_domain *ed = d->evtchn;
	struct evtchn_fifo_domain *fd = ed->fifo; /* published before the FIFO ops */
	struct evtchn_fifo_vcpu *fv, *old_fv;
	bool was_pending, kick = false;
	event_word_t *word;
	unsigned long flags;
	uint8_t prio;

	flags = spin_lock_irqsave(&ed->fifo_lock);
	word = fifo_word(fd, port);
	if (word == NULL) {
		chn->fifo_pending = true;
		spin_unlock_irqrestore(&ed->fifo_lock, flags);
		return;
	}
	was_pending = fifo_test_and_set(word, FIFO_PENDING);
	fv = &fd->vcpu[v->vcpu_id];
	/* No control block: the guest must not unmask before it has one; the event stays pending.
	 */
	if (fv->cb == NULL)
		goto unlock;
	if (fifo_test(word, FIFO_MASKED) || fifo_test_and_set(word, FIFO_LINKED))
		goto unlock;

	prio = READ_ONCE(chn->priority);
	/*
	 * If the port was the tail of the queue it was last on, that queue is
	 * empty now (the guest unlinked everything up to it): forget the tail,
	 * or the next event there would be linked behind this one, wherever it is.
	 */
	old_fv = &fd->vcpu[chn->last_vcpu_id];
	if (old_fv->tail[chn->last_priority] == port)
		old_fv->tail[chn->last_priority] = 0;
	chn->last_vcpu_id = (uint16_t)v->vcpu_id;
	chn->last_priority = prio;

	/* Behind the tail if it is still linked, else the queue is empty and port is its head. */
	if (fv->tail[prio] == 0 || !fifo_set_link(fifo_word(fd, fv->tail[prio]), port)) {
		__atomic_store_n(&fv->cb->head[prio], port, __ATOMIC_SEQ_CST);
		kick = !(__atomic_fetch_or(&fv->cb->ready, 1u << prio, __ATOMIC_SEQ_CST) &
			 (1u << prio));
	}
	fv->tail[prio] = port;
unlock:
	spin_unlock_irqrestore(&ed->fifo_lock, flags);
	if (kick)
		vcpu_mark_events_pending(v);
	if (!was_pending)
		evtchn_check_pollers(d, port);
}

/* Only PENDING: the guest unlinks and skips events that are no longer pending (as Xen). */
static void evtchn_fifo_clear_pending(struct domain *d, struct evtchn *chn, uint32_t port)
{
	struct evtchn_domain *ed = d->evtchn;
	event_word_t *word;
	unsigned long flags;

	ASSERT(spin_is_held_by_me(&d->event_lock));
	flags = spin_lock_irqsave(&ed->fifo_lock);
	chn->fifo_pending = false;
	word = fifo_word(ed->fifo, port);
	if (word != NULL)
		fifo_clear(word, FIFO_PENDING);
	spin_unlock_irqrestore(&ed->fifo_lock, flags);
}

/* EVTCHNOP_unmask: clear MASKED and, if the port is pending, link it now. */
static void evtchn_fifo_unmask(struct domain *d, struct evtchn *chn, uint32_t port)
{
	struct vcpu *v = evtchn_notify_vcpu(d, chn);
	event_word_t *word;

	ASSERT(spin_is_held_by_me(&d->event_lock));
	word = fifo_word(d->evtchn->fifo, port);
	if (word == NULL || v == NULL)
		return;
	fifo_clear(word, FIFO_MASKED);
	if (fifo_test(word, FIFO_PENDING))
		evtchn_fifo_set_pending(v, chn, port);
}

static bool evtchn_fifo_is_pending(const struct domain *d, const struct evtchn *chn, uint32_t port)
{
	const event_word_t *word;

	ASSERT(spin_is_held_by_me(&d->event_lock));
	word = fifo_word(d->evtchn->fifo, port);
	return word != NULL && fifo_test(word, FIFO_PENDING);
}

static bool evtchn_fifo_is_masked(const struct domain *d, const struct evtchn *chn, uint32_t port)
{
	const event_word_t *word;

	ASSERT(spin_is_held_by_me(&d->event_lock));
	word = fifo_word(d->evtchn->fifo, port);
	return word == NULL || fifo_test(word, FIFO_MASKED);
}

static bool evtchn_fifo_is_busy(const struct domain *d, const struct evtchn *chn, uint32_t port)
{
	const event_word_t *word;

	ASSERT(spin_is_held_by_me(&d->event_lock));
	word = fifo_word(d->evtchn->fifo, port);
	return word != NULL && fifo_test(word, FIFO_LINKED);
}

/* Future events only: one already linked stays on its old queue (as Xen). */
static int evtchn_fifo_set_priority(struct domain *d, struct evtchn *chn, uint32_t priority)
{
	if (priority > EVTCHN_FIFO_PRIORITY_MIN)
		return -EINVAL;
	WRITE_ONCE(chn->priority, (uint8_t)priority);
	return 0;
}

const struct evtchn_port_ops evtchn_port_ops_fifo = {
    .init = evtchn_fifo_init,
    .set_pending = evtchn_fifo_set_pending,
    .clear_pending = evtchn_fifo_clear_pending,
    .unmask = evtchn_fifo_unmask,
    .is_pending = evtchn_fifo_is_pending,
    .is_masked = evtchn_fifo_is_masked,
    .is_busy = evtchn_fifo_is_busy,
    .set_priority = evtchn_fifo_set_priority,
};

/*
 * A reference on the frame behind guest frame gfn of d, if d owns it as
 * ordinary writable RAM: the p2m for a translated guest, the frame itself
 * for PV (as vcpu_op.c's register_vcpu_info). NULL otherwise. Xen also
 * takes a PGT_writable_page type reference, so that a PV guest cannot
 * register one of its page tables; Tessera has no PV page types yet
 * (docs/security.md): that comes with the PV MMU.
 */
static struct page_info *fifo_get_guest_page(struct domain *d, uint64_t gfn)
{
	enum p2m_type t = p2m_ram_rw;
	struct page_info *pg;
	mfn_t mfn;

	if (d->auto_translated) {
		if (!p2m_gfn_ok(_gfn(gfn)) || !d->p2m)
			return NULL;
		mfn = p2m_lookup(d, _gfn(gfn), &t);
	} else {
		mfn = _mfn(gfn);
	}
	if (t != p2m_ram_rw || !mfn_valid(mfn))
		return NULL;
	pg = mfn_to_page(mfn);
	return get_page(pg, d) ? pg : NULL;
}

/*
 * The switch from 2-level, as Xen's setup_ports: every bound port gets the
 * default priority before the FIFO ops are published; after, each port
 * pending in the 2-level bitmap is remembered, to be raised when its array
 * page comes (none exists yet). event_lock held (but a sender on a peer's
 * port holds only its own: see evtchn_2l_set_pending).
 */
static void fifo_switch(struct domain *d, struct evtchn_domain *ed, struct evtchn_fifo_domain *fd)
{
	unsigned long flags;

	ASSERT(spin_is_held_by_me(&d->event_lock));
	for (uint32_t port = 1; port < ed->nr_valid; port++)
		evtchn_from_port(ed, port)->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
	ed->fifo = fd;
	/*
	 * Sequentially consistent, as the reads of the bits below: a sender that
	 * read the old ops sets its bit and then reads the ops again, so either
	 * we see its bit or it sees FIFO and raises the port there itself
	 * (evtchn_2l_set_pending). Xen leaves such an event in the bitmap.
	 */
	__atomic_store_n(&ed->ops, &evtchn_port_ops_fifo, __ATOMIC_SEQ_CST);
	flags = spin_lock_irqsave(&ed->fifo_lock);
	for (uint32_t port = 1; port < ed->nr_valid; port++) {
		struct evtchn *chn = evtchn_from_port(ed, port);

		if (chn->state != ECS_FREE && evtchn_2l_test_pending(d, port))
			chn->fifo_pending = true;
	}
	spin_unlock_irqrestore(&ed->fifo_lock, flags);
}

/*
 * EVTCHNOP_init_control (Xen's evtchn_fifo_init_control): register vcpu's
 * control block at control_gfn + offset. -ENOENT for a vCPU that does not
 * exist, -EINVAL for an offset where the block would cross the page end or
 * is not 8-byte aligned, a frame that is not the caller's RAM, or a vCPU
 * that has one already; -ENOMEM. The first success switches the domain to FIFO.
 */
long evtchn_fifo_init_control(struct evtchn_init_control *ic)
{
	struct domain *d = current->domain;
	uint32_t vcpu_id = ic->vcpu, offset = ic->offset;
	struct evtchn_fifo_domain *fd, *new_fd = NULL;
	struct evtchn_fifo_vcpu *fv;
	struct evtchn_domain *ed;
	struct page_info *pg;
	unsigned long flags, fflags;
	long rc = 0;

	ic->link_bits = EVTCHN_FIFO_LINK_BITS;
	if (vcpu_id >= d->max_vcpus || READ_ONCE(d->vcpu[vcpu_id]) == NULL)
		return -ENOENT;
	if (offset > FIFO_PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) || (offset & 7))
		return -EINVAL;
	pg = fifo_get_guest_page(d, ic->control_gfn);
	if (pg == NULL)
		return -EINVAL;

	flags = spin_lock_irqsave(&d->event_lock);
	ed = d->evtchn;
	if (ed == NULL || ed->dying) {
		rc = -EINVAL;
		goto out;
	}
	fd = ed->fifo;
	if (fd == NULL) {
		new_fd = xzalloc_bytes(sizeof(*fd) + d->max_vcpus * sizeof(fd->vcpu[0]));
		if (new_fd == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		new_fd->nr_vcpus = d->max_vcpus;
		fd = new_fd;
	}
	fv = &fd->vcpu[vcpu_id];
	if (fv->cb != NULL) {
		rc = -EINVAL; /* once per vCPU (until EVTCHNOP_reset) */
		goto out;
	}
	fflags = spin_lock_irqsave(&ed->fifo_lock);
	fv->cb = (struct evtchn_fifo_control_block *)((char *)page_to_virt(pg) + offset);
	fv->cb_page = pg;
	spin_unlock_irqrestore(&ed->fifo_lock, fflags);
	pg = NULL; /* the reference is fd's now */
	if (new_fd != NULL) {
		fifo_switch(d, ed, new_fd);
		new_fd = NULL;
	}
out:
	spin_unlock_irqrestore(&d->event_lock, flags);
	xfree(new_fd);
	if (pg != NULL)
		put_page(pg);
	return rc;
}

/*
 * EVTCHNOP_expand_array (Xen's evtchn_fifo_expand_array): one more page of
 * event words at array_gfn. -EOPNOTSUPP before init_control, -ENOSPC once
 * all EVTCHN_FIFO_NR_CHANNELS ports have words, -EINVAL for a frame that is
 * not the caller's RAM. Ports that became pending while they had no word
 * are raised now.
 */
long evtchn_fifo_expand_array(const struct evtchn_expand_array *ea)
{
	struct domain *d = current->domain;
	struct evtchn_fifo_domain *fd;
	struct evtchn_domain *ed;
	struct page_info *pg;
	unsigned long flags, fflags;
	uint32_t slot, port;
	long rc = 0;

	flags = spin_lock_irqsave(&d->event_lock);
	ed = d->evtchn;
	if (ed == NULL || (fd = ed->fifo) == NULL) {
		rc = -EOPNOTSUPP;
		goto out;
	}
	slot = fd->nr_words / FIFO_WORDS_PER_PAGE;
	if (slot >= FIFO_MAX_ARRAY_PAGES) {
		rc = -ENOSPC;
		goto out;
	}
	pg = fifo_get_guest_page(d, ea->array_gfn);
	if (pg == NULL) {
		rc = -EINVAL;
		goto out;
	}
	fflags = spin_lock_irqsave(&ed->fifo_lock);
	fd->array[slot] = page_to_virt(pg);
	fd->array_page[slot] = pg;
	fd->nr_words += FIFO_WORDS_PER_PAGE;
	spin_unlock_irqrestore(&ed->fifo_lock, fflags);

	for (port = slot * FIFO_WORDS_PER_PAGE; port < fd->nr_words && port < ed->nr_valid;
	     port++) {
		struct evtchn *chn = evtchn_from_port(ed, port);
		struct vcpu *v;

		if (!chn->fifo_pending)
			continue;
		chn->fifo_pending = false; /* senders see the word now; nobody else writes it */
		v = evtchn_notify_vcpu(d, chn);
		if (v != NULL)
			evtchn_fifo_set_pending(v, chn, port);
	}
out:
	spin_unlock_irqrestore(&d->event_lock, flags);
	return rc;
}

void evtchn_fifo_destroy(struct domain *d, struct evtchn_domain *ed)
{
	struct evtchn_fifo_domain *fd = ed->fifo;

	ASSERT(spin_is_held_by_me(&d->event_lock));
	BUG_ON(ed->ops == &evtchn_port_ops_fifo);
	if (fd == NULL)
		return;
	ed->fifo = NULL;
	for (unsigned int i = 0; i < fd->nr_vcpus; i++)
		if (fd->vcpu[i].cb_page != NULL)
			put_page(fd->vcpu[i].cb_page);
	for (uint32_t i = 0; i < fd->nr_words / FIFO_WORDS_PER_PAGE; i++)
		put_page(fd->array_page[i]);
	xfree(fd);
}
