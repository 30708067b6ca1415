/* SPDX-License-Identifier: ISC */
/*
 * step-package-lint.c: the package step's wrapping-profile checks
 * (step-package-lint.h).  Values are what the file says: a literal, or
 * exactly one ${name} of a choice parameter, whose choices are each
 * checked where they are written, or one ${name.column} of a choice from
 * a table, whose column is checked cell by cell; anything else (a var, a free string)
 * is checked when the ceremony runs, by the engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "byok-profile.h"
#include "ceremony.h"
#include "diag.h"
#include "step.h"
#include "step-package-lint.h"

#define MAX_VALUES	16

/* One possible value of a `with:' key and where it is written. */
struct pval {
	const char	*s;
	unsigned	 line, col;
};

/* The cells of a column of a choice parameter's table (${param.col}),
 * empty cells and "-" left out. */
static size_t
table_values(const struct ceremony_table *t, const char *col,
    struct pval *out)
{
	size_t i, j, n = 0;

	if (t == NULL)
		return 0;
	for (j = 0; j < t->ncolumns; j++)
		if (t->columns[j].s != NULL && strcmp(t->columns[j].s, col) == 0)
			break;
	if (j == t->ncolumns)
		return 0;
	for (i = 0; i < t->nrows && n < MAX_VALUES; i++) {
		const struct ceremony_str *cell = &t->rows[i].cells[j];

		if (cell->s == NULL || cell->s[0] == '\0' ||
		    strcmp(cell->s, "-") == 0)
			continue;
		out[n].s = cell->s;
		out[n].line = cell->loc.line;
		out[n].col = cell->loc.col;
		n++;
	}
	return n;
}

/* The possible values of a scalar: itself, or a choice parameter's
 * choices; 0 when they cannot be known before the run. */
static size_t
values(const struct ceremony *c, const struct ceremony_str *v,
    struct pval *out)
{
	const struct ceremony_param *p;
	char name[128], *col;
	size_t n, i;

	if (v->s == NULL)
		return 0;
	if (strstr(v->s, "${") == NULL) {
		out[0].s = v->s;
		out[0].line = v->loc.line;
		out[0].col = v->loc.col;
		return 1;
	}
	n = strlen(v->s);
	if (n < 4 || n - 3 >= sizeof(name) || strncmp(v->s, "${", 2) != 0 ||
	    v->s[n - 1] != '}' || strchr(v->s + 2, '$') != NULL)
		return 0;
	memcpy(name, v->s + 2, n - 3);
	name[n - 3] = '\0';
	if ((col = strchr(name, '.')) != NULL)
		*col++ = '\0';
	if ((p = ceremony_param_find(c, name)) == NULL)
		return 0;
	if (col != NULL || p->table != NULL)
		return table_values(p->table, col != NULL ? col : "id", out);
	if (p->choices.n == 0 || p->choices.n > MAX_VALUES)
		return 0;
	for (i = 0; i < p->choices.n; i++) {
		out[i].s = p->choices.v[i].s;
		out[i].line = p->choices.v[i].loc.line;
		out[i].col = p->choices.v[i].loc.col;
	}
	return p->choices.n;
}

static const struct ceremony_value *
with_of(const struct ceremony_step *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nwith; i++)
		if (s->with[i].key.s != NULL && strcmp(s->with[i].key.s, key) ==
		    0 && !s->with[i].is_list)
			return &s->with[i];
	return NULL;
}

/* The wrapping-key sizes against every possible profile. */
static void
lint_kek_bits(const struct ceremony *c, const struct ceremony_step *s,
    const struct byok_profile *const *pr, size_t npr, struct diag_list *dl)
{
	const struct ceremony_value *v;
	struct pval bits[MAX_VALUES];
	char list[64];
	size_t nb, i, j;

	if ((v = with_of(s, "kek_bits")) == NULL)
		return;
	nb = values(c, &v->scalar, bits);
	for (i = 0; i < nb; i++)
		for (j = 0; j < npr; j++) {
			if (byok_kek_bit(atoi(bits[i].s)) & pr[j]->kek_sizes)
				continue;
			byok_kek_list(pr[j]->kek_sizes, list, sizeof(list));
			diag_add(dl, DIAG_ERROR, bits[i].line, bits[i].col,
			    "a wrapping key of %s bits is not allowed by "
			    "profile '%s' in step '%s' (%s issues RSA %s)",
			    bits[i].s, pr[j]->name, s->id.s, pr[j]->wire, list);
		}
}

/* The keys a generate-key step can make against every possible profile. */
static void
lint_keys(const struct ceremony *c, const struct ceremony_step *s,
    const struct ceremony_step *g, const struct byok_profile *const *pr,
    size_t npr, struct diag_list *dl)
{
	const struct ceremony_value *tv, *sv;
	struct pval types[MAX_VALUES], sizes[MAX_VALUES];
	const char *what;
	char name[32];
	size_t nt, ns, i, k, j;
	unsigned bit;
	int ec;

	if ((tv = with_of(g, "type")) == NULL ||
	    (nt = values(c, &tv->scalar, types)) == 0)
		return;
	for (i = 0; i < nt; i++) {
		ec = strcmp(types[i].s, "EC") == 0 || strcmp(types[i].s,
		    "ec") == 0;
		what = ec ? "curve" : "size";
		if ((sv = with_of(g, what)) == NULL &&
		    strcasecmp(types[i].s, "AES") == 0) {
			/* an AES key's size is 256 when not given */
			sizes[0].s = "256";
			sizes[0].line = types[i].line;
			sizes[0].col = types[i].col;
			ns = 1;
		} else if (sv == NULL ||
		    (ns = values(c, &sv->scalar, sizes)) == 0)
			continue;
		for (k = 0; k < ns; k++) {
			bit = byok_key_bit(types[i].s, ec ? 0 :
			    atoi(sizes[k].s), ec ? sizes[k].s : NULL);
			if (bit == 0)
				continue;	/* generate-key's own lint */
			for (j = 0; j < npr; j++) {
				if (bit & pr[j]->keys)
					continue;
				snprintf(name, sizeof(name), "%s",
				    byok_key_name(bit));
				diag_add(dl, DIAG_ERROR, sizes[k].line,
				    sizes[k].col, "%s does not take a key of "
				    "type %s (step '%s' makes it; profile '%s' "
				    "in step '%s')", pr[j]->service, name,
				    g->id.s, pr[j]->name, s->id.s);
			}
		}
	}
}

void
step_package_lint_profile(const struct ceremony *c,
    const struct ceremony_step *s, struct diag_list *dl)
{
	const struct byok_profile *pr[MAX_VALUES];
	const struct ceremony_value *v, *id, *gid;
	struct pval pv[MAX_VALUES];
	char list[400];
	size_t n, i, npr = 0;

	if ((v = with_of(s, "profile")) == NULL) {
		pr[npr++] = byok_profile_find("azure-byok");
	} else {
		n = values(c, &v->scalar, pv);
		for (i = 0; i < n; i++) {
			if ((pr[npr] = byok_profile_find(pv[i].s)) != NULL) {
				npr++;
				continue;
			}
			byok_profile_list(list, sizeof(list));
			diag_add(dl, DIAG_ERROR, pv[i].line, pv[i].col,
			    "unknown wrapping profile '%s' in step '%s' "
			    "(known: %s)", pv[i].s, s->id.s, list);
		}
	}
	if (npr == 0)
		return;
	lint_kek_bits(c, s, pr, npr, dl);
	id = with_of(s, "ident");
	for (i = 0; i < c->nsteps; i++) {
		if (c->steps[i].type != &step_generate_key)
			continue;
		gid = with_of(&c->steps[i], "ident");
		if (id != NULL && gid != NULL && id->scalar.s != NULL &&
		    gid->scalar.s != NULL &&
		    strcmp(id->scalar.s, gid->scalar.s) != 0)
			continue;
		lint_keys(c, s, &c->steps[i], pr, npr, dl);
	}
}

void
step_vault_import_lint_key_type(const struct ceremony *c,
    const struct ceremony_step *s, struct diag_list *dl)
{
	const struct byok_profile *p;
	const struct ceremony_value *v;
	struct pval pv[MAX_VALUES], kt[MAX_VALUES];
	char list[200];
	size_t np, nk, i, j;
	unsigned bit;

	if ((v = with_of(s, "profile")) == NULL ||
	    (np = values(c, &v->scalar, pv)) == 0 ||
	    (v = with_of(s, "key_type")) == NULL ||
	    (nk = values(c, &v->scalar, kt)) == 0)
		return;
	for (j = 0; j < nk; j++) {
		if ((bit = byok_key_bit_name(kt[j].s)) == 0) {
			byok_key_list(~0u, list, sizeof(list));
			diag_add(dl, DIAG_ERROR, kt[j].line, kt[j].col,
			    "unknown key type '%s' in step '%s' (known: %s)",
			    kt[j].s, s->id.s, list);
			continue;
		}
		for (i = 0; i < np; i++) {
			/* an unknown profile is the package step's error */
			if ((p = byok_profile_find(pv[i].s)) == NULL ||
			    (bit & p->keys) != 0)
				continue;
			diag_add(dl, DIAG_ERROR, kt[j].line, kt[j].col,
			    "%s does not take a key of type %s (the import in "
			    "step '%s', profile '%s')", p->service, kt[j].s,
			    s->id.s, p->name);
		}
	}
}
