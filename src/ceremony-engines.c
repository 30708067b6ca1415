/* SPDX-License-Identifier: ISC */
/*
 * ceremony-engines.c: which security-module engines a ceremony runs on.
 *
 * At the top level `engines:' lists the engines the ceremony was written
 * for ("soft", the built-in software module; "pkcs11", a token named with
 * --token); absent, the ceremony runs on the software module only, so a
 * ceremony has to say that it was made for a token.  `engines_note:' says
 * why it does not run on the others: the runner refuses such a run with
 * that reason.  A step may carry `engines:' too, a subset of the
 * ceremony's: on another engine the runner records it as not applicable
 * (a token has no modes to set, its keys are not files to back up), and
 * a step that requires it is not blocked by it, as with `when:'.
 *
 * The names mirror engine_by_name() (src/engine.c); the model does not
 * include the engine headers (HACKING.md, layers).
 */
#include <stdio.h>
#include <string.h>

#include "ceremony.h"
#include "ceremony-int.h"
#include "ceremony-yaml-int.h"
#include "diag.h"
#include "step.h"
#include "yaml-tree.h"

static const char *const known[] = { "soft", "pkcs11", NULL };

void
cy_build_engines(struct loader *L, const struct ynode *v, const char *where,
    struct ceremony_list *out)
{
	if (cy_get_list(L, v, "engines", where, out) != 0)
		return;
	if (out->n == 0)
		ERR(L, v->loc, "'engines' is empty %s (name soft, pkcs11 or "
		    "both)", where);
}

static int
listed(const struct ceremony_list *l, const char *engine)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].s != NULL && strcmp(l->v[i].s, engine) == 0)
			return 1;
	return 0;
}

int
ceremony_runs_on(const struct ceremony *c, const char *engine)
{
	if (engine == NULL)
		engine = CEREMONY_ENGINE_DEFAULT;
	if (c->engines.n == 0)
		return strcmp(engine, CEREMONY_ENGINE_DEFAULT) == 0;
	return listed(&c->engines, engine);
}

int
ceremony_step_runs_on(const struct ceremony_step *s, const char *engine)
{
	if (engine == NULL)
		engine = CEREMONY_ENGINE_DEFAULT;
	return s->engines.n == 0 || listed(&s->engines, engine);
}

void
ceremony_engines_text(const struct ceremony *c, const struct ceremony_list *l,
    char *buf, size_t bufsz)
{
	size_t i, used = 0;

	if (l == NULL)
		l = &c->engines;
	if (bufsz == 0)
		return;
	buf[0] = '\0';
	if (l->n == 0) {
		snprintf(buf, bufsz, "%s", CEREMONY_ENGINE_DEFAULT);
		return;
	}
	for (i = 0; i < l->n && used < bufsz; i++)
		used += (size_t)snprintf(buf + used, bufsz - used, "%s%s",
		    i == 0 ? "" : i + 1 == l->n ? " and " : ", ", l->v[i].s);
}

/* Each name known and given once; in a step, one of the ceremony's. */
static void
check_list(const struct ceremony *c, const struct ceremony_list *l,
    const char *where, struct diag_list *dl)
{
	char all[64];
	size_t i, j, k;

	for (i = 0; i < l->n; i++) {
		const struct ceremony_str *e = &l->v[i];

		for (k = 0; known[k] != NULL; k++)
			if (strcmp(e->s, known[k]) == 0)
				break;
		if (known[k] == NULL) {
			diag_add(dl, DIAG_ERROR, e->loc.line, e->loc.col,
			    "unknown engine '%.80s' in 'engines' %s (known: "
			    "soft, pkcs11)", e->s, where);
			continue;
		}
		for (j = 0; j < i; j++)
			if (strcmp(l->v[j].s, e->s) == 0)
				diag_add(dl, DIAG_ERROR, e->loc.line,
				    e->loc.col, "engine '%s' is listed twice "
				    "in 'engines' %s", e->s, where);
		if (l != &c->engines && !ceremony_runs_on(c, e->s)) {
			ceremony_engines_text(c, NULL, all, sizeof(all));
			diag_add(dl, DIAG_ERROR, e->loc.line, e->loc.col,
			    "engine '%s' in 'engines' %s is not one the "
			    "ceremony runs on (%s)", e->s, where, all);
		}
	}
}

void
ceremony_check_engines(const struct ceremony *c, struct diag_list *dl)
{
	const struct ceremony_step *s;
	char where[128];
	size_t i;

	check_list(c, &c->engines, "at the top level", dl);
	if (c->engines.loc.line != 0 && c->engines.n > 0 &&
	    !ceremony_runs_on(c, "pkcs11") && c->engines_note.s == NULL)
		diag_add(dl, DIAG_WARNING, c->engines.loc.line,
		    c->engines.loc.col, "'engines' leaves out pkcs11 without "
		    "saying why: add 'engines_note' (shown when a run on a "
		    "token is refused)");
	for (i = 0; i < c->nsteps; i++) {
		s = &c->steps[i];
		if (s->engines.loc.line == 0)
			continue;
		snprintf(where, sizeof(where), "in step '%.80s'",
		    s->id.s != NULL ? s->id.s : "?");
		check_list(c, &s->engines, where, dl);
		if (s->type == &step_seal_log)
			diag_add(dl, DIAG_ERROR, s->engines.loc.line,
			    s->engines.loc.col, "a seal-log step runs on "
			    "every engine: remove 'engines' %s", where);
	}
}
