/* SPDX-License-Identifier: ISC */
/*
 * diag.c: the diagnostics list.  Entries are owned by the list; messages
 * are sanitised on the way in so printing them is always safe.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void
diag_init(struct diag_list *dl, const char *file)
{
	memset(dl, 0, sizeof(*dl));
	dl->file = strdup(file != NULL ? file : "-");
}

void
diag_free(struct diag_list *dl)
{
	size_t i;

	if (dl == NULL)
		return;
	for (i = 0; i < dl->n; i++)
		free(dl->v[i].msg);
	free(dl->v);
	free(dl->file);
	memset(dl, 0, sizeof(*dl));
}

static int
push(struct diag_list *dl, enum diag_level level, unsigned line,
    unsigned col, const char *msg)
{
	struct diag *nv;
	size_t ncap;

	if (dl->n == dl->cap) {
		ncap = dl->cap == 0 ? 16 : dl->cap * 2;
		if ((nv = realloc(dl->v, ncap * sizeof(*nv))) == NULL)
			return -1;
		dl->v = nv;
		dl->cap = ncap;
	}
	if ((dl->v[dl->n].msg = strdup(msg)) == NULL)
		return -1;
	dl->v[dl->n].level = level;
	dl->v[dl->n].line = line;
	dl->v[dl->n].col = col;
	dl->v[dl->n].seq = dl->n;
	dl->n++;
	return 0;
}

void
diag_add(struct diag_list *dl, enum diag_level level, unsigned line,
    unsigned col, const char *fmt, ...)
{
	char msg[DIAG_MSG_MAX];
	unsigned char *p;
	va_list ap;
	int n;

	if (level == DIAG_ERROR)
		dl->nerrors++;
	else
		dl->nwarnings++;
	if (dl->full)
		return;
	if (dl->n >= DIAG_MAX) {
		dl->full = 1;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	for (p = (unsigned char *)msg; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	(void)push(dl, level, line, col, msg);
}

static int
cmp_diag(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

void
diag_sort(struct diag_list *dl)
{
	if (dl->n > 1)
		qsort(dl->v, dl->n, sizeof(*dl->v), cmp_diag);
}

int
diag_format(const struct diag_list *dl, const struct diag *d, char *buf,
    size_t bufsz)
{
	const char *file = dl->file != NULL ? dl->file : "-";
	const char *lvl = d->level == DIAG_WARNING ? "warning: " : "";

	if (d->line == 0)
		return snprintf(buf, bufsz, "%s: %s%s", file, lvl, d->msg);
	return snprintf(buf, bufsz, "%s:%u:%u: %s%s", file, d->line, d->col,
	    lvl, d->msg);
}

const struct diag *
diag_first_error(const struct diag_list *dl)
{
	size_t i;

	for (i = 0; i < dl->n; i++)
		if (dl->v[i].level == DIAG_ERROR)
			return &dl->v[i];
	return NULL;
}
