/* SPDX-License-Identifier: ISC */
/*
 * clock.c: wall clock with a test override so that golden logs and screen
 * captures are reproducible, and an offset that a rehearsal's clock-skew
 * fault sets (never the environment).  The override comes from
 * KEYRITE_TEST_CLOCK only in a build configured with --enable-test-hooks
 * (KR_TEST_HOOKS); a release build never reads it.  Test programs may fix
 * the clock with kr_clock_fix() in any build.
 */
#define _GNU_SOURCE
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "err.h"

static int	fixed_loaded;
static int	fixed_on;
static time_t	fixed_next;
static long long offset;	/* a rehearsal's clock-skew fault */

int
kr_clock_parse_fixed(const char *s, time_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return KR_EDATA;
	if (kr_rfc3339_parse(s, out) == 0)
		return 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < 0)
		return KR_EDATA;
	*out = (time_t)v;
	return 0;
}

void
kr_clock_fix(time_t t)
{
	fixed_loaded = 1;
	fixed_on = 1;
	fixed_next = t;
}

static void
load_fixed(void)
{
#ifdef KR_TEST_HOOKS
	time_t t;
#endif

	if (fixed_loaded)
		return;
	fixed_loaded = 1;
#ifdef KR_TEST_HOOKS
	if (kr_clock_parse_fixed(getenv("KEYRITE_TEST_CLOCK"), &t) == 0) {
		fixed_on = 1;
		fixed_next = t;
	}
#endif
}

void
kr_clock_set_offset(long long seconds)
{
	offset = seconds;
}

long long
kr_clock_offset(void)
{
	return offset;
}

time_t
kr_now(void)
{
	load_fixed();
	if (fixed_on)
		return fixed_next++ + (time_t)offset;
	return time(NULL) + (time_t)offset;
}

time_t
kr_clock_peek(void)
{
	load_fixed();
	if (fixed_on)
		return fixed_next + (time_t)offset;
	return time(NULL) + (time_t)offset;
}

int
kr_rfc3339(time_t t, char *out, size_t outsz)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return KR_EDATA;
	if (strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return KR_EUSAGE;
	return 0;
}

int
kr_rfc3339_parse(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) != 20)
		return KR_EDATA;
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0')
		return KR_EDATA;
	*out = timegm(&tm);
	return 0;
}
