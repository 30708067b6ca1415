/* SPDX-License-Identifier: ISC */
/*
 * answers.c: the answers file parser (answers.h).  The YAML goes through
 * the shared tree stage (yaml-tree.c: no aliases, no tags beyond the core
 * ones, no duplicate keys, bounded depth); this file walks the tree into
 * struct answers and collects every error with its line and column.
 *
 * Invariants: every string of a loaded struct answers lives in its arena;
 * PINs live only in secure memory, and the arena copy of a PIN's text is
 * wiped as soon as it has been copied.  No message quotes a PIN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "arena.h"
#include "ceremony.h"
#include "ceremony-int.h"
#include "diag.h"
#include "err.h"
#include "secmem.h"
#include "yaml-tree.h"

struct aloader {
	struct answers		*a;
	struct diag_list	*dl;
	int			 allow_pins;
	int			 oom;
};

#define ERR(L, loc, ...) \
	diag_add((L)->dl, DIAG_ERROR, (loc).line, (loc).col, __VA_ARGS__)
#define NM(s)	80, (s)

/* Any non-null scalar as text. */
static const char *
scalar(struct aloader *L, const struct ynode *v, const char *what)
{
	if (v->kind != Y_SCALAR || v->null) {
		ERR(L, v->loc, "expected a single value for %s", what);
		return NULL;
	}
	return v->s;
}

static void
build_names(struct aloader *L, const struct ynode *v, const char *key,
    const char ***out, size_t *n)
{
	const struct ynode *it;
	char what[64];

	if (v->kind != Y_SEQ) {
		ERR(L, v->loc, "expected a list of names for '%s'", key);
		return;
	}
	if ((*out = kr_arena_array(L->a->arena, v->n + 1, sizeof(**out))) ==
	    NULL) {
		L->oom = 1;
		return;
	}
	snprintf(what, sizeof(what), "an entry of '%s'", key);
	for (it = v->first; it != NULL; it = it->next)
		if (scalar(L, it, what) != NULL)
			(*out)[(*n)++] = it->s;
}

/* A mapping of NAME: VALUE (values any scalar). */
static void
build_map(struct aloader *L, const struct ynode *v, const char *key,
    const char *of, struct answers_kv **out, size_t *n)
{
	const struct ynode *k, *val;
	char what[160];

	if (v->kind != Y_MAP) {
		ERR(L, v->loc, "expected a mapping for '%s' (%s)", key, of);
		return;
	}
	if ((*out = kr_arena_array(L->a->arena, ynode_pairs(v) + 1,
	    sizeof(**out))) == NULL) {
		L->oom = 1;
		return;
	}
	YNODE_FOREACH_PAIR(k, val, v) {
		snprintf(what, sizeof(what), "'%.80s' in '%s'", k->s, key);
		if (scalar(L, val, what) == NULL)
			continue;
		(*out)[*n].key = k->s;
		(*out)[*n].value = val->s;
		(*out)[*n].loc = k->loc;
		(*out)[*n].value_loc = val->loc;
		(*n)++;
	}
}

static int
parse_small_int(const struct ynode *v, int lo, int hi, int *out)
{
	long long n;

	if (v->kind != Y_SCALAR || v->null || (!v->plain && v->tag != YT_INT) ||
	    (v->tag != YT_NONE && v->tag != YT_INT) ||
	    ceremony_parse_int(v->s, &n) != 0 || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

static void
build_cards(struct aloader *L, const struct ynode *v)
{
	struct answers *a = L->a;
	const struct ynode *it;
	size_t i, pos = 0;
	int card;

	if (v->kind != Y_SEQ) {
		ERR(L, v->loc, "expected a list of card numbers for 'cards'");
		return;
	}
	for (it = v->first; it != NULL; it = it->next) {
		pos++;
		if (parse_small_int(it, 1, CEREMONY_QUORUM_MAX, &card) != 0) {
			ERR(L, it->loc, "entry %zu of 'cards': expected a card "
			    "number between 1 and %d", pos, CEREMONY_QUORUM_MAX);
			continue;
		}
		for (i = 0; i < a->ncards; i++)
			if (a->cards[i] == card)
				break;
		if (i < a->ncards) {
			ERR(L, it->loc, "card %d is listed twice in 'cards'",
			    card);
			continue;
		}
		if (a->ncards < CEREMONY_QUORUM_MAX)
			a->cards[a->ncards++] = card;
	}
	if (a->ncards == 0 && pos == 0)
		ERR(L, v->loc, "'cards' is empty");
}

/* The text of a PIN scalar is wiped from the arena once copied. */
static void
wipe_scalar(const struct ynode *v)
{
	if (v->kind == Y_SCALAR && v->s != NULL)
		kr_cleanse((char *)(uintptr_t)v->s, strlen(v->s));
}

static void
build_pins(struct aloader *L, const struct ynode *k, const struct ynode *v)
{
	struct answers *a = L->a;
	struct answers_pin *p;
	const struct ynode *it;
	size_t pos = 0, len;

	a->pins_loc = k->loc;
	if (!L->allow_pins) {
		ERR(L, k->loc, "'pins' is allowed only in the answers file of "
		    "a rehearsal (keyrite rehearse); give PINs on --pin-fd");
		for (it = v->kind == Y_SCALAR ? v : v->first; it != NULL;
		    it = v->kind == Y_SCALAR ? NULL : it->next)
			wipe_scalar(it);
		return;
	}
	if (v->kind != Y_SEQ) {
		ERR(L, v->loc, "expected a list of PINs for 'pins' (pins[i] "
		    "is the PIN of card i+1)");
		wipe_scalar(v);
		return;
	}
	for (it = v->first; it != NULL; it = it->next) {
		pos++;
		if (it->kind != Y_SCALAR || it->null ||
		    (len = strlen(it->s)) == 0) {
			ERR(L, it->loc, "PIN %zu: expected a non-empty value",
			    pos);
			continue;
		}
		if (len > ANSWERS_PIN_MAX) {
			ERR(L, it->loc, "PIN %zu: longer than %d bytes", pos,
			    ANSWERS_PIN_MAX);
			wipe_scalar(it);
			continue;
		}
		if (a->npins >= ANSWERS_MAX_PINS) {
			ERR(L, it->loc, "more than %d PINs", ANSWERS_MAX_PINS);
			wipe_scalar(it);
			continue;
		}
		p = &a->pins[a->npins];
		if ((p->pin = kr_secure_malloc(ANSWERS_PIN_MAX)) == NULL) {
			wipe_scalar(it);
			L->oom = 1;
			return;
		}
		memcpy(p->pin, it->s, len);
		p->len = len;
		a->npins++;
		wipe_scalar(it);
	}
}

static void
build(struct aloader *L, const struct ynode *root)
{
	struct answers *a = L->a;
	const struct ynode *k, *v;
	int b;

	YNODE_FOREACH_PAIR(k, v, root) {
		if (L->oom)
			return;
		if (strcmp(k->s, "operator") == 0)
			a->operator_name = scalar(L, v, "'operator' (a name)");
		else if (strcmp(k->s, "witnesses") == 0)
			build_names(L, v, "witnesses", &a->witnesses,
			    &a->nwitnesses);
		else if (strcmp(k->s, "signoff") == 0)
			build_map(L, v, "signoff", "ROLE: NAME", &a->signoff,
			    &a->nsignoff);
		else if (strcmp(k->s, "parameters") == 0)
			build_map(L, v, "parameters", "NAME: VALUE",
			    &a->params, &a->nparams);
		else if (strcmp(k->s, "confirm") == 0) {
			if (v->kind == Y_MAP)
				build_map(L, v, "confirm", "STEP: TEXT",
				    &a->confirm, &a->nconfirm);
			else if (v->kind == Y_SCALAR && (v->plain ||
			    v->tag == YT_BOOL) && (v->tag == YT_NONE ||
			    v->tag == YT_BOOL) && ((b = strcmp(v->s, "true") ==
			    0) || strcmp(v->s, "false") == 0))
				a->confirm_all = b;
			else
				ERR(L, v->loc, "expected true, false or a "
				    "mapping STEP: TEXT for 'confirm'");
		} else if (strcmp(k->s, "skip") == 0) {
			const char **ids = NULL;
			size_t n = 0, i;
			const struct ynode *it;

			build_names(L, v, "skip", &ids, &n);
			if (n == 0 || ids == NULL)
				continue;
			if ((a->skip = kr_arena_array(a->arena, n,
			    sizeof(*a->skip))) == NULL) {
				L->oom = 1;
				return;
			}
			for (it = v->first, i = 0; it != NULL && i < n;
			    it = it->next)
				if (it->kind == Y_SCALAR && !it->null) {
					a->skip[i].key = it->s;
					a->skip[i].loc = it->loc;
					i++;
				}
			a->nskip = i;
		} else if (strcmp(k->s, "exceptions") == 0)
			build_map(L, v, "exceptions", "STEP: REASON",
			    &a->exceptions, &a->nexceptions);
		else if (strcmp(k->s, "notes") == 0)
			build_map(L, v, "notes", "STEP: TEXT", &a->notes,
			    &a->nnotes);
		else if (strcmp(k->s, "cards") == 0)
			build_cards(L, v);
		else if (strcmp(k->s, "pins") == 0)
			build_pins(L, k, v);
		else
			ERR(L, k->loc, "unknown key '%.*s' in the answers file "
			    "(expected operator, witnesses, signoff, "
			    "parameters, confirm, skip, exceptions, notes, "
			    "cards or pins)", NM(k->s));
	}
	if (ynode_get(root, "operator") == NULL)
		ERR(L, root->loc, "missing required key 'operator' in the "
		    "answers file");
}

/* Wipes every scalar of the tree that sits under `pins' (after an early
 * stop, build_pins may not have run). */
static void
wipe_pins(const struct ynode *root)
{
	const struct ynode *v, *it;

	if (root == NULL || root->kind != Y_MAP ||
	    (v = ynode_get(root, "pins")) == NULL)
		return;
	if (v->kind == Y_SCALAR)
		wipe_scalar(v);
	else
		for (it = v->first; it != NULL; it = it->next)
			wipe_scalar(it);
}

int
answers_load_buffer(const char *name, const char *buf, size_t len,
    int allow_pins, struct answers **out, struct diag_list *dl)
{
	struct aloader L;
	struct kr_arena *arena, *nodes = NULL;
	struct answers *a;
	struct ynode *root = NULL;
	size_t errors = dl->nerrors;
	int r;

	if (len > ANSWERS_MAX_SIZE) {
		diag_add(dl, DIAG_ERROR, 0, 0, "too large (%zu bytes, limit %d)",
		    len, ANSWERS_MAX_SIZE);
		return KR_EDATA;
	}
	if ((arena = kr_arena_new()) == NULL)
		return KR_ENOMEM;
	if ((a = kr_arena_alloc(arena, sizeof(*a))) == NULL) {
		kr_arena_free(arena);
		return KR_ENOMEM;
	}
	a->arena = arena;
	memset(&L, 0, sizeof(L));
	L.a = a;
	L.dl = dl;
	L.allow_pins = allow_pins;
	if (name == NULL)
		name = "-";
	if ((a->file = kr_arena_strndup(arena, name, strlen(name))) == NULL ||
	    (nodes = kr_arena_new()) == NULL) {
		L.oom = 1;
		goto out;
	}
	r = ynode_parse(buf, len, nodes, arena, dl, &root);
	if (r == KR_ENOMEM) {
		L.oom = 1;
		goto out;
	}
	if (r != 0)
		goto out;
	if (root == NULL || (root->kind == Y_SCALAR && root->null)) {
		diag_add(dl, DIAG_ERROR, 1, 1, "empty document (expected an "
		    "answers file: a mapping with at least 'operator')");
		goto out;
	}
	if (root->kind != Y_MAP) {
		ERR(&L, root->loc, "the top level of an answers file must be "
		    "a mapping");
		goto out;
	}
	build(&L, root);
out:
	wipe_pins(root);
	kr_arena_free(nodes);
	diag_sort(dl);
	if (L.oom)
		r = KR_ENOMEM;
	else if (dl->nerrors != errors)
		r = KR_EDATA;
	else
		r = 0;
	if (r != 0) {
		answers_free(a);
		return r;
	}
	*out = a;
	return 0;
}

void
answers_free(struct answers *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->npins; i++)
		kr_secure_free(a->pins[i].pin, ANSWERS_PIN_MAX);
	kr_arena_free(a->arena);	/* a lives in its own arena */
}

static const char *
kv_find(const struct answers_kv *v, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return v[i].value;
	return NULL;
}

const char *
answers_param(const struct answers *a, const char *name)
{
	return kv_find(a->params, a->nparams, name);
}

const char *
answers_confirm(const struct answers *a, const char *step)
{
	return kv_find(a->confirm, a->nconfirm, step);
}

const char *
answers_exception(const struct answers *a, const char *step)
{
	return kv_find(a->exceptions, a->nexceptions, step);
}

const char *
answers_note(const struct answers *a, const char *step)
{
	return kv_find(a->notes, a->nnotes, step);
}

const char *
answers_signoff(const struct answers *a, const char *role)
{
	const char *s;

	if ((s = kv_find(a->signoff, a->nsignoff, role)) != NULL)
		return s;
	if (strcmp(role, "witness") == 0 && a->nwitnesses > 0)
		return a->witnesses[0];
	if (strcmp(role, "operator") == 0)
		return a->operator_name;
	return NULL;
}

int
answers_skips(const struct answers *a, const char *step)
{
	size_t i;

	for (i = 0; i < a->nskip; i++)
		if (strcmp(a->skip[i].key, step) == 0)
			return 1;
	return 0;
}

static void
check_steps(const struct answers *a, const struct ceremony *c,
    const struct answers_kv *v, size_t n, const char *key,
    struct diag_list *dl)
{
	const struct ceremony_step *s;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((s = ceremony_step_find(c, v[i].key)) == NULL)
			diag_add(dl, DIAG_ERROR, v[i].loc.line, v[i].loc.col,
			    "'%s' names step '%.80s', which ceremony '%s' does "
			    "not have", key, v[i].key, c->id.s);
		else if (v == a->skip && !s->optional)
			diag_add(dl, DIAG_ERROR, v[i].loc.line, v[i].loc.col,
			    "step '%.80s' is not optional and cannot be "
			    "skipped", v[i].key);
	}
}

int
answers_check(const struct answers *a, const struct ceremony *c,
    struct diag_list *dl)
{
	size_t errors = dl->nerrors, i;

	for (i = 0; i < a->nparams; i++)
		if (ceremony_param_find(c, a->params[i].key) == NULL)
			diag_add(dl, DIAG_ERROR, a->params[i].loc.line,
			    a->params[i].loc.col, "unknown parameter '%.80s' "
			    "(ceremony '%s' has no such parameter)",
			    a->params[i].key, c->id.s);
	for (i = 0; i < a->nsignoff; i++)
		if (!ceremony_has_role(c, a->signoff[i].key))
			diag_add(dl, DIAG_ERROR, a->signoff[i].loc.line,
			    a->signoff[i].loc.col, "unknown role '%.80s' in "
			    "'signoff'", a->signoff[i].key);
	check_steps(a, c, a->confirm, a->nconfirm, "confirm", dl);
	check_steps(a, c, a->skip, a->nskip, "skip", dl);
	check_steps(a, c, a->exceptions, a->nexceptions, "exceptions", dl);
	check_steps(a, c, a->notes, a->nnotes, "notes", dl);
	diag_sort(dl);
	return dl->nerrors == errors ? 0 : KR_EDATA;
}
