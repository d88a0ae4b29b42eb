/* System time in nanoseconds since boot, and the hardware one-shot timer hook. */
#ifndef TESSERA_TIME_H
#define TESSERA_TIME_H

#include <tessera/types.h>

#define MILLISECS(ms) ((s_time_t)(ms)*1000000LL)
#define MICROSECS(us) ((s_time_t)(us)*1000LL)
#define SECONDS(s) ((s_time_t)(s)*1000000000LL)

/* Nanoseconds since boot on this CPU's clock (monotonic, comparable between CPUs). */
s_time_t NOW(void);

/*
 * Guest time (common/time.c): the pvclock in each vcpu_info, the wallclock
 * in shared_info, and the per-vCPU singleshot timer behind
 * VCPUOP_set_singleshot_timer and set_timer_op.
 */
struct vcpu;
struct domain;
/* Refresh v->vcpu_info->time (version odd while writing). Call on v's CPU or with v paused:
 * when v's vcpu_info is set up or moved, and by the arch before v runs (context switch). */
void update_vcpu_system_time(struct vcpu *v);
/* Write d's wallclock (boot wallclock + d->time_offset_seconds) into its shared_info
 * (wc_version odd while writing). Call when shared_info is set up (domain_create). */
void update_domain_wallclock_time(struct domain *d);
/* domctl settimeoffset: set d's offset from UTC in seconds and republish its wallclock. */
void domain_set_time_offset(struct domain *d, int64_t offset_seconds);
/* Arm v's singleshot timer for deadline (VIRQ_TIMER at expiry); 0 or -ENOMEM. */
int vcpu_set_singleshot_timer(struct vcpu *v, s_time_t deadline);
void vcpu_stop_singleshot_timer(struct vcpu *v);
/* Raise VIRQ_TIMER on v now (a deadline already past). */
void vcpu_send_timer_event(struct vcpu *v);
/* VCPUOP_set_periodic_timer: VIRQ_TIMER every period ns from now (0 stops it); 0 or -ENOMEM. */
int vcpu_set_periodic_timer(struct vcpu *v, s_time_t period);
/* Kill and free v's singleshot and periodic timers (vCPU teardown; v not running). */
void vcpu_time_destroy(struct vcpu *v);

#endif
