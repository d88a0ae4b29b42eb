/* Fatal errors in the hypervisor's own logic (never for guest-controlled values). */
#ifndef TESSERA_PANIC_H
#define TESSERA_PANIC_H

#include <tessera/compiler.h>

void panic(const char *fmt, ...) __noreturn __printf(1, 2);

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(cond)                                                                               \
	do {                                                                                       \
		if (unlikely(cond))                                                                \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__);                   \
	} while (0)
#define ASSERT(cond)                                                                               \
	do {                                                                                       \
		if (unlikely(!(cond)))                                                             \
			panic("assertion '%s' failed at %s:%d", #cond, __FILE__, __LINE__);        \
	} while (0)

#endif
