/*
 * The default application of a test kernel: run the TEST()s (uk/test.h).
 * Alone in its object file so that an application defining app_main()
 * never pulls it from libuk.a.
 *
 * Locking: none.
 */
#include <uk/test.h>

void app_main(void)
{
	test_main();
}
