/* SPDX-License-Identifier: ISC */
/*
 * print.h: the printable runbook (`keyrite print'): the script for the day
 * as ceremony administrators print it for the room.  Every step in order
 * with its station, its instructions and commands expanded for the chosen
 * parameters, boxes for the initials of the operator and the witnesses and
 * the time, the values to read aloud, and a page for the minutes (the
 * anchors the auditor will check).  The text form fits 80 columns.
 *
 * A value not known when printing (no --set, no default) is shown as a
 * visible placeholder, "<kek_id, asked at step 5>", never as ${...}.  An
 * alternative step (`when:') whose condition does not hold for the printed
 * parameters is listed as not chosen, with the reason, and not spelled out.
 */
#ifndef KR_PRINT_H
#define KR_PRINT_H

#include <stddef.h>

struct ceremony;
struct kr_err;

#define PRINT_WIDTH	80

enum print_format {
	PRINT_TEXT,
	PRINT_MARKDOWN,
};

struct print_opts {
	enum print_format	 format;
	const char *const	*set;		/* "NAME=VALUE" */
	size_t			 nset;
	const char		*sha256;	/* the ceremony file's, hex, or NULL */
};

/* The runbook of c into *out (malloc'd, NUL-terminated).  Returns 0,
 * KR_EDATA for a bad --set (unknown parameter, no '=', a value the
 * parameter refuses: the message names it) or KR_ENOMEM. */
int	print_runbook(const struct ceremony *c, const struct print_opts *o,
	    char **out, struct kr_err *e);

#endif
