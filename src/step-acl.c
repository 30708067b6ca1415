/* SPDX-License-Identifier: ISC */
/*
 * step-acl.c: what `keyrite lint' can see of the module's ACL model
 * (keyrite-acl(7)) in a ceremony file, before anything runs.
 *
 * A package step exports a key; the key's ACL must allow that export, and
 * the ACL comes from an earlier step of the same file: generate-key with a
 * kek_file (format byok) or reduce-acl (format legacy).  Keys are matched
 * by the text of their `ident' as written; when a value holds ${...} the
 * check can only warn, and a key it cannot match at all is left to the
 * engine, which refuses at run time whatever lint saw.
 */
#include <stddef.h>
#include <string.h>

#include "ceremony.h"
#include "ceremony-int.h"
#include "diag.h"
#include "step.h"

static const char *
raw(const struct ceremony_step *s, const char *key)
{
	const struct ceremony_value *v = step_value(s, key);

	return v != NULL && !v->is_list ? v->scalar.s : NULL;
}

static int
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static int
is_literal(const char *s)
{
	return s != NULL && strstr(s, "${") == NULL;
}

/* Reports a and b naming different things: an error when both are
 * literal, a warning when one holds ${...}. */
static void
differ(struct diag_list *dl, const struct ceremony_step *s, const char *key,
    const char *a, const char *b, const struct ceremony_step *src)
{
	const struct ceremony_value *v = step_value(s, key);
	int lit = is_literal(a) && is_literal(b);

	if (same(a, b) || v == NULL)
		return;
	diag_add(dl, lit ? DIAG_ERROR : DIAG_WARNING, v->scalar.loc.line,
	    v->scalar.loc.col, "%s '%s' in step '%s' is %s the KEK step '%s' "
	    "put in the key's ACL ('%s'): the module refuses the export",
	    key, a, s->id.s, lit ? "not" : "perhaps not", src->id.s,
	    b != NULL ? b : "");
}

static void
check_byok(const struct ceremony *c, const struct ceremony_step *s,
    const char *ident, struct diag_list *dl)
{
	const struct ceremony_value *v = step_value(s, "ident");
	const struct ceremony_step *g;
	size_t i;

	for (i = 0; i < c->nsteps; i++) {
		g = &c->steps[i];
		if (g->type != &step_generate_key || !same(raw(g, "ident"), ident))
			continue;
		if (raw(g, "kek_file") == NULL) {
			diag_add(dl, DIAG_ERROR, v->scalar.loc.line,
			    v->scalar.loc.col, "step '%s' exports key '%s' as a "
			    ".byok, but step '%s' generates it with no kek_file: "
			    "its ACL allows no export (keyrite-acl(7))", s->id.s,
			    ident, g->id.s);
			continue;
		}
		differ(dl, s, "kek_file", raw(s, "kek_file"), raw(g, "kek_file"),
		    g);
	}
}

static void
check_legacy(const struct ceremony *c, const struct ceremony_step *s,
    const char *ident, struct diag_list *dl)
{
	const struct ceremony_value *v = step_value(s, "ident");
	const struct ceremony_step *g, *red = NULL, *gen = NULL;
	size_t i;

	for (i = 0; i < c->nsteps; i++) {
		g = &c->steps[i];
		if (!same(raw(g, "ident"), ident))
			continue;
		if (g->type == &step_generate_key && gen == NULL)
			gen = g;
		if (g->type == &step_reduce_acl && g->index < s->index)
			red = g;
	}
	if (red == NULL) {
		if (gen != NULL)
			diag_add(dl, DIAG_ERROR, v->scalar.loc.line,
			    v->scalar.loc.col, "step '%s' exports key '%s' in the "
			    "legacy format, but no earlier reduce-acl step gives "
			    "it that ACL (keyrite-acl(7))", s->id.s, ident);
		return;
	}
	differ(dl, s, "kek_package", raw(s, "kek_package"),
	    raw(red, "kek_package"), red);
	differ(dl, s, "world_package", raw(s, "world_package"),
	    raw(red, "world_package"), red);
}

void
step_acl_check(const struct ceremony *c, const struct ceremony_step *s,
    struct diag_list *dl)
{
	const char *format = step_literal(s, "format");
	const char *ident = raw(s, "ident");

	if (format == NULL || ident == NULL)
		return;
	if (strcmp(format, "byok") == 0)
		check_byok(c, s, ident, dl);
	else if (strcmp(format, "legacy") == 0)
		check_legacy(c, s, ident, dl);
}
