/* SPDX-License-Identifier: ISC */
/*
 * print-int.h: what print.c (the content of the runbook) and print-text.c
 * (its layout: text in 80 columns, or Markdown) share.
 */
#ifndef KR_PRINT_INT_H
#define KR_PRINT_INT_H

#include <stddef.h>

#include "print.h"

struct ceremony;
struct ceremony_step;

struct print_buf {
	char	*p;
	size_t	 len, cap;
	int	 oom;
};

struct printer {
	const struct ceremony	*c;
	const struct print_opts	*o;
	int			 md;		/* Markdown, else text */
	size_t			 cur;		/* the step being printed */
	const char		**values;	/* per parameter, or NULL */
	char			*given;		/* per parameter: from --set */
	char			 scratch[512];	/* lookup's answer */
	struct print_buf	 b;
};

/* print.c: a template expanded for printing (placeholders for what is not
 * known); malloc'd, NULL on OOM (b.oom set). */
char	*print_expand(struct printer *P, const char *tmpl);

/* print-text.c: the layout.  Text wraps at PRINT_WIDTH columns. */
void	print_line(struct printer *P, size_t indent, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	print_blank(struct printer *P);
void	print_text(struct printer *P, size_t indent, const char *text);
void	print_title(struct printer *P, const char *title);
void	print_heading(struct printer *P, const char *name);
void	print_page(struct printer *P, const char *name);
void	print_item(struct printer *P, const char *name, const char *desc);
void	print_field(struct printer *P, const char *label, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
void	print_check(struct printer *P, const char *item);
void	print_command(struct printer *P, const char *shell, const char *cmd);
void	print_step_head(struct printer *P, size_t n, size_t total,
	    const char *id, const char *station, const char *title);
void	print_boxes(struct printer *P, const struct ceremony_step *s);
void	print_blank_field(struct printer *P, const char *label, int hash);
void	print_cards(struct printer *P, const struct ceremony_step *s);
void	print_signatures(struct printer *P);
/* A hash in groups of eight lowercase digits; other text as it is. */
void	print_group(const char *v, char *out, size_t outsz);

#endif
