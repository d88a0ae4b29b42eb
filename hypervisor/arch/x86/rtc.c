/*
 * The boot wallclock from the CMOS real-time clock (MC146818: index port
 * 0x70, data port 0x71), for the wallclock in every domain's shared_info
 * (common/time.c). The RTC is read once, the first time it is asked for,
 * and turned into "UTC ns at system time 0" by subtracting NOW(); it keeps
 * that value for good (we do not set the RTC, nor track its drift). The RTC
 * counts whole seconds, so the result is within a second of the truth, as
 * the RTC itself is; the RTC is assumed to keep UTC (QEMU's default, and
 * what Xen assumes).
 *
 * Locking: rtc_lock (irqsave) covers the index/data port pair and the
 * cached value.
 */
#include <asm/system.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/spinlock.h>
#include <tessera/time.h>

#define RTC_INDEX 0x70
#define RTC_DATA 0x71
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_CENTURY 0x32 /* the usual place; ACPI's FADT may name another */
#define RTC_A_UIP 0x80	 /* an update is in progress: the time registers are changing */
#define RTC_B_24H 0x02
#define RTC_B_BINARY 0x04
#define RTC_HOUR_PM 0x80 /* 12-hour mode */

static DEFINE_SPINLOCK(rtc_lock, LOCK_LEVEL_RTC);
static uint64_t boot_wallclock_ns;
static bool boot_wallclock_read;

struct rtc_time {
	unsigned int sec, min, hour, day, mon, year, century;
};

static uint8_t rtc_read(uint8_t reg)
{
	outb(RTC_INDEX, reg);
	return inb(RTC_DATA);
}

static unsigned int bcd2bin(unsigned int v)
{
	return (v & 0x0f) + (v >> 4) * 10;
}

/* One reading of the time registers, outside an update cycle if possible. */
static void rtc_read_regs(struct rtc_time *t)
{
	/* An update lasts under 2 ms; bound the wait in case the RTC is absent (reads 0xff). */
	for (unsigned int i = 0; i < 1000000 && (rtc_read(RTC_REG_A) & RTC_A_UIP); i++)
		cpu_relax();
	t->sec = rtc_read(RTC_SECONDS);
	t->min = rtc_read(RTC_MINUTES);
	t->hour = rtc_read(RTC_HOURS);
	t->day = rtc_read(RTC_DAY);
	t->mon = rtc_read(RTC_MONTH);
	t->year = rtc_read(RTC_YEAR);
	t->century = rtc_read(RTC_CENTURY);
}

/* Days from 1970-01-01 to year-mon-day (proleptic Gregorian; mon 1..12). */
static uint64_t days_since_epoch(unsigned int year, unsigned int mon, unsigned int day)
{
	/* Count from March so the leap day is the last day of the year. */
	uint64_t y = year - (mon <= 2), m = mon <= 2 ? mon + 9 : mon - 3;
	uint64_t era_days = y * 365 + y / 4 - y / 100 + y / 400;

	return era_days + (153 * m + 2) / 5 + day - 1 -
	       719468; /* 719468: days 0000-03-01..1970-01-01 */
}

/* Seconds since the epoch from the RTC, or 0 if it reads as nonsense. */
static uint64_t rtc_seconds(void)
{
	struct rtc_time a, b;
	unsigned int tries = 0;
	uint8_t regb;
	bool pm;

	/* Read until two readings agree: the registers may roll over between reads. */
	rtc_read_regs(&a);
	do {
		b = a;
		rtc_read_regs(&a);
	} while ((a.sec != b.sec || a.min != b.min || a.hour != b.hour || a.day != b.day ||
		  a.mon != b.mon || a.year != b.year) &&
		 ++tries < 5);
	regb = rtc_read(RTC_REG_B);

	pm = !(regb & RTC_B_24H) && (a.hour & RTC_HOUR_PM);

	a.hour &= ~RTC_HOUR_PM;
	if (!(regb & RTC_B_BINARY)) {
		a.sec = bcd2bin(a.sec);
		a.min = bcd2bin(a.min);
		a.hour = bcd2bin(a.hour);
		a.day = bcd2bin(a.day);
		a.mon = bcd2bin(a.mon);
		a.year = bcd2bin(a.year);
		a.century = bcd2bin(a.century);
	}
	if (!(regb & RTC_B_24H))
		a.hour = (a.hour % 12) + (pm ? 12 : 0);
	/* A century register outside 19..21 is absent or elsewhere: guess from the year. */
	if (a.century < 19 || a.century > 21)
		a.century = a.year < 70 ? 20 : 19;
	if (a.sec > 59 || a.min > 59 || a.hour > 23 || a.day < 1 || a.day > 31 || a.mon < 1 ||
	    a.mon > 12 || a.year > 99)
		return 0;
	return days_since_epoch(a.century * 100 + a.year, a.mon, a.day) * 86400 + a.hour * 3600 +
	       a.min * 60 + a.sec;
}

uint64_t arch_boot_wallclock_ns(void)
{
	unsigned long flags = spin_lock_irqsave(&rtc_lock);

	if (!boot_wallclock_read) {
		uint64_t secs = rtc_seconds();
		s_time_t now = NOW();

		boot_wallclock_read = true;
		if (!secs)
			pr_warn("RTC: no valid time; guests see a wallclock of 1970");
		else if (secs * 1000000000ULL > (uint64_t)now)
			boot_wallclock_ns = secs * 1000000000ULL - (uint64_t)now;
	}
	spin_unlock_irqrestore(&rtc_lock, flags);
	return boot_wallclock_ns;
}
