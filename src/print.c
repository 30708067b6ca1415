/* SPDX-License-Identifier: ISC */
/*
 * print.c: the printable runbook (print.h): the head (title, stations,
 * roles, parameters), one block per step, and the minutes page.  The
 * layout helpers (the buffer, wrapping, boxes) are in print-text.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony.h"
#include "codec.h"
#include "err.h"
#include "print.h"
#include "print-int.h"
#include "step.h"

/* Values: --set, else the default, else a placeholder (print-int.h). */

static int
set_values(struct printer *P, struct kr_err *e)
{
	const struct ceremony_param *p;
	const char *eq;
	char name[128];
	size_t i, n;
	int rc;

	for (i = 0; i < P->c->nparams; i++)
		P->values[i] = P->c->params[i].def.s;
	for (i = 0; i < P->o->nset; i++) {
		if ((eq = strchr(P->o->set[i], '=')) == NULL)
			return kr_errf(e, KR_EDATA, "--set '%.80s': expected "
			    "NAME=VALUE", P->o->set[i]);
		n = (size_t)(eq - P->o->set[i]);
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, P->o->set[i], n);
		name[n] = '\0';
		if ((p = ceremony_param_find(P->c, name)) == NULL)
			return kr_errf(e, KR_EDATA, "--set: ceremony '%s' has "
			    "no parameter '%.80s'", P->c->id.s, name);
		if ((rc = ceremony_param_check(p, eq + 1, e)) != 0)
			return kr_err_prefix(e, "--set %s", name);
		P->values[p - P->c->params] = eq + 1;
		P->given[p - P->c->params] = 1;
	}
	return 0;
}

static const char *
value_of(void *arg, const char *name)
{
	struct printer *P = arg;
	const struct ceremony_param *p = ceremony_param_find(P->c, name);

	return p == NULL ? NULL : P->values[p - P->c->params];
}

static int
lookup(void *arg, const char *name, const char **value)
{
	struct printer *P = arg;
	const struct ceremony_param *p;
	const struct ceremony_row *row;
	const char *v, *dot = strchr(name, '.');
	char pname[128];
	size_t n = dot != NULL ? (size_t)(dot - name) : strlen(name);

	if (strcmp(name, "out_dir") == 0 || strcmp(name, "state_dir") == 0 ||
	    strcmp(name, "media_dir") == 0) {
		snprintf(P->scratch, sizeof(P->scratch), "<%s>", name);
		*value = P->scratch;
		return 0;
	}
	if (n >= sizeof(pname) || (memcpy(pname, name, n), pname[n] = '\0',
	    (p = ceremony_param_find(P->c, pname)) == NULL))
		return -1;
	v = P->values[p - P->c->params];
	if (v != NULL && dot != NULL)
		v = p->table != NULL && (row = ceremony_row_find(p->table,
		    v)) != NULL ? ceremony_row_cell(p->table, row, dot + 1) :
		    NULL;
	if (v != NULL && ceremony_hash_grouped(v, P->scratch,
	    sizeof(P->scratch)))
		v = P->scratch;
	if (v == NULL) {
		ceremony_placeholder(P->c, pname, P->cur, P->scratch,
		    sizeof(P->scratch));
		if (dot != NULL)	/* "<region.display_name, asked ...>" */
			snprintf(P->scratch, sizeof(P->scratch), "<%s, asked "
			    "at step %zu>", name,
			    ceremony_param_first_step(P->c, pname) + 1);
		v = P->scratch;
	}
	*value = v;
	return 0;
}

char *
print_expand(struct printer *P, const char *tmpl)
{
	struct kr_err e;
	char *s = NULL;

	if (tmpl == NULL)
		return NULL;
	if (ceremony_expand(P->c, tmpl, lookup, P, &s, &e) != 0)
		s = strdup("<cannot be expanded>");
	if (s == NULL)
		P->b.oom = 1;
	return s;
}

/* Engines: which one a step assumes (ceremony-engines.c) */

static const char *
engine_words(const char *name)
{
	return strcmp(name, "pkcs11") == 0 ? "a PKCS#11 token (pkcs11, run "
	    "--token)" : strcmp(name, "soft") == 0 ? "the software module "
	    "(soft)" : name;
}

/* What a step of these types does differently on a token. */
static const char *
on_token(const char *type)
{
	static const char *const t[][2] = {
		{ "new-world", "it initialises the token (or adopts it, with "
		    "adopt: true) and the cards hold the token's PINs" },
		{ "generate-key", "the key is made on the token, and the SO "
		    "makes the KEK on it under the same quorum" },
		{ "package", "the token wraps the key after its packaging "
		    "check, then makes it non-extractable" },
		{ "backup", "the world's backup is the token's world record "
		    "(no PIN); a key stays on the token" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(type, t[i][0]) == 0)
			return t[i][1];
	return NULL;
}

static int
multi_engine(const struct ceremony *c)
{
	return ceremony_runs_on(c, "soft") && ceremony_runs_on(c, "pkcs11");
}

static void
engines_head(struct printer *P)
{
	const struct ceremony *c = P->c;
	size_t n;

	if (!multi_engine(c)) {
		n = c->engines_note.s != NULL ? strlen(c->engines_note.s) : 0;
		print_line(P, 0, "Engine: %s only%s%s%s", engine_words(
		    ceremony_runs_on(c, "pkcs11") ? "pkcs11" : "soft"),
		    n > 0 ? ": " : "", n > 0 ? c->engines_note.s : "",
		    n > 0 && c->engines_note.s[n - 1] == '.' ? "" : ".");
		return;
	}
	print_line(P, 0, "Engines: %s or %s. A step marked Engine runs on one "
	    "of them only, or works differently on a token.",
	    engine_words("soft"), engine_words("pkcs11"));
}

/* The step's Engine field, in a ceremony for both engines. */
static void
engine_mark(struct printer *P, const struct ceremony_step *s)
{
	char on[64];
	const char *how;

	if (!multi_engine(P->c))
		return;
	if (!ceremony_step_runs_on(s, "soft") ||
	    !ceremony_step_runs_on(s, "pkcs11")) {
		ceremony_engines_text(P->c, &s->engines, on, sizeof(on));
		print_field(P, "Engine", "%s only; on %s the log records it as "
		    "not applicable", engine_words(on), ceremony_step_runs_on(s,
		    "soft") ? "a token" : "the software module");
		return;
	}
	if (s->type != NULL && (how = on_token(s->type->name)) != NULL)
		print_field(P, "Engine", "on a token, %s", how);
}

/* The head */

static void
head(struct printer *P)
{
	const struct ceremony *c = P->c;
	const struct ceremony_param *p;
	char v[256];
	size_t i;

	print_title(P, c->title.s);
	print_line(P, 0, "Ceremony %s, version %s, %zu steps. Printed by "
	    "keyrite %s.", c->id.s, c->version.s, c->nsteps, PACKAGE_VERSION);
	engines_head(P);
	if (P->o->sha256 != NULL) {
		kr_hex_group(P->o->sha256, 8, 0, v, sizeof(v));
		print_line(P, 0, "SHA-256 of the runbook file (the log records "
		    "it):");
		print_line(P, 2, "%s", v);
	}
	print_blank(P);
	print_text(P, 0, c->description.s);
	print_heading(P, "Stations");
	for (i = 0; i < c->nstations; i++)
		print_item(P, c->stations[i].name.s,
		    c->stations[i].description.s);
	print_heading(P, "Roles");
	for (i = 0; i < c->roles.n; i++)
		print_item(P, c->roles.v[i].s, i == 0 ? "runs the steps" :
		    NULL);
	print_heading(P, "Parameters");
	for (i = 0; i < c->nparams; i++) {
		p = &c->params[i];
		if (P->values[i] == NULL)
			ceremony_placeholder(c, p->name.s, P->cur, v,
			    sizeof(v));
		else
			snprintf(v, sizeof(v), "%s%s", P->values[i],
			    P->given[i] ? "" : " (default)");
		print_item(P, p->name.s, v);
	}
	P->cur = (size_t)-1;
}

/* A step */

/* The values a witness compares: hashes in groups of eight. */
static void
read_aloud(struct printer *P, const struct ceremony_step *s)
{
	const struct step_key *k;
	char *v, g[256];
	size_t i;

	for (i = 0; i < s->nwith; i++) {
		k = step_key_find(s->type, s->with[i].key.s);
		if (k == NULL || s->with[i].is_list ||
		    (k->kind != STEP_SHA256 && k->kind != STEP_HASH))
			continue;
		if ((v = print_expand(P, s->with[i].scalar.s)) == NULL)
			continue;
		if (v[0] != '<')
			print_group(v, g, sizeof(g));
		else
			snprintf(g, sizeof(g), "%s", v);
		if (P->md)
			print_field(P, "Read aloud", g[0] == '<' ? "%s: %s" :
			    "%s: `%s`", s->with[i].key.s, g);
		else {
			print_field(P, "Read aloud", "%s", s->with[i].key.s);
			print_line(P, 4, "%s", g);
		}
		free(v);
	}
}

static void
with_lines(struct printer *P, const struct ceremony_step *s)
{
	const struct ceremony_value *v;
	char *x;
	size_t i;

	if ((v = ceremony_step_with(s, "checklist")) != NULL && v->is_list)
		for (i = 0; i < v->list.n; i++) {
			x = print_expand(P, v->list.v[i].s);
			print_check(P, x);
			free(x);
		}
	if ((v = ceremony_step_with(s, "command")) != NULL && !v->is_list) {
		x = print_expand(P, v->scalar.s);
		print_command(P, step_literal(s, "shell"), x);
		free(x);
	}
	if ((v = ceremony_step_with(s, "note")) != NULL && !v->is_list) {
		x = print_expand(P, v->scalar.s);
		print_field(P, "Note", "%s", x != NULL ? x : "");
		free(x);
	}
	read_aloud(P, s);
}

static void
step_block(struct printer *P, const struct ceremony_step *s)
{
	char why[512], *t;
	size_t i;
	int chosen;

	P->cur = s->index;
	chosen = ceremony_step_chosen(s, value_of, P, NULL, why, sizeof(why));
	t = print_expand(P, s->title.s);
	print_step_head(P, s->index + 1, P->c->nsteps, s->id.s, s->station.s,
	    t);
	free(t);
	if (chosen == 0) {
		print_field(P, "Not chosen", "%s. Skip this step.", why);
		return;
	}
	if (s->nwhen > 0) {
		ceremony_when_text(s, why, sizeof(why));
		print_field(P, "Alternative", "only when %s", why);
	}
	engine_mark(P, s);
	if (s->requires.n > 0) {
		why[0] = '\0';
		for (i = 0; i < s->requires.n; i++)
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
			    "%s%s", i ? ", " : "", s->requires.v[i].s);
		print_field(P, "After", "%s", why);
	}
	if (s->optional)
		print_field(P, "Optional", "may be skipped; the log says so");
	t = print_expand(P, s->instructions.s);
	print_text(P, 2, t);
	free(t);
	with_lines(P, s);
	if (s->help.s != NULL) {
		t = print_expand(P, s->help.s);
		print_field(P, "Help", "%s", "");
		print_text(P, 4, t);
		free(t);
	}
	if (s->checkpoint)
		print_field(P, "Checkpoint", "K custodians present their cards "
		    "to cosign the log");
	print_boxes(P, s);
}

/* The minutes page */

static void
minutes(struct printer *P)
{
	const struct ceremony_step *s;
	const struct ceremony_value *v;
	char *x, *seen[64];
	size_t i, j, nseen = 0;

	print_page(P, "Minutes");
	print_text(P, 0, "Write each value as keyrite shows it, in groups of "
	    "eight. The auditor compares them with the log (keyrite audit "
	    "verify).");
	print_blank_field(P, "Date and room", 0);
	print_blank_field(P, "Operator", 0);
	print_blank_field(P, "Witnesses", 0);
	print_blank_field(P, "Genesis fingerprint", 1);
	print_blank_field(P, "World id", 1);
	for (i = 0; i < P->c->nsteps; i++) {
		s = &P->c->steps[i];
		if (s->type == &step_new_world)
			print_cards(P, s);
		if (ceremony_step_chosen(s, value_of, P, NULL, NULL, 0) == 0)
			continue;
		if ((v = ceremony_step_with(s, "artifact")) == NULL &&
		    (v = ceremony_step_with(s, "output")) == NULL)
			continue;
		P->cur = i;
		if ((x = print_expand(P, v->scalar.s)) == NULL)
			continue;
		for (j = 0; j < nseen && strcmp(seen[j], x) != 0; j++)
			;
		if (j < nseen || nseen == sizeof(seen) / sizeof(seen[0])) {
			free(x);
			continue;
		}
		seen[nseen++] = x;
		snprintf(P->scratch, sizeof(P->scratch), "SHA-256 of %s", x);
		print_blank_field(P, P->scratch, 1);
	}
	for (j = 0; j < nseen; j++)
		free(seen[j]);
	print_blank_field(P, "Seal size", 0);
	print_blank_field(P, "Seal root", 1);
	print_blank_field(P, "Log file SHA-256", 1);
	print_blank_field(P, "Exceptions", 0);
	print_signatures(P);
}

int
print_runbook(const struct ceremony *c, const struct print_opts *o,
    char **out, struct kr_err *e)
{
	struct printer P;
	size_t i, n = c->nparams ? c->nparams : 1;
	int rc = 0;

	memset(&P, 0, sizeof(P));
	P.c = c;
	P.o = o;
	P.md = o->format == PRINT_MARKDOWN;
	P.cur = (size_t)-1;
	P.values = calloc(n, sizeof(*P.values));
	P.given = calloc(n, 1);
	if (P.values == NULL || P.given == NULL) {
		rc = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = set_values(&P, e)) != 0)
		goto out;
	head(&P);
	for (i = 0; i < c->nsteps; i++)
		step_block(&P, &c->steps[i]);
	minutes(&P);
	if (P.b.oom || P.b.p == NULL) {
		rc = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	*out = P.b.p;
	P.b.p = NULL;
out:
	free(P.b.p);
	free(P.values);
	free(P.given);
	return rc;
}
