/*
 * Forced into common/version.c in the fuzz build only (tests/fuzz/fuzz.mk):
 * it puts BUILD_BUG_ON right after a case label, which gcc accepts but
 * clang 14 rejects (a label before a declaration is C23). Here the check is
 * an expression instead. Remove once version.c wraps that case in braces.
 */
#include <tessera/compiler.h>
#undef BUILD_BUG_ON
#define BUILD_BUG_ON(cond) ((void)sizeof(char[1 - 2 * !!(cond)]))
