/* SPDX-License-Identifier: ISC */
/*
 * ceremony-int.h: what the ceremony files (ceremony*.c) and the step types
 * share and nobody else needs: the name indexes behind the lookups
 * (ceremony-index.c), the template tokenizer (ceremony-expand.c), text
 * positions (ceremony-pos.c) and the validation pass (ceremony-check.c).
 * The arena the model lives in is arena.h's.
 */
#ifndef KR_CEREMONY_INT_H
#define KR_CEREMONY_INT_H

#include <stddef.h>

struct ceremony;
struct ceremony_step;
struct ceremony_table;
struct diag_list;
struct kr_arena;

/* A sorted index of names to positions.  Duplicates keep every position;
 * kr_nidx_find returns the lowest (ceremony-index.c). */
struct kr_nidx_ent {
	const char	*name;
	size_t		 pos;
};
struct kr_nidx {
	struct kr_nidx_ent	*v;
	size_t			 n;
};
#define KR_NIDX_NONE	((size_t)-1)
/* Allocates room for n entries (ix->n = 0); the caller appends
 * ix->v[ix->n++] = (struct kr_nidx_ent){ name, pos } and calls
 * kr_nidx_sort. */
int	kr_nidx_alloc(struct kr_arena *a, struct kr_nidx *ix, size_t n);
void	kr_nidx_sort(struct kr_nidx *ix);
size_t	kr_nidx_find(const struct kr_nidx *ix, const char *name);

struct ceremony_index {
	struct kr_nidx	params, vars, steps, tables, stations, scenarios, roles;
	struct kr_nidx	rows, cols;	/* for a table's own index */
};

/* Builds c->index and every table's index.  Returns 0 or KR_ENOMEM. */
int	ceremony_index_build(struct ceremony *c);

/* Template tokens (ceremony-expand.c): a literal run or a reference. */
enum tmpl_tok {
	TMPL_END,
	TMPL_TEXT,	/* text[0..len) literal */
	TMPL_REF,	/* name[0..len) of ${name} */
	TMPL_ERROR,	/* err says why */
};
struct tmpl_state {
	const char	*s;
	size_t		 i;
	size_t		 tok_off;	/* byte offset where the token starts */
};
enum tmpl_tok ceremony_tmpl_next(struct tmpl_state *ts, const char **text,
	    size_t *len, const char **err);

/* What expanding a template costs, predicted without expanding it
 * (ceremony-expand.c).  memo has one zeroed entry per var of c (c->nvars),
 * kept between calls so each var is costed once.  Returns 1 when the
 * expansion would exceed CEREMONY_EXPAND_SUBST substitutions or
 * CEREMONY_EXPAND_MAX bytes of literal text (values from parameters are
 * not known yet and count as empty), else 0. */
struct ceremony_cost {
	int			state;		/* 0 new, 1 in progress, 2 done */
	unsigned long long	subst, bytes;
};
int	ceremony_expand_cost(const struct ceremony *c, const char *tmpl,
	    struct ceremony_cost *memo, unsigned long long *subst,
	    unsigned long long *bytes);

/* Parses a decimal integer (optional sign, no spaces): 0 or -1. */
int	ceremony_parse_int(const char *s, long long *v);

/* 1 when s is exactly one ${ref}, 0 otherwise. */
int	ceremony_tmpl_is_single_ref(const char *s);
/* 1 when s contains a ${ reference start. */
int	ceremony_tmpl_has_ref(const char *s);

/* The validation pass (ceremony-check.c): 0 when no error was added. */
int	ceremony_check(struct ceremony *c, const char *buf, size_t len,
	    struct diag_list *dl);

/* Lints every step's `when' (ceremony-choice.c): 0 when no error was
 * added. */
int	ceremony_check_when(const struct ceremony *c, struct diag_list *dl);
/* Lints the ceremony's and the steps' `engines' (ceremony-engines.c). */
void	ceremony_check_engines(const struct ceremony *c, struct diag_list *dl);
/* 1 when s's `when' names parameter param. */
int	ceremony_step_when_names(const struct ceremony_step *s,
	    const char *param);

/* Position of the k-th (0-based) occurrence of needle inside the scalar
 * that starts at (line, col) and ends at (end_line, end_col) in buf;
 * 0 and *oline, *ocol set, or -1 when it cannot be found. */
int	ceremony_locate(const char *buf, size_t len, unsigned line,
	    unsigned col, unsigned end_line, unsigned end_col,
	    const char *needle, size_t k, unsigned *oline, unsigned *ocol);

/* Converts a byte offset into a 1-based line and column the way libyaml
 * counts them. */
void	ceremony_offset_pos(const char *buf, size_t len, size_t off,
	    unsigned *line, unsigned *col);

#endif
