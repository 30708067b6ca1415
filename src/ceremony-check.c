/* SPDX-License-Identifier: ISC */
/*
 * ceremony-check.c: the validation pass over a built model.
 *
 * It runs after the loader has checked shapes and types, and checks what
 * needs the whole document: names and ids (their form, duplicates),
 * parameter definitions (patterns compile, defaults valid, ranges sane,
 * `from' tables exist), table ids, vars that only look upwards, steps
 * (stations, `requires' only naming earlier steps, sign-off roles, the
 * `with' keys through the step registry), scenarios, and every ${...}
 * reference in titles, instructions, help, prompts, vars and `with' values.
 * Every problem becomes a diagnostic; nothing stops at the first.
 */
#include <sys/types.h>

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony.h"
#include "ceremony-int.h"
#include "diag.h"
#include "err.h"
#include "step.h"

struct checker {
	struct ceremony		*c;
	const char		*buf;
	size_t			 len;
	struct diag_list	*dl;
	int			 oom;
};

#define ERR(K, loc, ...) \
	diag_add((K)->dl, DIAG_ERROR, (loc).line, (loc).col, __VA_ARGS__)
#define NM(s)	80, (s)

enum name_kind {
	N_ID,		/* ^[a-z0-9][a-z0-9-]*$: ceremony, step, scenario ids */
	N_STATION,	/* ^[a-z][a-z0-9-]*$: stations and roles */
	N_PARAM,	/* ^[a-z_][a-z0-9_]*$: parameters, vars, tables */
	N_COLUMN,	/* ^[A-Za-z_][A-Za-z0-9_-]*$: table columns */
};

static int
name_ok(const char *s, enum name_kind k)
{
	const unsigned char *p = (const unsigned char *)s;
	int ch;

	if (*p == '\0')
		return 0;
	switch (k) {
	case N_ID:
		if (!islower(*p) && !isdigit(*p))
			return 0;
		break;
	case N_STATION:
		if (!islower(*p))
			return 0;
		break;
	case N_PARAM:
		if (!islower(*p) && *p != '_')
			return 0;
		break;
	case N_COLUMN:
		if (!isalpha(*p) && *p != '_')
			return 0;
		break;
	}
	for (p++; (ch = *p) != '\0'; p++) {
		if (!isascii(ch))
			return 0;
		switch (k) {
		case N_ID:
		case N_STATION:
			if (!islower(ch) && !isdigit(ch) && ch != '-')
				return 0;
			break;
		case N_PARAM:
			if (!islower(ch) && !isdigit(ch) && ch != '_')
				return 0;
			break;
		case N_COLUMN:
			if (!isalnum(ch) && ch != '_' && ch != '-')
				return 0;
			break;
		}
	}
	return 1;
}

static const char *
name_rule(enum name_kind k)
{
	switch (k) {
	case N_ID:
		return "lowercase letters, digits and dashes, not starting "
		    "with a dash";
	case N_STATION:
		return "lowercase letters, digits and dashes, starting with a "
		    "letter";
	case N_PARAM:
		return "lowercase letters, digits and underscores, not "
		    "starting with a digit";
	case N_COLUMN:
		return "letters, digits, underscores and dashes, starting with "
		    "a letter or underscore";
	}
	return "";
}

static void
check_name(struct checker *K, const struct ceremony_str *s, enum name_kind k,
    const char *what)
{
	if (s->s != NULL && !name_ok(s->s, k))
		ERR(K, s->loc, "invalid %s '%.*s' (%s)", what, NM(s->s),
		    name_rule(k));
}

static int
is_reserved(const char *s)
{
	return strcmp(s, "ceremony") == 0 || strcmp(s, "out_dir") == 0 ||
	    strcmp(s, "state_dir") == 0;
}

/* Reports duplicates in a sorted index: every later occurrence. */
static void
check_dups(struct checker *K, const struct kr_nidx *ix,
    const struct ceremony_loc *(*loc_of)(const struct ceremony *, size_t),
    const char *what)
{
	const struct ceremony_loc *first, *dup;
	size_t i, f = 0;

	for (i = 1; i < ix->n; i++) {
		if (strcmp(ix->v[i].name, ix->v[f].name) != 0) {
			f = i;
			continue;
		}
		first = loc_of(K->c, ix->v[f].pos);
		dup = loc_of(K->c, ix->v[i].pos);
		ERR(K, *dup, "duplicate %s '%.*s' (first at line %u)", what,
		    NM(ix->v[i].name), first->line);
	}
}

static const struct ceremony_loc *
step_loc(const struct ceremony *c, size_t i)
{
	return &c->steps[i].id.loc;
}

static const struct ceremony_loc *
role_loc(const struct ceremony *c, size_t i)
{
	return &c->roles.v[i].loc;
}

/* References */

/* Occurrences of needle in s[0..upto) that are not escaped by a `$'. */
static size_t
count_before(const char *s, size_t upto, const char *needle)
{
	size_t n = 0, nl = strlen(needle), i, d;

	for (i = 0; i + nl <= upto; i++) {
		if (memcmp(s + i, needle, nl) != 0)
			continue;
		for (d = 0; d < i && s[i - d - 1] == '$'; d++)
			;
		if (d % 2 != 0)
			continue;
		n++;
		i += nl - 1;
	}
	return n;
}

/* The position of the template token at byte off of str: exact when the
 * text can be found in the file, else the start of the string. */
static void
token_pos(struct checker *K, const struct ceremony_str *str, size_t off,
    unsigned *line, unsigned *col)
{
	char needle[48];
	size_t n;

	*line = str->loc.line;
	*col = str->loc.col;
	if (K->dl->full)
		return;		/* the message is dropped: skip the search */
	for (n = 0; n < sizeof(needle) - 1 && str->s[off + n] != '\0' &&
	    str->s[off + n] != '\n' && str->s[off + n] != '\r'; n++) {
		needle[n] = str->s[off + n];
		if (needle[n] == '}') {
			n++;
			break;
		}
	}
	needle[n] = '\0';
	if (n < 2)
		return;
	(void)ceremony_locate(K->buf, K->len, str->loc.line, str->loc.col,
	    str->loc.end_line, str->loc.end_col, needle,
	    count_before(str->s, off, needle), line, col);
}

/* NULL when name resolves, else why not (in buf). */
static const char *
resolve(struct checker *K, const char *name, size_t var_limit, char *buf,
    size_t bufsz)
{
	const struct ceremony *c = K->c;
	const struct ceremony_param *p;
	const struct ceremony_var *v;
	const char *dot = strchr(name, '.');
	char head[128];
	size_t i, hl;

	if (dot == NULL) {
		if (strcmp(name, "out_dir") == 0 ||
		    strcmp(name, "state_dir") == 0 ||
		    ceremony_param_find(c, name) != NULL)
			return NULL;
		if ((v = ceremony_var_find(c, name)) != NULL) {
			i = (size_t)(v - c->vars);
			if (var_limit == KR_NIDX_NONE || i < var_limit)
				return NULL;
			if (i == var_limit)
				snprintf(buf, bufsz, "'${%.80s}' refers to "
				    "itself", name);
			else
				snprintf(buf, bufsz, "'${%.80s}' refers to a var "
				    "defined below (line %u); a var may only "
				    "use vars above it", name, v->name.loc.line);
			return buf;
		}
		snprintf(buf, bufsz, "undefined reference '${%.80s}'", name);
		return buf;
	}
	hl = (size_t)(dot - name);
	if (hl >= sizeof(head))
		hl = sizeof(head) - 1;
	memcpy(head, name, hl);
	head[hl] = '\0';
	if (strcmp(head, "ceremony") == 0 && (strcmp(dot + 1, "id") == 0 ||
	    strcmp(dot + 1, "title") == 0))
		return NULL;
	if ((p = ceremony_param_find(c, head)) != NULL) {
		if (p->table == NULL) {
			snprintf(buf, bufsz, "'${%.80s}': parameter '%.80s' has "
			    "no table (only a choice with 'from' has columns)",
			    name, head);
			return buf;
		}
		if (p->table->index != NULL &&
		    kr_nidx_find(&p->table->index->cols, dot + 1) != KR_NIDX_NONE)
			return NULL;
		snprintf(buf, bufsz, "'${%.80s}': table '%.80s' has no column "
		    "'%.80s'", name, p->table->name.s, dot + 1);
		return buf;
	}
	snprintf(buf, bufsz, "undefined reference '${%.80s}'", name);
	return buf;
}

static void
check_refs(struct checker *K, const struct ceremony_str *str,
    const char *where, size_t var_limit)
{
	struct tmpl_state ts;
	const char *t, *err, *why;
	char name[256], buf[400];
	unsigned line, col;
	size_t len;

	if (str->s == NULL)
		return;
	ts.s = str->s;
	ts.i = 0;
	for (;;) {
		switch (ceremony_tmpl_next(&ts, &t, &len, &err)) {
		case TMPL_END:
			return;
		case TMPL_TEXT:
			continue;
		case TMPL_ERROR:
			token_pos(K, str, ts.tok_off, &line, &col);
			diag_add(K->dl, DIAG_ERROR, line, col, "%s %s", err,
			    where);
			return;
		case TMPL_REF:
			break;
		}
		if (len >= sizeof(name)) {
			token_pos(K, str, ts.tok_off, &line, &col);
			diag_add(K->dl, DIAG_ERROR, line, col, "reference too "
			    "long %s", where);
			continue;
		}
		memcpy(name, t, len);
		name[len] = '\0';
		if ((why = resolve(K, name, var_limit, buf, sizeof(buf))) ==
		    NULL)
			continue;
		token_pos(K, str, ts.tok_off, &line, &col);
		diag_add(K->dl, DIAG_ERROR, line, col, "%s %s", why, where);
	}
}

/* Parameters */

static void
not_for(struct checker *K, const struct ceremony_param *p,
    const struct ceremony_loc *loc, const char *key)
{
	ERR(K, *loc, "'%s' does not apply to %s parameter '%.*s'", key,
	    ceremony_ptype_name(p->type), NM(p->name.s));
}

static void
check_param(struct checker *K, struct ceremony_param *p)
{
	struct kr_err e;
	char where[128], rebuf[160];
	struct kr_nidx ix;
	regex_t *re;
	size_t i;
	int rc;

	if (p->name.s == NULL)
		return;
	snprintf(where, sizeof(where), "in parameter '%.80s'", p->name.s);
	check_name(K, &p->name, N_PARAM, "parameter name");
	if (is_reserved(p->name.s))
		ERR(K, p->name.loc, "parameter name '%s' is reserved",
		    p->name.s);
	if (p->type_name.s == NULL)
		return;		/* missing or unknown type, reported */
	if (p->type != CEREMONY_PT_STRING) {
		if (p->pattern.s != NULL)
			not_for(K, p, &p->pattern.loc, "pattern");
		if (p->min_length_loc.line != 0)
			not_for(K, p, &p->min_length_loc, "min_length");
		if (p->max_length_loc.line != 0)
			not_for(K, p, &p->max_length_loc, "max_length");
	}
	if (p->type != CEREMONY_PT_CHOICE) {
		if (p->choices.loc.line != 0)
			not_for(K, p, &p->choices.loc, "choices");
		if (p->from.s != NULL)
			not_for(K, p, &p->from.loc, "from");
	}
	if (p->type != CEREMONY_PT_INTEGER) {
		if (p->min_loc.line != 0)
			not_for(K, p, &p->min_loc, "min");
		if (p->max_loc.line != 0)
			not_for(K, p, &p->max_loc, "max");
	}
	switch (p->type) {
	case CEREMONY_PT_STRING:
		if (p->min_length_loc.line != 0 && p->min_length < 0)
			ERR(K, p->min_length_loc, "'min_length' may not be "
			    "negative %s", where);
		if (p->min_length_loc.line != 0 && p->max_length_loc.line != 0 &&
		    p->min_length > p->max_length)
			ERR(K, p->max_length_loc, "'max_length' (%lld) is less "
			    "than 'min_length' (%lld) %s", p->max_length,
			    p->min_length, where);
		if (p->pattern.s == NULL)
			break;
		if ((re = calloc(1, sizeof(*re))) == NULL) {
			K->oom = 1;
			return;
		}
		if ((rc = regcomp(re, p->pattern.s, REG_EXTENDED | REG_NOSUB))
		    != 0) {
			regerror(rc, re, rebuf, sizeof(rebuf));
			ERR(K, p->pattern.loc, "invalid pattern '%.*s' %s: %s",
			    NM(p->pattern.s), where, rebuf);
			free(re);
			break;
		}
		p->re = re;
		break;
	case CEREMONY_PT_CHOICE:
		if (p->choices.loc.line != 0 && p->from.s != NULL) {
			ERR(K, p->from.loc, "choice parameter '%.*s' has both "
			    "'choices' and 'from' (use one)", NM(p->name.s));
			break;
		}
		if (p->choices.loc.line == 0 && p->from.s == NULL) {
			ERR(K, p->loc, "choice parameter '%.*s' needs "
			    "'choices' or 'from'", NM(p->name.s));
			break;
		}
		if (p->from.s != NULL) {
			if ((p->table = ceremony_table_find(K->c, p->from.s)) ==
			    NULL)
				ERR(K, p->from.loc, "unknown table '%.*s' in "
				    "'from' %s", NM(p->from.s), where);
			break;
		}
		if (p->choices.n == 0) {
			ERR(K, p->choices.loc, "'choices' is empty %s", where);
			break;
		}
		if (kr_nidx_alloc(K->c->arena, &ix, p->choices.n) != 0) {
			K->oom = 1;
			return;
		}
		for (i = 0; i < p->choices.n; i++) {
			ix.v[ix.n].name = p->choices.v[i].s;
			ix.v[ix.n++].pos = i;
		}
		kr_nidx_sort(&ix);
		for (i = 1; i < ix.n; i++)
			if (strcmp(ix.v[i].name, ix.v[i - 1].name) == 0)
				ERR(K, p->choices.v[ix.v[i].pos].loc, "duplicate "
				    "choice '%.*s' %s", NM(ix.v[i].name), where);
		break;
	case CEREMONY_PT_INTEGER:
		if (p->min_loc.line != 0 && p->max_loc.line != 0 &&
		    p->min > p->max)
			ERR(K, p->max_loc, "'max' (%lld) is less than 'min' "
			    "(%lld) %s", p->max, p->min, where);
		break;
	default:
		break;
	}
	if (p->def.s != NULL && (p->type != CEREMONY_PT_CHOICE ||
	    p->table != NULL || p->choices.n != 0)) {
		kr_err_clear(&e);
		if ((p->type != CEREMONY_PT_STRING || p->pattern.s == NULL ||
		    p->re != NULL) && ceremony_param_check(p, p->def.s, &e) != 0)
			ERR(K, p->def.loc, "invalid default %s: %s", where,
			    e.msg);
	}
}

/* After every `from' is resolved: a prompt may use another's columns. */
static void
check_param_refs(struct checker *K, const struct ceremony_param *p)
{
	char where[128];

	if (p->name.s == NULL)
		return;
	snprintf(where, sizeof(where), "in parameter '%.80s'", p->name.s);
	check_refs(K, &p->prompt, where, KR_NIDX_NONE);
	check_refs(K, &p->help, where, KR_NIDX_NONE);
}

/* Tables and vars */

static void
check_table(struct checker *K, const struct ceremony_table *t)
{
	const struct kr_nidx *ix;
	size_t i;

	if (t->name.s == NULL)
		return;
	check_name(K, &t->name, N_PARAM, "table name");
	for (i = 0; i < t->ncolumns; i++)
		check_name(K, &t->columns[i], N_COLUMN, "column name");
	if (t->index == NULL)
		return;
	ix = &t->index->rows;
	for (i = 1; i < ix->n; i++)
		if (strcmp(ix->v[i].name, ix->v[i - 1].name) == 0)
			ERR(K, t->rows[ix->v[i].pos].cells[t->id_col].loc,
			    "duplicate id '%.*s' in table '%.*s' (first at "
			    "line %u)", NM(ix->v[i].name), NM(t->name.s),
			    t->rows[ix->v[i - 1].pos].cells[t->id_col].loc.line);
}

static void
check_var(struct checker *K, size_t i)
{
	const struct ceremony_var *v = &K->c->vars[i];
	char where[128];

	if (v->name.s == NULL)
		return;
	snprintf(where, sizeof(where), "in var '%.80s'", v->name.s);
	check_name(K, &v->name, N_PARAM, "var name");
	if (is_reserved(v->name.s))
		ERR(K, v->name.loc, "var name '%s' is reserved", v->name.s);
	if (ceremony_param_find(K->c, v->name.s) != NULL)
		ERR(K, v->name.loc, "var '%.*s' has the name of a parameter",
		    NM(v->name.s));
	check_refs(K, &v->tmpl, where, i);
}

/* Bounded expansion: each var and each step's templates, costed once
 * (ceremony_expand_cost), never expanded. */
static void
cost_report(struct checker *K, struct ceremony_cost *memo,
    const struct ceremony_str *str, const char *what)
{
	unsigned long long subst, bytes;

	if (str->s == NULL ||
	    !ceremony_expand_cost(K->c, str->s, memo, &subst, &bytes))
		return;
	if (subst > CEREMONY_EXPAND_SUBST)
		ERR(K, str->loc, "%s expands with more than %d substitutions "
		    "(the limit; see keyrite-ceremony(5), LIMITS)", what,
		    CEREMONY_EXPAND_SUBST);
	else
		ERR(K, str->loc, "%s expands to more than %d bytes (the limit; "
		    "see keyrite-ceremony(5), LIMITS)", what,
		    CEREMONY_EXPAND_MAX);
}

static void
check_expansion(struct checker *K)
{
	const struct ceremony *c = K->c;
	const struct ceremony_step *s;
	struct ceremony_cost *memo;
	char what[200];
	size_t i, j;

	if ((memo = calloc(c->nvars + 1, sizeof(*memo))) == NULL) {
		K->oom = 1;
		return;
	}
	for (i = 0; i < c->nvars; i++) {
		snprintf(what, sizeof(what), "var '%.80s'", c->vars[i].name.s ?
		    c->vars[i].name.s : "?");
		cost_report(K, memo, &c->vars[i].tmpl, what);
	}
	for (i = 0; i < c->nsteps; i++) {
		s = &c->steps[i];
		snprintf(what, sizeof(what), "a value in step '%.80s'",
		    s->id.s ? s->id.s : "?");
		cost_report(K, memo, &s->title, what);
		cost_report(K, memo, &s->instructions, what);
		cost_report(K, memo, &s->help, what);
		for (j = 0; j < s->nwith; j++) {
			const struct ceremony_value *w = &s->with[j];
			size_t k;

			if (!w->is_list)
				cost_report(K, memo, &w->scalar, what);
			else
				for (k = 0; k < w->list.n; k++)
					cost_report(K, memo, &w->list.v[k], what);
		}
	}
	free(memo);
}

/* Steps */

static void
check_step(struct checker *K, const struct ceremony_step *s)
{
	const struct ceremony *c = K->c;
	const struct ceremony_step *r;
	const struct ceremony_value *w;
	const struct ceremony_str *q;
	char where[128];
	const char *id = s->id.s != NULL ? s->id.s : "?";
	size_t i, j;

	if (s->id.s != NULL)
		snprintf(where, sizeof(where), "in step '%.80s'", s->id.s);
	else
		snprintf(where, sizeof(where), "in step %zu", s->index + 1);
	check_name(K, &s->id, N_ID, "step id");
	if (s->station.s != NULL &&
	    ceremony_station_find(c, s->station.s) == NULL)
		ERR(K, s->station.loc, "unknown station '%.*s' %s",
		    NM(s->station.s), where);
	for (i = 0; i < s->requires.n; i++) {
		q = &s->requires.v[i];
		if ((r = ceremony_step_find(c, q->s)) == NULL)
			ERR(K, q->loc, "step '%.*s' requires '%.*s', which does "
			    "not exist", NM(id), NM(q->s));
		else if (r->index == s->index)
			ERR(K, q->loc, "step '%.*s' requires itself", NM(id));
		else if (r->index > s->index)
			ERR(K, q->loc, "step '%.*s' requires '%.*s', which comes "
			    "later (line %u); 'requires' names earlier steps",
			    NM(id), NM(q->s), r->loc.line);
	}
	for (i = 0; i < s->signoff.n; i++)
		if (!ceremony_has_role(c, s->signoff.v[i].s))
			ERR(K, s->signoff.v[i].loc, "unknown role '%.*s' in "
			    "'signoff' of step '%.*s'", NM(s->signoff.v[i].s),
			    NM(id));
	if (s->type == &step_instruction && s->instructions.s == NULL)
		ERR(K, s->loc, "missing required key 'instructions' %s "
		    "(action 'instruction')", where);
	if (s->on_failure == CEREMONY_FAIL_CONTINUE && !s->optional)
		ERR(K, s->on_failure_loc, "'on_failure: continue' needs "
		    "'optional: true' %s", where);
	check_refs(K, &s->title, where, KR_NIDX_NONE);
	check_refs(K, &s->instructions, where, KR_NIDX_NONE);
	check_refs(K, &s->help, where, KR_NIDX_NONE);
	for (i = 0; i < s->nwith; i++) {
		w = &s->with[i];
		if (w->key.s == NULL)
			continue;
		if (!w->is_list)
			check_refs(K, &w->scalar, where, KR_NIDX_NONE);
		else
			for (j = 0; j < w->list.n; j++)
				check_refs(K, &w->list.v[j], where, KR_NIDX_NONE);
	}
	step_check_with(c, s, K->dl);
}

static void
check_scenario(struct checker *K, const struct ceremony_scenario *sc)
{
	const struct ceremony_fault *f;
	size_t i;

	check_name(K, &sc->name, N_ID, "scenario name");
	if (sc->expect_step.s != NULL &&
	    ceremony_step_find(K->c, sc->expect_step.s) == NULL)
		ERR(K, sc->expect_step.loc, "unknown step '%.*s' in 'expect' of "
		    "scenario '%.*s'", NM(sc->expect_step.s), NM(sc->name.s));
	for (i = 0; i < sc->nfaults; i++) {
		f = &sc->faults[i];
		if (f->step.s != NULL &&
		    ceremony_step_find(K->c, f->step.s) == NULL)
			ERR(K, f->step.loc, "unknown step '%.*s' in fault %zu of "
			    "scenario '%.*s'", NM(f->step.s), i + 1,
			    NM(sc->name.s));
	}
}

int
ceremony_check(struct ceremony *c, const char *buf, size_t len,
    struct diag_list *dl)
{
	struct checker K;
	size_t i, errors = dl->nerrors;
	const char *top = "in the ceremony title";

	K.c = c;
	K.buf = buf;
	K.len = len;
	K.dl = dl;
	K.oom = 0;

	check_name(&K, &c->id, N_ID, "ceremony id");
	check_refs(&K, &c->title, top, KR_NIDX_NONE);
	for (i = 0; i < c->nstations; i++)
		check_name(&K, &c->stations[i].name, N_STATION,
		    "station name");
	for (i = 0; i < c->roles.n; i++)
		check_name(&K, &c->roles.v[i], N_STATION, "role name");
	check_dups(&K, &c->index->roles, role_loc, "role");
	for (i = 0; i < c->ntables; i++)
		check_table(&K, &c->tables[i]);
	for (i = 0; i < c->nparams && !K.oom; i++)
		check_param(&K, &c->params[i]);
	for (i = 0; i < c->nparams; i++)
		check_param_refs(&K, &c->params[i]);
	for (i = 0; i < c->nvars; i++)
		check_var(&K, i);
	check_expansion(&K);
	check_dups(&K, &c->index->steps, step_loc, "step id");
	for (i = 0; i < c->nsteps; i++)
		check_step(&K, &c->steps[i]);
	step_paths_check(c, dl);
	for (i = 0; i < c->nscenarios; i++)
		check_scenario(&K, &c->scenarios[i]);
	(void)ceremony_check_when(c, dl);
	ceremony_check_engines(c, dl);
	if (K.oom)
		return KR_ENOMEM;
	return dl->nerrors == errors ? 0 : KR_EDATA;
}
