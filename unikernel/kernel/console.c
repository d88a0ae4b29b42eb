/*
 * The unikernel's consoles (uk/console.h): printf's line buffer and its
 * outputs (port 0xE9, console_io, the PV console ring), and the PV console
 * ring itself (Xen public/io/console.h: out[] written by us, in[] by the
 * backend; producer/consumer indices free-running, masked on use; the
 * event channel from HVM_PARAM_CONSOLE_EVTCHN notifies the other side).
 *
 * Locking: interrupts off around the line buffer and ring updates (the
 * ring's input handler and any event handler may print).
 */
#include <public/hvm/params.h>
#include <public/io/console.h>
#include <public/sched.h>
#include <uk/console.h>
#include <uk/events.h>
#include <uk/kernel.h>
#include <uk/sched.h>

unsigned int uk_console_outputs = UK_OUT_E9;
int uk_hypercalls_ready; /* kernel/start.c sets it once CPUID finds the hypervisor */

static struct xencons_interface *ring;
static evtchn_port_t ring_port;
static void (*input_fn)(void *data);
static void *input_data;

static char line[256];
static size_t line_len;

void console_putc(char c);

static void ring_put(const char *buf, size_t len, int may_wait)
{
	size_t done = 0;

	while (done < len) {
		unsigned long flags = irq_save();
		XENCONS_RING_IDX cons = READ_ONCE(ring->out_cons), prod = ring->out_prod;
		size_t n = 0;

		mb();
		while (done < len && prod - cons < sizeof(ring->out)) {
			ring->out[MASK_XENCONS_IDX(prod, ring->out)] = buf[done++];
			prod++;
			n++;
		}
		wmb(); /* the bytes before the index (console.h: the reader trusts out_prod) */
		ring->out_prod = prod;
		irq_restore(flags);
		if (n)
			evtchn_notify(ring_port);
		if (done < len) {
			if (!may_wait)
				return; /* full and nobody to wait for: drop the rest */
			thread_yield();
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
		}
	}
}

void console_write(const char *buf, size_t len, unsigned int outputs)
{
	size_t i;

	if (outputs & UK_OUT_E9)
		for (i = 0; i < len; i++)
			outb(0xe9, (uint8_t)buf[i]);
	if ((outputs & UK_OUT_HCALL) && uk_hypercalls_ready)
		HYPERVISOR_console_io(CONSOLEIO_write, (unsigned int)len, buf);
	if ((outputs & UK_OUT_RING) && ring)
		ring_put(buf, len, 0);
}

static void flush_line(void)
{
	if (!line_len)
		return;
	console_write(line, line_len, uk_console_outputs);
	line_len = 0;
}

/* Called by vprintf with interrupts off. */
void console_putc(char c)
{
	line[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line))
		flush_line();
}

static void ring_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	if (input_fn && ring && READ_ONCE(ring->in_prod) != ring->in_cons)
		input_fn(input_data);
}

int console_ring_init(void)
{
	uint64_t pfn = 0, port = 0;
	long rc;

	if (ring)
		return 0;
	rc = hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn);
	if (rc || !pfn || pfn >= (1UL << 20))
		return -ENODEV; /* none, or above our 4 GiB map */
	rc = hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &port);
	if (rc || !port)
		return -ENODEV;
	ring = gfn_to_virt(pfn);
	ring_port = (evtchn_port_t)port;
	return evtchn_bind(ring_port, ring_event, NULL);
}

int console_ring_present(void)
{
	return ring != NULL;
}

long console_ring_write(const char *buf, size_t len)
{
	if (!ring)
		return -ENODEV;
	ring_put(buf, len, 1);
	return (long)len;
}

int console_ring_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (console_ring_write(buf, (size_t)n) < 0)
		return -ENODEV;
	return n;
}

size_t console_ring_read(char *buf, size_t size)
{
	unsigned long flags;
	XENCONS_RING_IDX cons, prod;
	size_t n = 0;

	if (!ring)
		return 0;
	flags = irq_save();
	cons = ring->in_cons;
	prod = READ_ONCE(ring->in_prod);
	rmb(); /* the index before the bytes */
	while (cons != prod && n < size)
		buf[n++] = ring->in[MASK_XENCONS_IDX(cons++, ring->in)];
	mb(); /* read the bytes before handing the space back */
	ring->in_cons = cons;
	irq_restore(flags);
	if (n)
		evtchn_notify(ring_port);
	return n;
}

void console_ring_set_input_handler(void (*fn)(void *data), void *data)
{
	unsigned long flags = irq_save();

	input_fn = fn;
	input_data = data;
	irq_restore(flags);
}
