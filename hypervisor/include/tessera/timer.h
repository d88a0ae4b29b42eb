/* Software timers, kept per CPU in a deadline heap. */
#ifndef TESSERA_TIMER_H
#define TESSERA_TIMER_H

void timer_subsys_init(void);

#endif
