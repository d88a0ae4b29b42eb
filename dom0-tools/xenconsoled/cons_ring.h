/*
 * The backend side of a PV console ring (public/io/console.h, struct
 * xencons_interface): take what the guest wrote to `out`, put keyboard input
 * into `in`. Portable C (host unit tests: tests/unit/test_xenconsoled.c).
 * The page is shared with the guest, which may write anything into it: each
 * index is read once, an amount above the ring size is refused, and every
 * offset is masked, so no access leaves the ring.
 * No locking: one thread per ring.
 */
#ifndef XENCONSOLED_CONS_RING_H
#define XENCONSOLED_CONS_RING_H

#include <stddef.h>
#include <public/io/console.h>

/*
 * Copies up to len bytes of guest output into buf and consumes them: the
 * count, or -1 when the guest's indices are impossible (then everything it
 * claims to have written is skipped: out_cons = out_prod).
 */
int cons_ring_take_output(struct xencons_interface *intf, char *buf, size_t len);
/* Bytes of room in the input ring, or -1 when the guest's indices are impossible. */
int cons_ring_input_room(const struct xencons_interface *intf);
/* Queues up to len input bytes for the guest: the count (0 when full), or -1 as above. */
int cons_ring_put_input(struct xencons_interface *intf, const char *buf, size_t len);

#endif
