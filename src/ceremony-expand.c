/* SPDX-License-Identifier: ISC */
/*
 * ceremony-expand.c: the ${...} template language: the tokenizer the
 * checker and the step types share, and the expander that replaces each
 * reference with a variable, a ceremony field or a caller's value.
 *
 * Expansion is bounded: at most CEREMONY_EXPAND_SUBST substitutions and
 * CEREMONY_EXPAND_MAX bytes per template, so nested vars cannot make it
 * take days.  ceremony_expand_cost() predicts both without expanding
 * (each var's cost once, memoized), so lint reports a file that exceeds
 * them in time linear in its size, whatever its nesting.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony.h"
#include "ceremony-int.h"
#include "err.h"

static int
ref_char(int ch)
{
	return isalnum(ch) || ch == '_' || ch == '-' || ch == '.';
}

enum tmpl_tok
ceremony_tmpl_next(struct tmpl_state *ts, const char **text, size_t *len,
    const char **err)
{
	const char *s = ts->s + ts->i, *close;
	size_t j;

	ts->tok_off = ts->i;
	if (*s == '\0')
		return TMPL_END;
	if (s[0] == '$' && s[1] == '$') {
		*text = s;
		*len = 1;
		ts->i += 2;
		return TMPL_TEXT;
	}
	if (s[0] == '$' && s[1] == '{') {
		if ((close = strchr(s + 2, '}')) == NULL) {
			*err = "unterminated '${'";
			return TMPL_ERROR;
		}
		*text = s + 2;
		*len = (size_t)(close - (s + 2));
		if (*len == 0) {
			*err = "empty reference '${}'";
			return TMPL_ERROR;
		}
		for (j = 0; j < *len; j++)
			if (!ref_char((unsigned char)s[2 + j])) {
				*err = "bad character in a reference (a literal "
				    "'$' is written '$$')";
				return TMPL_ERROR;
			}
		ts->i += *len + 3;
		return TMPL_REF;
	}
	*text = s;
	for (j = 1; s[j] != '\0' && s[j] != '$'; j++)
		;
	*len = j;
	ts->i += j;
	return TMPL_TEXT;
}

int
ceremony_tmpl_is_single_ref(const char *s)
{
	struct tmpl_state ts = { s, 0, 0 };
	const char *t, *err;
	size_t len;

	if (s == NULL || ceremony_tmpl_next(&ts, &t, &len, &err) != TMPL_REF)
		return 0;
	return ceremony_tmpl_next(&ts, &t, &len, &err) == TMPL_END;
}

int
ceremony_tmpl_has_ref(const char *s)
{
	struct tmpl_state ts = { s, 0, 0 };
	const char *t, *err;
	size_t len;
	enum tmpl_tok k;

	if (s == NULL)
		return 0;
	while ((k = ceremony_tmpl_next(&ts, &t, &len, &err)) != TMPL_END)
		if (k != TMPL_TEXT)
			return 1;
	return 0;
}

struct xbuf {
	char	*p;
	size_t	 len, cap;
	size_t	 nsubst;	/* substitutions so far */
};

static int
xbuf_add(struct xbuf *b, const char *s, size_t n, struct kr_err *e)
{
	char *np;
	size_t ncap;

	if (n > CEREMONY_EXPAND_MAX || b->len + n > CEREMONY_EXPAND_MAX)
		return kr_errf(e, KR_EDATA, "expansion longer than %d bytes",
		    CEREMONY_EXPAND_MAX);
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap == 0 ? 64 : b->cap;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL)
			return kr_errf(e, KR_ENOMEM, "out of memory");
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int
expand(const struct ceremony *c, const char *tmpl,
    int (*lookup)(void *, const char *, const char **), void *arg,
    struct xbuf *b, int depth, struct kr_err *e)
{
	struct tmpl_state ts = { tmpl, 0, 0 };
	const struct ceremony_var *var;
	const char *t, *err, *val;
	char name[256];
	size_t len;
	int r;

	if (depth > CEREMONY_MAX_DEPTH)
		return kr_errf(e, KR_EDATA, "references nested too deeply");
	for (;;) {
		switch (ceremony_tmpl_next(&ts, &t, &len, &err)) {
		case TMPL_END:
			return 0;
		case TMPL_ERROR:
			return kr_errf(e, KR_EDATA, "%s", err);
		case TMPL_TEXT:
			if ((r = xbuf_add(b, t, len, e)) != 0)
				return r;
			continue;
		case TMPL_REF:
			break;
		}
		if (len >= sizeof(name))
			return kr_errf(e, KR_EDATA, "reference too long");
		if (++b->nsubst > CEREMONY_EXPAND_SUBST)
			return kr_errf(e, KR_EDATA, "expansion needs more than %d "
			    "substitutions", CEREMONY_EXPAND_SUBST);
		memcpy(name, t, len);
		name[len] = '\0';
		val = NULL;
		if (c != NULL && strcmp(name, "ceremony.id") == 0)
			val = c->id.s;
		else if (c != NULL && strcmp(name, "ceremony.title") == 0)
			val = c->title.s;
		else if ((var = ceremony_var_find(c, name)) != NULL) {
			if ((r = expand(c, var->tmpl.s != NULL ? var->tmpl.s :
			    "", lookup, arg, b, depth + 1, e)) != 0)
				return r;
			continue;
		} else if (lookup == NULL || lookup(arg, name, &val) != 0)
			val = NULL;
		if (val == NULL)
			return kr_errf(e, KR_EDATA, "undefined reference "
			    "'${%s}'", name);
		if ((r = xbuf_add(b, val, strlen(val), e)) != 0)
			return r;
	}
}

int
ceremony_expand(const struct ceremony *c, const char *tmpl,
    int (*lookup)(void *arg, const char *name, const char **value),
    void *arg, char **out, struct kr_err *e)
{
	struct xbuf b = { NULL, 0, 0, 0 };
	int r;

	if (tmpl == NULL)
		return kr_errf(e, KR_EUSAGE, "no template");
	if ((r = xbuf_add(&b, "", 0, e)) != 0 ||
	    (r = expand(c, tmpl, lookup, arg, &b, 0, e)) != 0) {
		free(b.p);
		return r;
	}
	*out = b.p;
	return 0;
}

/* Where a parameter is first used */

struct use_probe {
	const char	*param;
	size_t		 plen;
	int		 hit;
};

static int
use_lookup(void *arg, const char *name, const char **value)
{
	struct use_probe *u = arg;

	if (strncmp(name, u->param, u->plen) == 0 &&
	    (name[u->plen] == '\0' || name[u->plen] == '.'))
		u->hit = 1;
	*value = "";
	return 0;
}

static int
uses(const struct ceremony *c, const char *tmpl, struct use_probe *u)
{
	char *s;
	struct kr_err e;

	if (tmpl == NULL || u->hit)
		return u->hit;
	if (ceremony_expand(c, tmpl, use_lookup, u, &s, &e) == 0)
		free(s);
	return u->hit;
}

/* 1 when step s uses parameter param: in its `when', or through a
 * reference in its title, instructions, help or `with:' (directly, as
 * param.column, or through a var). */
static int
ceremony_step_uses(const struct ceremony *c, const struct ceremony_step *s,
    const char *param)
{
	struct use_probe u = { param, strlen(param), 0 };
	size_t i, j;

	for (i = 0; i < s->nwhen; i++)
		if (s->when[i].param.s != NULL &&
		    strcmp(s->when[i].param.s, param) == 0)
			return 1;
	if (uses(c, s->title.s, &u) || uses(c, s->instructions.s, &u) ||
	    uses(c, s->help.s, &u))
		return 1;
	for (i = 0; i < s->nwith; i++) {
		if (!s->with[i].is_list) {
			if (uses(c, s->with[i].scalar.s, &u))
				return 1;
			continue;
		}
		for (j = 0; j < s->with[i].list.n; j++)
			if (uses(c, s->with[i].list.v[j].s, &u))
				return 1;
	}
	return 0;
}

size_t
ceremony_param_first_step(const struct ceremony *c, const char *param)
{
	size_t i;

	for (i = 0; i < c->nsteps; i++)
		if (ceremony_step_uses(c, &c->steps[i], param))
			return i;
	return KR_NIDX_NONE;
}

void
ceremony_placeholder(const struct ceremony *c, const char *param,
    size_t cur, char *buf, size_t bufsz)
{
	size_t i = ceremony_param_first_step(c, param);

	if (i == KR_NIDX_NONE)
		snprintf(buf, bufsz, "<%s, not asked>", param);
	else if (i == cur)
		snprintf(buf, bufsz, "<%s, asked at this step>", param);
	else
		snprintf(buf, bufsz, "<%s, asked at step %zu>", param, i + 1);
}

/* Saturating at limit + 1: enough to say "over". */
static unsigned long long
sat_add(unsigned long long a, unsigned long long b, unsigned long long limit)
{
	return a + b > limit ? limit + 1 : a + b;
}

static void
cost_of(const struct ceremony *c, const char *tmpl,
    struct ceremony_cost *memo, unsigned long long *subst,
    unsigned long long *bytes)
{
	struct tmpl_state ts = { tmpl, 0, 0 };
	const struct ceremony_var *var;
	const char *t, *err;
	char name[256];
	size_t len, i;
	enum tmpl_tok k;

	*subst = 0;
	*bytes = 0;
	if (tmpl == NULL)
		return;
	while ((k = ceremony_tmpl_next(&ts, &t, &len, &err)) != TMPL_END) {
		if (k == TMPL_ERROR)
			return;		/* the checker reports it */
		if (k == TMPL_TEXT) {
			*bytes = sat_add(*bytes, len, CEREMONY_EXPAND_MAX);
			continue;
		}
		*subst = sat_add(*subst, 1, CEREMONY_EXPAND_SUBST);
		if (len >= sizeof(name))
			continue;
		memcpy(name, t, len);
		name[len] = '\0';
		if ((var = ceremony_var_find(c, name)) == NULL)
			continue;	/* a value: counted when it is known */
		i = (size_t)(var - c->vars);
		if (memo[i].state == 1) {	/* a cycle: the checker reports it */
			continue;
		}
		if (memo[i].state == 0) {
			memo[i].state = 1;
			cost_of(c, var->tmpl.s, memo, &memo[i].subst,
			    &memo[i].bytes);
			memo[i].state = 2;
		}
		*subst = sat_add(*subst, memo[i].subst, CEREMONY_EXPAND_SUBST);
		*bytes = sat_add(*bytes, memo[i].bytes, CEREMONY_EXPAND_MAX);
	}
}

int
ceremony_expand_cost(const struct ceremony *c, const char *tmpl,
    struct ceremony_cost *memo, unsigned long long *subst,
    unsigned long long *bytes)
{
	cost_of(c, tmpl, memo, subst, bytes);
	return *subst > CEREMONY_EXPAND_SUBST || *bytes > CEREMONY_EXPAND_MAX;
}
