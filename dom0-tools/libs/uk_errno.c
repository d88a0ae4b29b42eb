/* The errno of the tool libraries in the unikernel (uk-include/errno.h). One for all threads:
 * they are cooperative and read it before they yield. */
#include <errno.h>

int errno;
