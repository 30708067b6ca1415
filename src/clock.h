/* SPDX-License-Identifier: ISC */
/*
 * clock.h: the one place keyrite reads the time.
 *
 * Tests fix the clock with KEYRITE_TEST_CLOCK (seconds since the epoch, or
 * an RFC 3339 UTC time) in a build configured with --enable-test-hooks
 * only, or with kr_clock_fix(); the value then advances by one second per
 * call so that successive events stay ordered.  Nothing else reads that
 * variable, and a release build does not.
 */
#ifndef KR_CLOCK_H
#define KR_CLOCK_H

#include <stddef.h>
#include <time.h>

/* The current time (or the test clock). */
time_t	kr_now(void);

/* The time kr_now() would return, without advancing the test clock (a
 * check that must not shift the times of a golden log). */
time_t	kr_clock_peek(void);

/* Formats t as RFC 3339 UTC, "2026-11-27T10:14:03Z" (21 bytes with NUL). */
int	kr_rfc3339(time_t t, char *out, size_t outsz);

/* Parses an RFC 3339 UTC time with a Z suffix; returns 0 or KR_EDATA. */
int	kr_rfc3339_parse(const char *s, time_t *out);

/* Shifts every later kr_now() by seconds (a rehearsal's clock-skew
 * fault: the workstation's clock jumps); 0 puts it back. */
void	kr_clock_set_offset(long long seconds);
long long kr_clock_offset(void);

/* TEST ONLY: fixes the clock at t (advancing a second per kr_now()). */
void	kr_clock_fix(time_t t);
/* Parses a KEYRITE_TEST_CLOCK value: RFC 3339 UTC or seconds since the
 * epoch.  0 or KR_EDATA. */
int	kr_clock_parse_fixed(const char *s, time_t *out);

#endif
