/* SPDX-License-Identifier: ISC */
/*
 * ceremony-yaml.c: the libyaml loader.  A buffer goes in; a ceremony model
 * and a list of diagnostics come out.  No I/O.
 *
 * Two stages.  parse() turns libyaml's events into a small node tree
 * (yaml-tree.c, shared with the answers file), refusing what the schema
 * forbids at the YAML level: aliases and anchors, more than one document,
 * nesting deeper than CEREMONY_MAX_DEPTH, tags other than the core
 * str/int/bool (and map/seq), non-scalar and duplicate mapping keys, NUL
 * characters.  A YAML syntax or encoding error stops it (there is
 * nothing sensible to build after one).  build_*() then walk the tree into
 * the model, checking shapes and types and collecting every error:
 * unknown keys, missing required keys, a string where a mapping belongs.
 * The `scenarios:' section is built in ceremony-scenario.c, with the
 * helpers shared through ceremony-yaml-int.h.  The semantic checks
 * (references, ids, order) are ceremony-check.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ceremony.h"
#include "ceremony-int.h"
#include "ceremony-yaml-int.h"
#include "diag.h"
#include "err.h"
#include "step.h"
#include "yaml-tree.h"

/* Stage 1: events to nodes (yaml-tree.c) */

/* Returns the root node, or NULL after an error (diagnostics added). */
static struct ynode *
parse(struct loader *L)
{
	struct ynode *root;
	int r;

	r = ynode_parse(L->buf, L->len, L->tmp, L->c->arena, L->dl, &root);
	if (r == KR_ENOMEM)
		L->oom = 1;
	if (r != 0)
		return NULL;
	if (root == NULL || (root->kind == Y_SCALAR && root->null)) {
		diag_add(L->dl, DIAG_ERROR, 1, 1, "empty document (expected a "
		    "ceremony: a mapping with keyrite, id, title and steps)");
		return NULL;
	}
	if (root->kind != Y_MAP) {
		ERR(L, root->loc, "the top level must be a mapping");
		return NULL;
	}
	return root;
}

/* Stage 2: nodes to the model, with the typed getters of
 * ceremony-yaml-get.c. */

/* Stations */

static void
build_stations(struct loader *L, const struct ynode *m)
{
	struct ceremony *c = L->c;
	const struct ynode *k, *v;
	struct ceremony_station *st;

	if (cy_want_map(L, m, "stations", "at the top level") != 0)
		return;
	if ((c->stations = kr_arena_array(c->arena, map_pairs(m),
	    sizeof(*c->stations))) == NULL) {
		L->oom = 1;
		return;
	}
	FOREACH_PAIR(k, v, m) {
		st = &c->stations[c->nstations++];
		cy_set_str(&st->name, k);
		(void)cy_get_str(L, v, k->s, "in 'stations' (a description)",
		    &st->description);
	}
	if (c->nstations == 0)
		ERR(L, m->loc, "'stations' is empty");
}

/* Parameters */

static const char *const ptype_names[] = {
	"string", "choice", "uuid", "integer", "quorum", "path", "url", "bag",
	NULL
};

static void
build_param(struct loader *L, const struct ynode *k, const struct ynode *m,
    struct ceremony_param *p)
{
	const struct ynode *kk, *v;
	char where[128];
	size_t i;

	cy_set_str(&p->name, k);
	p->loc = m->loc;
	snprintf(where, sizeof(where), "in parameter '%.80s'", k->s);
	if (cy_want_map(L, m, k->s, "in 'parameters'") != 0) {
		p->name.s = NULL;
		return;
	}
	p->type = CEREMONY_PT_STRING;
	FOREACH_PAIR(kk, v, m) {
		if (strcmp(kk->s, "type") == 0) {
			if (cy_get_str(L, v, "type", where, &p->type_name) != 0)
				continue;
			for (i = 0; ptype_names[i] != NULL; i++)
				if (strcmp(ptype_names[i], v->s) == 0)
					break;
			if (ptype_names[i] == NULL) {
				ERR(L, v->loc, "unknown type '%.*s' %s "
				    "(expected string, choice, uuid, integer, "
				    "quorum, path, url or bag)", NM(v->s),
				    where);
				p->type_name.s = NULL;
			} else
				p->type = (enum ceremony_ptype)i;
		} else if (strcmp(kk->s, "prompt") == 0)
			(void)cy_get_str(L, v, "prompt", where, &p->prompt);
		else if (strcmp(kk->s, "help") == 0)
			(void)cy_get_str(L, v, "help", where, &p->help);
		else if (strcmp(kk->s, "default") == 0)
			(void)cy_get_scalar(L, v, "default", where, &p->def);
		else if (strcmp(kk->s, "pattern") == 0)
			(void)cy_get_str(L, v, "pattern", where, &p->pattern);
		else if (strcmp(kk->s, "min_length") == 0) {
			if (cy_get_int(L, v, "min_length", where,
			    &p->min_length) == 0)
				p->min_length_loc = kk->loc;
		} else if (strcmp(kk->s, "max_length") == 0) {
			if (cy_get_int(L, v, "max_length", where,
			    &p->max_length) == 0)
				p->max_length_loc = kk->loc;
		} else if (strcmp(kk->s, "choices") == 0)
			(void)cy_get_list(L, v, "choices", where, &p->choices);
		else if (strcmp(kk->s, "from") == 0)
			(void)cy_get_str(L, v, "from", where, &p->from);
		else if (strcmp(kk->s, "min") == 0) {
			if (cy_get_int(L, v, "min", where, &p->min) == 0)
				p->min_loc = kk->loc;
		} else if (strcmp(kk->s, "max") == 0) {
			if (cy_get_int(L, v, "max", where, &p->max) == 0)
				p->max_loc = kk->loc;
		} else if (strcmp(kk->s, "secret") == 0)
			ERR(L, kk->loc, "'secret' is not allowed %s: secrets "
			    "(PINs) are never parameters", where);
		else
			cy_unknown_key(L, kk, where);
	}
	if (map_get(m, "type") == NULL)
		cy_missing(L, m, "type", where);
}

static void
build_params(struct loader *L, const struct ynode *m)
{
	struct ceremony *c = L->c;
	const struct ynode *k, *v;

	if (cy_want_map(L, m, "parameters", "at the top level") != 0)
		return;
	if ((c->params = kr_arena_array(c->arena, map_pairs(m),
	    sizeof(*c->params))) == NULL) {
		L->oom = 1;
		return;
	}
	FOREACH_PAIR(k, v, m)
		build_param(L, k, v, &c->params[c->nparams++]);
}

/* Tables */

static void
build_table(struct loader *L, const struct ynode *k, const struct ynode *seq,
    struct ceremony_table *t)
{
	struct kr_arena *a = L->c->arena;
	const struct ynode *row, *ck, *cv;
	struct ceremony_row *r;
	struct kr_nidx cols;
	char where[200];
	size_t i, n, pos;

	cy_set_str(&t->name, k);
	t->loc = seq->loc;
	if (seq->kind != Y_SEQ) {
		ERR(L, seq->loc, "expected a list of rows for table '%.*s'",
		    NM(k->s));
		return;
	}
	if (seq->n == 0) {
		ERR(L, seq->loc, "table '%.*s' has no rows", NM(k->s));
		return;
	}
	row = seq->first;
	if (row->kind != Y_MAP) {
		ERR(L, row->loc, "expected a mapping for row 1 of table '%.*s'",
		    NM(k->s));
		return;
	}
	/* the first row's keys are the columns */
	t->columns = kr_arena_array(a, map_pairs(row), sizeof(*t->columns));
	t->rows = kr_arena_array(a, seq->n, sizeof(*t->rows));
	if (t->columns == NULL || t->rows == NULL ||
	    kr_nidx_alloc(a, &cols, map_pairs(row)) != 0) {
		L->oom = 1;
		return;
	}
	t->id_col = KR_NIDX_NONE;
	FOREACH_PAIR(ck, cv, row) {
		if (strcmp(ck->s, "id") == 0)
			t->id_col = t->ncolumns;
		cols.v[cols.n].name = ck->s;
		cols.v[cols.n++].pos = t->ncolumns;
		cy_set_str(&t->columns[t->ncolumns++], ck);
	}
	kr_nidx_sort(&cols);
	if (t->id_col == KR_NIDX_NONE) {
		ERR(L, row->loc, "row 1 of table '%.*s' has no 'id'", NM(k->s));
		t->id_col = 0;
	}
	for (row = seq->first, n = 1; row != NULL; row = row->next, n++) {
		if (row->kind != Y_MAP) {
			ERR(L, row->loc, "expected a mapping for row %zu of "
			    "table '%.*s'", n, NM(k->s));
			continue;
		}
		r = &t->rows[t->nrows++];
		r->loc = row->loc;
		if ((r->cells = kr_arena_array(a, t->ncolumns,
		    sizeof(*r->cells))) == NULL) {
			L->oom = 1;
			return;
		}
		cv = map_get(row, "id");
		if (cv != NULL && cv->kind == Y_SCALAR)
			snprintf(where, sizeof(where), "row '%.40s' of table "
			    "'%.80s'", cv->s, k->s);
		else
			snprintf(where, sizeof(where), "row %zu of table "
			    "'%.80s'", n, k->s);
		FOREACH_PAIR(ck, cv, row) {
			if ((pos = kr_nidx_find(&cols, ck->s)) == KR_NIDX_NONE) {
				ERR(L, ck->loc, "%s has an extra column '%.*s' "
				    "(not in the first row)", where, NM(ck->s));
				continue;
			}
			r->cells[pos].loc = cv->loc;	/* present */
			if (cv->kind != Y_SCALAR || cv->null) {
				ERR(L, cv->loc, "expected a single value for "
				    "'%.*s' in %s", NM(ck->s), where);
				continue;
			}
			cy_set_str(&r->cells[pos], cv);
		}
		for (i = 0; i < t->ncolumns; i++)
			if (r->cells[i].loc.line == 0)
				ERR(L, row->loc, "%s lacks column '%.*s'",
				    where, NM(t->columns[i].s));
	}
}

static void
build_tables(struct loader *L, const struct ynode *m)
{
	struct ceremony *c = L->c;
	const struct ynode *k, *v;

	if (cy_want_map(L, m, "tables", "at the top level") != 0)
		return;
	if ((c->tables = kr_arena_array(c->arena, map_pairs(m),
	    sizeof(*c->tables))) == NULL) {
		L->oom = 1;
		return;
	}
	FOREACH_PAIR(k, v, m)
		build_table(L, k, v, &c->tables[c->ntables++]);
}

static void
build_vars(struct loader *L, const struct ynode *m)
{
	struct ceremony *c = L->c;
	const struct ynode *k, *v;
	struct ceremony_var *var;
	if (cy_want_map(L, m, "vars", "at the top level") != 0)
		return;
	if ((c->vars = kr_arena_array(c->arena, map_pairs(m),
	    sizeof(*c->vars))) == NULL) {
		L->oom = 1;
		return;
	}
	FOREACH_PAIR(k, v, m) {
		var = &c->vars[c->nvars++];
		cy_set_str(&var->name, k);
		if (v->kind != Y_SCALAR || v->null || v->tag == YT_INT ||
		    v->tag == YT_BOOL)
			ERR(L, v->loc, "expected a string for var '%.*s'",
			    NM(k->s));
		else
			cy_set_str(&var->tmpl, v);
	}
}

/* Steps */

static void
build_with(struct loader *L, const struct ynode *m, struct ceremony_step *s,
    const char *where)
{
	struct kr_arena *a = L->c->arena;
	const struct ynode *k, *v;
	struct ceremony_value *w;

	s->with_loc = m->loc;
	if (m->kind == Y_SCALAR && m->null)
		return;		/* `with:' with nothing */
	if (cy_want_map(L, m, "with", where) != 0)
		return;
	if ((s->with = kr_arena_array(a, map_pairs(m), sizeof(*s->with))) ==
	    NULL) {
		L->oom = 1;
		return;
	}
	FOREACH_PAIR(k, v, m) {
		w = &s->with[s->nwith++];
		cy_set_str(&w->key, k);
		if (v->kind == Y_SCALAR) {
			w->scalar.loc = v->loc;
			if (!v->null)
				w->scalar.s = v->s;
		} else if (v->kind == Y_SEQ) {
			w->is_list = 1;
			(void)cy_get_list(L, v, k->s, where, &w->list);
		} else {
			ERR(L, v->loc, "expected a string or a list of strings "
			    "for '%.*s' %s", NM(k->s), where);
			w->key.s = NULL;
		}
	}
}

static void
build_step(struct loader *L, const struct ynode *m, struct ceremony_step *s,
    size_t idx)
{
	const struct ynode *k, *v, *id;
	struct ceremony_str of;
	char where[128];

	s->index = idx;
	s->loc = m->loc;
	id = map_get(m, "id");
	if (id != NULL && id->kind == Y_SCALAR && !id->null)
		snprintf(where, sizeof(where), "in step '%.80s'", id->s);
	else
		snprintf(where, sizeof(where), "in step %zu", idx + 1);
	FOREACH_PAIR(k, v, m) {
		if (strcmp(k->s, "id") == 0)
			(void)cy_get_str(L, v, "id", where, &s->id);
		else if (strcmp(k->s, "title") == 0)
			(void)cy_get_str(L, v, "title", where, &s->title);
		else if (strcmp(k->s, "action") == 0) {
			if (cy_get_str(L, v, "action", where, &s->action) != 0)
				continue;
			if ((s->type = step_type_find(v->s)) == NULL)
				ERR(L, v->loc, "unknown action '%.*s' %s",
				    NM(v->s), where);
		} else if (strcmp(k->s, "station") == 0)
			(void)cy_get_str(L, v, "station", where, &s->station);
		else if (strcmp(k->s, "with") == 0)
			build_with(L, v, s, where);
		else if (strcmp(k->s, "requires") == 0)
			(void)cy_get_list(L, v, "requires", where, &s->requires);
		else if (strcmp(k->s, "when") == 0)
			cy_build_when(L, v, s, where);
		else if (strcmp(k->s, "engines") == 0)
			cy_build_engines(L, v, where, &s->engines);
		else if (strcmp(k->s, "signoff") == 0)
			(void)cy_get_list(L, v, "signoff", where, &s->signoff);
		else if (strcmp(k->s, "instructions") == 0)
			(void)cy_get_str(L, v, "instructions", where,
			    &s->instructions);
		else if (strcmp(k->s, "help") == 0)
			(void)cy_get_str(L, v, "help", where, &s->help);
		else if (strcmp(k->s, "optional") == 0)
			(void)cy_get_bool(L, v, "optional", where, &s->optional);
		else if (strcmp(k->s, "checkpoint") == 0)
			(void)cy_get_bool(L, v, "checkpoint", where,
			    &s->checkpoint);
		else if (strcmp(k->s, "on_failure") == 0) {
			if (cy_get_str(L, v, "on_failure", where, &of) != 0)
				continue;
			s->on_failure_loc = v->loc;
			if (strcmp(of.s, "stop") == 0)
				s->on_failure = CEREMONY_FAIL_STOP;
			else if (strcmp(of.s, "abort") == 0)
				s->on_failure = CEREMONY_FAIL_ABORT;
			else if (strcmp(of.s, "continue") == 0)
				s->on_failure = CEREMONY_FAIL_CONTINUE;
			else
				ERR(L, v->loc, "invalid value '%.*s' for "
				    "'on_failure' %s (expected stop, abort or "
				    "continue)", NM(of.s), where);
		} else
			cy_unknown_key(L, k, where);
	}
	if (s->action.s == NULL) {
		s->action.s = "instruction";
		s->type = &step_instruction;
	}
	if (map_get(m, "id") == NULL)
		cy_missing(L, m, "id", where);
	if (map_get(m, "title") == NULL)
		cy_missing(L, m, "title", where);
}

static void
build_steps(struct loader *L, const struct ynode *seq)
{
	struct ceremony *c = L->c;
	const struct ynode *it;
	size_t n = 0;

	if (seq->kind != Y_SEQ) {
		ERR(L, seq->loc, "expected a list for 'steps' at the top level");
		return;
	}
	if (seq->n == 0) {
		ERR(L, seq->loc, "'steps' is empty (a ceremony has at least "
		    "one step)");
		return;
	}
	if ((c->steps = kr_arena_array(c->arena, seq->n, sizeof(*c->steps))) ==
	    NULL) {
		L->oom = 1;
		return;
	}
	for (it = seq->first; it != NULL; it = it->next, n++) {
		if (it->kind != Y_MAP) {
			ERR(L, it->loc, "expected a mapping for step %zu",
			    n + 1);
			continue;
		}
		build_step(L, it, &c->steps[c->nsteps], c->nsteps);
		c->nsteps++;
	}
}

/* The top level */

static const char *const default_roles[] = {
	"operator", "custodian", "witness"
};

static void
defaults(struct loader *L)
{
	struct ceremony *c = L->c;
	size_t i;

	if (c->version.s == NULL)
		c->version.s = "1";
	if (c->stations == NULL) {
		if ((c->stations = kr_arena_array(c->arena, 2,
		    sizeof(*c->stations))) == NULL) {
			L->oom = 1;
			return;
		}
		c->stations[0].name.s = "connected";
		c->stations[0].description.s = "the connected workstation";
		c->stations[1].name.s = "disconnected";
		c->stations[1].description.s = "the disconnected (offline) "
		    "workstation";
		c->nstations = 2;
	}
	if (c->roles.v == NULL) {
		if ((c->roles.v = kr_arena_array(c->arena, 3,
		    sizeof(*c->roles.v))) == NULL) {
			L->oom = 1;
			return;
		}
		for (i = 0; i < 3; i++)
			c->roles.v[i].s = default_roles[i];
		c->roles.n = 3;
	}
}

static void
build(struct loader *L, const struct ynode *root)
{
	struct ceremony *c = L->c;
	const char *where = "at the top level";
	const struct ynode *k, *v;

	c->loc = root->loc;
	FOREACH_PAIR(k, v, root) {
		if (L->oom)
			return;
		if (strcmp(k->s, "keyrite") == 0) {
			if (cy_get_int(L, v, "keyrite", where, &c->schema) != 0)
				continue;
			if (c->schema != 1)
				ERR(L, v->loc, "unsupported schema version %lld "
				    "(this keyrite reads version 1)",
				    c->schema);
		} else if (strcmp(k->s, "id") == 0)
			(void)cy_get_str(L, v, "id", where, &c->id);
		else if (strcmp(k->s, "title") == 0)
			(void)cy_get_str(L, v, "title", where, &c->title);
		else if (strcmp(k->s, "version") == 0)
			(void)cy_get_scalar(L, v, "version", where, &c->version);
		else if (strcmp(k->s, "description") == 0)
			(void)cy_get_str(L, v, "description", where,
			    &c->description);
		else if (strcmp(k->s, "stations") == 0)
			build_stations(L, v);
		else if (strcmp(k->s, "roles") == 0) {
			if (cy_get_list(L, v, "roles", where, &c->roles) == 0 &&
			    c->roles.n == 0)
				ERR(L, v->loc, "'roles' is empty");
		} else if (strcmp(k->s, "parameters") == 0)
			build_params(L, v);
		else if (strcmp(k->s, "tables") == 0)
			build_tables(L, v);
		else if (strcmp(k->s, "vars") == 0)
			build_vars(L, v);
		else if (strcmp(k->s, "steps") == 0)
			build_steps(L, v);
		else if (strcmp(k->s, "scenarios") == 0)
			cy_build_scenarios(L, v);
		else if (strcmp(k->s, "engines") == 0)
			cy_build_engines(L, v, where, &c->engines);
		else if (strcmp(k->s, "engines_note") == 0)
			(void)cy_get_str(L, v, "engines_note", where,
			    &c->engines_note);
		else
			cy_unknown_key(L, k, where);
	}
	if (map_get(root, "keyrite") == NULL)
		cy_missing(L, root, "keyrite (the schema version, 1)", where);
	if (map_get(root, "id") == NULL)
		cy_missing(L, root, "id", where);
	if (map_get(root, "title") == NULL)
		cy_missing(L, root, "title", where);
	if (map_get(root, "steps") == NULL)
		cy_missing(L, root, "steps", where);
	defaults(L);
}

int
ceremony_load_buffer(const char *name, const char *buf, size_t len,
    struct ceremony **out, struct diag_list *dl)
{
	struct loader L;
	struct kr_arena *arena;
	struct ceremony *c;
	const struct ynode *root;
	size_t errors = dl->nerrors;
	int r = KR_EDATA;

	if (len > CEREMONY_MAX_SIZE) {
		diag_add(dl, DIAG_ERROR, 0, 0, "too large (%zu bytes, limit %d)",
		    len, CEREMONY_MAX_SIZE);
		return KR_EDATA;
	}
	if ((arena = kr_arena_new()) == NULL)
		return KR_ENOMEM;
	if ((c = kr_arena_alloc(arena, sizeof(*c))) == NULL) {
		kr_arena_free(arena);
		return KR_ENOMEM;
	}
	c->arena = arena;
	memset(&L, 0, sizeof(L));
	L.buf = buf;
	L.len = len;
	L.c = c;
	L.dl = dl;
	if ((c->file = kr_arena_strndup(arena, name != NULL ? name : "-",
	    strlen(name != NULL ? name : "-"))) == NULL ||
	    (L.tmp = kr_arena_new()) == NULL) {
		L.oom = 1;
		goto out;
	}
	if ((root = parse(&L)) == NULL)
		goto out;
	build(&L, root);
	if (L.oom)
		goto out;
	if (ceremony_index_build(c) != 0) {
		L.oom = 1;
		goto out;
	}
	if (ceremony_check(c, buf, len, dl) == KR_ENOMEM)
		L.oom = 1;
out:
	kr_arena_free(L.tmp);
	diag_sort(dl);
	if (L.oom)
		r = KR_ENOMEM;
	else if (dl->nerrors == errors)
		r = 0;
	if (r != 0) {
		ceremony_free(c);
		return r;
	}
	*out = c;
	return 0;
}
