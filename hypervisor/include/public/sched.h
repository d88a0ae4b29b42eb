/*
 * Tessera public ABI: HYPERVISOR_sched_op (yield, block, shutdown, poll).
 * Values and layouts follow Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_SCHED_H
#define TESSERA_PUBLIC_SCHED_H

#include "event_channel.h"

#define SCHEDOP_yield 0		  /* give up the CPU, stay runnable */
#define SCHEDOP_block 1		  /* sleep until an event is pending */
#define SCHEDOP_shutdown 2	  /* arg: sched_shutdown */
#define SCHEDOP_poll 3		  /* arg: sched_poll */
#define SCHEDOP_remote_shutdown 4 /* arg: sched_remote_shutdown (privileged) */
#define SCHEDOP_shutdown_code 5	  /* record a reason without shutting down */
#define SCHEDOP_watchdog 6	  /* arg: sched_watchdog */
#define SCHEDOP_pin_override 7	  /* arg: sched_pin_override (control domain) */

struct sched_shutdown {
	unsigned int reason; /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_shutdown_t);

/* Block until one of ports is pending or timeout (absolute ns, 0 = none). */
struct sched_poll {
	XEN_GUEST_HANDLE(evtchn_port_t) ports;
	unsigned int nr_ports;
	uint64_t timeout;
};
typedef struct sched_poll sched_poll_t;
DEFINE_XEN_GUEST_HANDLE(sched_poll_t);

struct sched_remote_shutdown {
	domid_t domain_id;
	unsigned int reason; /* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_remote_shutdown_t);

/* id 0 creates a watchdog (OUT: new id); timeout 0 destroys one. Seconds. */
struct sched_watchdog {
	uint32_t id;
	uint32_t timeout;
};
typedef struct sched_watchdog sched_watchdog_t;
DEFINE_XEN_GUEST_HANDLE(sched_watchdog_t);

struct sched_pin_override {
	int32_t pcpu; /* negative: drop the override */
};
typedef struct sched_pin_override sched_pin_override_t;
DEFINE_XEN_GUEST_HANDLE(sched_pin_override_t);

/* Why a domain stopped. */
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_suspend 2 /* state kept for save/migrate */
#define SHUTDOWN_crash 3
#define SHUTDOWN_watchdog 4 /* a sched_watchdog expired */
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX 5

#endif /* TESSERA_PUBLIC_SCHED_H */
