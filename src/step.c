/* SPDX-License-Identifier: ISC */
/*
 * step.c: the table of step types, the lookup, and the generic check of a
 * step's `with:' mapping against its type's key table.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ceremony.h"
#include "ceremony-int.h"
#include "diag.h"
#include "err.h"
#include "step.h"

const struct step_type *const step_types[] = {
	&step_instruction,
	&step_verify_file_hash,
	&step_check_offline,
	&step_set_mode,
	&step_new_world,
	&step_backup,
	&step_verify_packages,
	&step_import_kek,
	&step_generate_key,
	&step_reduce_acl,
	&step_package,
	&step_carry_artifact,
	&step_show_command,
	&step_vault_import,
	&step_seal_log,
	&step_seal_bag,
	&step_open_bag,
};
const size_t step_ntypes = sizeof(step_types) / sizeof(step_types[0]);

const struct step_type *
step_type_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < step_ntypes; i++)
		if (strcmp(step_types[i]->name, name) == 0)
			return step_types[i];
	return NULL;
}

const struct step_key *
step_key_find(const struct step_type *t, const char *name)
{
	const struct step_key *k;

	if (t == NULL || name == NULL)
		return NULL;
	for (k = t->keys; k != NULL && k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

const struct ceremony_value *
step_value(const struct ceremony_step *s, const char *key)
{
	return ceremony_step_with(s, key);
}

const char *
step_literal(const struct ceremony_step *s, const char *key)
{
	const struct ceremony_value *v = ceremony_step_with(s, key);

	if (v == NULL || v->is_list || v->scalar.s == NULL ||
	    ceremony_tmpl_has_ref(v->scalar.s))
		return NULL;
	return v->scalar.s;
}

/* "a, b, c" into buf, truncated with "..." */
static void
join(char *buf, size_t sz, const char *const *v, const struct step_key *keys)
{
	size_t len = 0;
	const char *s;
	int n;

	buf[0] = '\0';
	for (;;) {
		if (v != NULL) {
			if ((s = *v++) == NULL)
				break;
		} else {
			if ((s = (keys++)->name) == NULL)
				break;
		}
		n = snprintf(buf + len, sz - len, "%s%s", len ? ", " : "", s);
		if (n < 0 || (size_t)n >= sz - len) {
			if (sz > 4)
				memcpy(buf + sz - 4, "...", 4);
			return;
		}
		len += (size_t)n;
	}
}

static int
hex_digits(const char *s, size_t *n)
{
	*n = 0;
	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (!isxdigit((unsigned char)*s))
			return -1;
		(*n)++;
	}
	return 0;
}

static void
check_scalar(const struct ceremony *c, const struct ceremony_step *s,
    const struct step_key *k, const struct ceremony_str *v,
    struct diag_list *dl)
{
	const unsigned l = v->loc.line, col = v->loc.col;
	const char *id = s->id.s != NULL ? s->id.s : "?";
	struct kr_err e;
	long long n;
	size_t nhex;
	char list[256];
	const char *const *ev;

	if (v->s == NULL) {
		diag_add(dl, DIAG_ERROR, l, col, "expected a value for '%s' in "
		    "step '%s'", k->name, id);
		return;
	}
	if (k->kind == STEP_STRING)
		return;
	if (ceremony_tmpl_has_ref(v->s)) {
		switch (k->kind) {
		case STEP_HASH:
		case STEP_STATION:
		case STEP_BOOL:
			return;		/* the runner checks the expansion */
		default:
			break;
		}
		if (!ceremony_tmpl_is_single_ref(v->s))
			diag_add(dl, DIAG_ERROR, l, col, "expected %s or a "
			    "single ${...} reference for '%s' in step '%s'",
			    k->kind == STEP_INTEGER ? "an integer" :
			    k->kind == STEP_QUORUM ? "a quorum K/N" :
			    k->kind == STEP_SHA256 ? "a SHA-256" : "a value",
			    k->name, id);
		return;
	}
	switch (k->kind) {
	case STEP_STRING:
	case STEP_LIST:
		break;
	case STEP_BOOL:
		if (strcmp(v->s, "true") != 0 && strcmp(v->s, "false") != 0)
			diag_add(dl, DIAG_ERROR, l, col, "expected true or false "
			    "for '%s' in step '%s'", k->name, id);
		break;
	case STEP_INTEGER:
		if (ceremony_parse_int(v->s, &n) != 0)
			diag_add(dl, DIAG_ERROR, l, col, "expected an integer "
			    "for '%s' in step '%s'", k->name, id);
		else if (k->min < k->max && (n < k->min || n > k->max))
			diag_add(dl, DIAG_ERROR, l, col, "'%s' in step '%s' must "
			    "be between %lld and %lld (not %lld)", k->name, id,
			    k->min, k->max, n);
		break;
	case STEP_ENUM:
		for (ev = k->values; ev != NULL && *ev != NULL; ev++)
			if (strcmp(*ev, v->s) == 0)
				return;
		join(list, sizeof(list), k->values, NULL);
		diag_add(dl, DIAG_ERROR, l, col, "invalid value '%.80s' for '%s' "
		    "in step '%s' (expected one of: %s)", v->s, k->name, id,
		    list);
		break;
	case STEP_QUORUM:
		kr_err_clear(&e);
		if (ceremony_quorum_parse(v->s, NULL, NULL, &e) != 0)
			diag_add(dl, DIAG_ERROR, l, col, "%s ('%s' in step '%s')",
			    e.msg, k->name, id);
		break;
	case STEP_SHA256:
		if (hex_digits(v->s, &nhex) != 0 || nhex != 64)
			diag_add(dl, DIAG_ERROR, l, col, "'%s' in step '%s' is "
			    "not a SHA-256 (64 hex digits)", k->name, id);
		break;
	case STEP_HASH:
		if (hex_digits(v->s, &nhex) != 0 || (nhex != 40 && nhex != 64))
			diag_add(dl, DIAG_ERROR, l, col, "'%s' in step '%s' is "
			    "not a hash (40 or 64 hex digits)", k->name, id);
		break;
	case STEP_STATION:
		if (ceremony_station_find(c, v->s) == NULL)
			diag_add(dl, DIAG_ERROR, l, col, "unknown station "
			    "'%.80s' for '%s' in step '%s'", v->s, k->name, id);
		break;
	}
}

void
step_check_with(const struct ceremony *c, const struct ceremony_step *s,
    struct diag_list *dl)
{
	const struct step_type *t = s->type;
	const struct step_key *k;
	const struct ceremony_value *v;
	const char *id = s->id.s != NULL ? s->id.s : "?";
	char list[256];
	size_t i, j;

	if (t == NULL)
		return;
	for (i = 0; i < s->nwith; i++) {
		v = &s->with[i];
		if (v->key.s == NULL)
			continue;
		if ((k = step_key_find(t, v->key.s)) == NULL) {
			if (t->keys == NULL || t->keys[0].name == NULL)
				diag_add(dl, DIAG_ERROR, v->key.loc.line,
				    v->key.loc.col, "unknown key '%.80s' in "
				    "'with' of step '%s' (action '%s' takes no "
				    "keys)", v->key.s, id, t->name);
			else {
				join(list, sizeof(list), NULL, t->keys);
				diag_add(dl, DIAG_ERROR, v->key.loc.line,
				    v->key.loc.col, "unknown key '%.80s' in "
				    "'with' of step '%s' (action '%s' takes: "
				    "%s)", v->key.s, id, t->name, list);
			}
			continue;
		}
		if (k->kind == STEP_LIST) {
			if (!v->is_list) {
				diag_add(dl, DIAG_ERROR, v->scalar.loc.line,
				    v->scalar.loc.col, "expected a list for "
				    "'%s' in step '%s'", k->name, id);
				continue;
			}
			for (j = 0; j < v->list.n; j++)
				if (v->list.v[j].s == NULL)
					diag_add(dl, DIAG_ERROR,
					    v->list.v[j].loc.line,
					    v->list.v[j].loc.col, "expected a "
					    "string in '%s' of step '%s'",
					    k->name, id);
			continue;
		}
		if (v->is_list) {
			diag_add(dl, DIAG_ERROR, v->list.loc.line,
			    v->list.loc.col, "expected a single value, not a "
			    "list, for '%s' in step '%s'", k->name, id);
			continue;
		}
		check_scalar(c, s, k, &v->scalar, dl);
	}
	for (k = t->keys; k != NULL && k->name != NULL; k++) {
		if (!k->required || ceremony_step_with(s, k->name) != NULL)
			continue;
		if (s->with_loc.line != 0)
			diag_add(dl, DIAG_ERROR, s->with_loc.line,
			    s->with_loc.col, "missing required key '%s' in "
			    "'with' of step '%s' (action '%s')", k->name, id,
			    t->name);
		else
			diag_add(dl, DIAG_ERROR, s->loc.line, s->loc.col,
			    "step '%s' needs 'with' (action '%s' requires "
			    "'%s')", id, t->name, k->name);
	}
	if (t->validate != NULL)
		t->validate(c, s, dl);
}
