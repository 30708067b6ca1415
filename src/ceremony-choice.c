/* SPDX-License-Identifier: ISC */
/*
 * ceremony-choice.c: choices between alternative steps.
 *
 * A step with `when:' is one alternative of a choice ("upload with
 * PowerShell or with the az command line, not both"): a mapping of choice
 * parameters to the value, or list of values, for which the step is the
 * one to do.  Every condition must hold.  The loader part builds
 * s->when, the check part lints it (each name a declared choice
 * parameter, each value one of its choices, no `when' on seal-log, every
 * value of a parameter choosing some alternative), and
 * ceremony_step_chosen() decides for the runner and `keyrite print'.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ceremony.h"
#include "ceremony-int.h"
#include "ceremony-yaml-int.h"
#include "diag.h"
#include "step.h"
#include "yaml-tree.h"

static int	ceremony_step_when_names(const struct ceremony_step *s,
	    const char *param);

/* Loading */

void
ceremony_when_build(struct loader *L, const struct ynode *m,
    struct ceremony_step *s, const char *where)
{
	const struct ynode *k, *v;
	struct ceremony_when *w;

	s->when_loc = m->loc;
	if (ceremony_yaml_want_map(L, m, "when", where) != 0)
		return;
	if (map_pairs(m) == 0) {
		ERR(L, m->loc, "'when' is empty %s (name a choice parameter "
		    "and its value)", where);
		return;
	}
	if ((s->when = kr_arena_array(L->c->arena, map_pairs(m),
	    sizeof(*s->when))) == NULL) {
		L->oom = 1;
		return;
	}
	FOREACH_PAIR(k, v, m) {
		w = &s->when[s->nwhen++];
		ceremony_yaml_set_str(&w->param, k);
		if (v->kind == Y_SEQ) {
			(void)ceremony_yaml_get_list(L, v, k->s, where,
			    &w->values);
			if (v->n == 0)
				ERR(L, v->loc, "empty list of values for "
				    "'%.*s' in 'when' %s", NM(k->s), where);
			continue;
		}
		if ((w->values.v = kr_arena_alloc(L->c->arena,
		    sizeof(*w->values.v))) == NULL) {
			L->oom = 1;
			return;
		}
		w->values.loc = v->loc;
		if (ceremony_yaml_get_str(L, v, k->s, where,
		    &w->values.v[0]) == 0)
			w->values.n = 1;
	}
}

/* Checking */

static int
is_value(const struct ceremony_param *p, const char *v)
{
	size_t i;

	if (p->table != NULL)
		return ceremony_row_find(p->table, v) != NULL;
	for (i = 0; i < p->choices.n; i++)
		if (p->choices.v[i].s != NULL &&
		    strcmp(p->choices.v[i].s, v) == 0)
			return 1;
	return 0;
}

static void
check_one(const struct ceremony *c, const struct ceremony_step *s,
    const struct ceremony_when *w, struct diag_list *dl)
{
	const struct ceremony_param *p;
	size_t i, j;

	if (w->param.s == NULL)
		return;
	if ((p = ceremony_param_find(c, w->param.s)) == NULL) {
		diag_add(dl, DIAG_ERROR, w->param.loc.line, w->param.loc.col,
		    "unknown parameter '%.80s' in 'when' of step '%.80s'",
		    w->param.s, s->id.s);
		return;
	}
	if (p->type != CEREMONY_PT_CHOICE) {
		diag_add(dl, DIAG_ERROR, w->param.loc.line, w->param.loc.col,
		    "'when' of step '%.80s' names parameter '%.80s' of type "
		    "%s; a choice needs a parameter of type choice", s->id.s,
		    w->param.s, ceremony_ptype_name(p->type));
		return;
	}
	for (i = 0; i < w->values.n; i++) {
		if (w->values.v[i].s == NULL)
			continue;
		if (!is_value(p, w->values.v[i].s))
			diag_add(dl, DIAG_ERROR, w->values.v[i].loc.line,
			    w->values.v[i].loc.col, "'%.80s' is not a value "
			    "of parameter '%.80s' (in 'when' of step '%.80s')",
			    w->values.v[i].s, w->param.s, s->id.s);
		for (j = 0; j < i; j++)
			if (w->values.v[j].s != NULL && strcmp(
			    w->values.v[j].s, w->values.v[i].s) == 0)
				diag_add(dl, DIAG_ERROR,
				    w->values.v[i].loc.line,
				    w->values.v[i].loc.col, "'%.80s' is "
				    "listed twice in 'when' of step '%.80s'",
				    w->values.v[i].s, s->id.s);
	}
}

/* 1 when some step's `when' names p and lets value v through. */
static int
chooses(const struct ceremony *c, const char *p, const char *v)
{
	const struct ceremony_step *s;
	size_t i, j, k;

	for (i = 0; i < c->nsteps; i++) {
		s = &c->steps[i];
		for (j = 0; j < s->nwhen; j++) {
			if (s->when[j].param.s == NULL ||
			    strcmp(s->when[j].param.s, p) != 0)
				continue;
			for (k = 0; k < s->when[j].values.n; k++)
				if (s->when[j].values.v[k].s != NULL &&
				    strcmp(s->when[j].values.v[k].s, v) == 0)
					return 1;
		}
	}
	return 0;
}

/* Every value of a choice parameter used in `when' chooses something. */
static void
check_cover(const struct ceremony *c, const struct ceremony_when *w,
    struct diag_list *dl)
{
	const struct ceremony_param *p = ceremony_param_find(c, w->param.s);
	size_t i;

	if (p == NULL || p->type != CEREMONY_PT_CHOICE || p->table != NULL)
		return;
	for (i = 0; i < p->choices.n; i++)
		if (p->choices.v[i].s != NULL &&
		    !chooses(c, w->param.s, p->choices.v[i].s))
			diag_add(dl, DIAG_WARNING, w->param.loc.line,
			    w->param.loc.col, "value '%.80s' of parameter "
			    "'%.80s' chooses none of the steps whose 'when' "
			    "names it", p->choices.v[i].s, w->param.s);
}

int
ceremony_check_when(const struct ceremony *c, struct diag_list *dl)
{
	const struct ceremony_step *s;
	size_t i, j, k, before = dl->nerrors;
	int seen;

	for (i = 0; i < c->nsteps; i++) {
		s = &c->steps[i];
		if (s->when_loc.line != 0 && s->type == &step_seal_log)
			diag_add(dl, DIAG_ERROR, s->when_loc.line,
			    s->when_loc.col, "step '%.80s' seals the log and "
			    "cannot be an alternative ('when')", s->id.s);
		for (j = 0; j < s->nwhen; j++) {
			check_one(c, s, &s->when[j], dl);
			/* warn about coverage once per parameter: at its
			 * first use */
			seen = 0;
			for (k = 0; k < i && !seen; k++)
				seen = ceremony_step_when_names(&c->steps[k],
				    s->when[j].param.s);
			if (!seen && s->when[j].param.s != NULL)
				check_cover(c, &s->when[j], dl);
		}
	}
	return dl->nerrors == before ? 0 : -1;
}

/* 1 when s's `when' names parameter param. */
static int
ceremony_step_when_names(const struct ceremony_step *s, const char *param)
{
	size_t i;

	if (param == NULL)
		return 0;
	for (i = 0; i < s->nwhen; i++)
		if (s->when[i].param.s != NULL &&
		    strcmp(s->when[i].param.s, param) == 0)
			return 1;
	return 0;
}

/* Deciding */

static void
values_text(const struct ceremony_when *w, char *buf, size_t bufsz)
{
	size_t i, len;

	buf[0] = '\0';
	for (i = 0; i < w->values.n; i++) {
		len = strlen(buf);
		snprintf(buf + len, bufsz - len, "%s%s", i == 0 ? "" :
		    i + 1 == w->values.n ? " or " : ", ",
		    w->values.v[i].s != NULL ? w->values.v[i].s : "?");
	}
}

void
ceremony_when_text(const struct ceremony_step *s, char *buf, size_t bufsz)
{
	char vals[256];
	size_t i, len;

	if (bufsz == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < s->nwhen; i++) {
		values_text(&s->when[i], vals, sizeof(vals));
		len = strlen(buf);
		snprintf(buf + len, bufsz - len, "%s%s is %s", i == 0 ? "" :
		    ", and ", s->when[i].param.s, vals);
	}
}

static int
holds(const struct ceremony_when *w, const char *v)
{
	size_t i;

	for (i = 0; i < w->values.n; i++)
		if (w->values.v[i].s != NULL &&
		    strcmp(w->values.v[i].s, v) == 0)
			return 1;
	return 0;
}

int
ceremony_step_chosen(const struct ceremony_step *s,
    const char *(*value)(void *arg, const char *name), void *arg,
    const char **missing, char *why, size_t whysz)
{
	char vals[256];
	const char *v;
	size_t i, len;

	if (why != NULL && whysz > 0)
		why[0] = '\0';
	for (i = 0; i < s->nwhen; i++)
		if (value(arg, s->when[i].param.s) == NULL) {
			if (missing != NULL)
				*missing = s->when[i].param.s;
			return -1;
		}
	for (i = 0; i < s->nwhen; i++) {
		v = value(arg, s->when[i].param.s);
		if (!holds(&s->when[i], v)) {
			if (why != NULL) {
				values_text(&s->when[i], vals, sizeof(vals));
				snprintf(why, whysz, "%s is %s (this "
				    "alternative is for %s)",
				    s->when[i].param.s, v, vals);
			}
			return 0;
		}
		if (why != NULL) {
			len = strlen(why);
			snprintf(why + len, whysz - len, "%s%s is %s",
			    i == 0 ? "" : ", and ", s->when[i].param.s, v);
		}
	}
	return 1;
}
