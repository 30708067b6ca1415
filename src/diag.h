/* SPDX-License-Identifier: ISC */
/*
 * diag.h: a list of diagnostics (errors and warnings), each naming a file,
 * a 1-based line and column, and a message.
 *
 * Parsers and validators collect every problem they find instead of
 * stopping at the first one; front ends print the list.  Messages are one
 * line: control characters are replaced by '?' and long messages are
 * truncated, so a hostile input cannot drive the terminal.  The list holds
 * at most DIAG_MAX entries; past that `full' is set and the counters keep
 * counting, so a front end can say how many were left out.
 */
#ifndef KR_DIAG_H
#define KR_DIAG_H

#include <stddef.h>

#define DIAG_MAX	200	/* entries kept */
#define DIAG_MSG_MAX	320	/* bytes of one message, NUL included */

enum diag_level {
	DIAG_ERROR,
	DIAG_WARNING,
};

struct diag {
	enum diag_level	 level;
	unsigned	 line;		/* 1-based; 0 when the whole file */
	unsigned	 col;		/* 1-based; 0 when the whole file */
	size_t		 seq;		/* order of insertion (stable sort) */
	char		*msg;
};

struct diag_list {
	char		*file;		/* the name every entry refers to */
	struct diag	*v;
	size_t		 n, cap;
	size_t		 nerrors, nwarnings;
	int		 full;		/* DIAG_MAX reached, entries dropped */
};

/* Initialises an empty list for file (copied; NULL is "-"). */
void	diag_init(struct diag_list *dl, const char *file);

/* Frees every entry and the file name; the list may be reused after
 * diag_init. */
void	diag_free(struct diag_list *dl);

/* Appends an entry.  Out of memory or a full list drops the entry (the
 * counters still count it, so a caller never mistakes a bad file for a good
 * one). */
void	diag_add(struct diag_list *dl, enum diag_level level, unsigned line,
	    unsigned col, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* Sorts the entries by line, then column, then insertion order. */
void	diag_sort(struct diag_list *dl);

/* Formats one entry as "FILE:LINE:COL: message" or
 * "FILE:LINE:COL: warning: message" into buf (always terminated).
 * Returns the length it wanted, like snprintf. */
int	diag_format(const struct diag_list *dl, const struct diag *d,
	    char *buf, size_t bufsz);

/* The first error (in list order) or NULL. */
const struct diag *diag_first_error(const struct diag_list *dl);

#endif
