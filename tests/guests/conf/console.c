/*
 * Conformance: console_io (Xen 4.17 drivers/char/console.c
 * do_console_io). Writes of every size (nothing, a line, more than one
 * internal chunk, bytes that are not printable) succeed; a buffer the
 * hypervisor cannot read is -EFAULT; reading and unknown commands need
 * privilege (-EPERM for a guest; dom0 reads, and gets -ENOSYS for an
 * unknown command).
 *
 * Locking: none (tests run one at a time).
 */
#include "conf.h"

TEST(write_sizes)
{
	static char big[3000];
	static const char line[] = "console conformance: one line through CONSOLEIO_write\n";
	static const char odd[] = "console conformance: bytes \x01\x7f\x80\xff end\n";
	size_t i;

	EXPECT_OK(HYPERVISOR_console_io(CONSOLEIO_write, 0, line));
	EXPECT_OK(HYPERVISOR_console_io(CONSOLEIO_write, sizeof(line) - 1, line));
	EXPECT_OK(HYPERVISOR_console_io(CONSOLEIO_write, sizeof(odd) - 1, odd));
	/* Longer than any internal chunk (Xen copies 128 bytes at a time). */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (i % 100 == 99) ? '\n' : (char)('a' + i % 26);
	big[sizeof(big) - 1] = '\n';
	EXPECT_OK(HYPERVISOR_console_io(CONSOLEIO_write, sizeof(big), big));
}

TEST(write_unreadable_buffer)
{
	void *hole = conf_hole();

	EXPECT_ERRNO(HYPERVISOR_console_io(CONSOLEIO_write, 16, CONF_BAD_VA), -EFAULT);
	/* Nothing to read, so nothing to fault on. */
	EXPECT_OK(HYPERVISOR_console_io(CONSOLEIO_write, 0, CONF_BAD_VA));
	if (!hole) {
		test_error("no hole page");
		return;
	}
	EXPECT_ERRNO(HYPERVISOR_console_io(CONSOLEIO_write, 16, hole), -EFAULT);
	EXPECT_OK(conf_hole_fill(hole));
}

TEST(read_and_unknown_commands)
{
	char buf[32];
	long rc = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf);

	if (conf_privileged()) {
		/* dom0 reads the serial input (none here: 0 or a few bytes). */
		EXPECT_TRUE(rc >= 0 && rc <= (long)sizeof(buf));
		EXPECT_ERRNO(HYPERVISOR_console_io(99, sizeof(buf), buf), -ENOSYS);
		return;
	}
	/* As Xen's XSM dummy policy: the permission check comes before the command. */
	EXPECT_ERRNO(rc, -EPERM);
	EXPECT_ERRNO(HYPERVISOR_console_io(99, sizeof(buf), buf), -EPERM);
}
