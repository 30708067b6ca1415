/* SPDX-License-Identifier: ISC */
/*
 * ceremony-index.c: the name index behind the model's lookups: sorted
 * (name, position) arrays built once after loading, and the
 * ceremony_*_find() lookups that search them.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ceremony.h"
#include "ceremony-int.h"
#include "err.h"

int
kr_nidx_alloc(struct kr_arena *a, struct kr_nidx *ix, size_t n)
{
	ix->n = 0;
	ix->v = kr_arena_array(a, n, sizeof(*ix->v));
	return ix->v == NULL ? KR_ENOMEM : 0;
}

static int
cmp_ent(const void *a, const void *b)
{
	const struct kr_nidx_ent *x = a, *y = b;
	int r;

	if ((r = strcmp(x->name, y->name)) != 0)
		return r;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void
kr_nidx_sort(struct kr_nidx *ix)
{
	if (ix->n > 1)
		qsort(ix->v, ix->n, sizeof(*ix->v), cmp_ent);
}

size_t
kr_nidx_find(const struct kr_nidx *ix, const char *name)
{
	size_t lo = 0, hi = ix->n, mid;
	int r;

	if (name == NULL)
		return KR_NIDX_NONE;
	/* lower bound: the first entry >= name, so duplicates yield the
	 * lowest position */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = strcmp(ix->v[mid].name, name);
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n && strcmp(ix->v[lo].name, name) == 0)
		return ix->v[lo].pos;
	return KR_NIDX_NONE;
}

#define INDEX(a, ix, arr, cnt, field) do {				\
	size_t i_;							\
	if (kr_nidx_alloc((a), (ix), (cnt)) != 0)				\
		return KR_ENOMEM;					\
	for (i_ = 0; i_ < (cnt); i_++)					\
		if ((arr)[i_].field.s != NULL) {			\
			(ix)->v[(ix)->n].name = (arr)[i_].field.s;	\
			(ix)->v[(ix)->n++].pos = i_;			\
		}							\
	kr_nidx_sort(ix);							\
} while (0)

int
ceremony_index_build(struct ceremony *c)
{
	struct ceremony_index *x;
	struct ceremony_table *t;
	size_t i, j;

	if ((x = kr_arena_alloc(c->arena, sizeof(*x))) == NULL)
		return KR_ENOMEM;
	INDEX(c->arena, &x->params, c->params, c->nparams, name);
	INDEX(c->arena, &x->vars, c->vars, c->nvars, name);
	INDEX(c->arena, &x->steps, c->steps, c->nsteps, id);
	INDEX(c->arena, &x->tables, c->tables, c->ntables, name);
	INDEX(c->arena, &x->stations, c->stations, c->nstations, name);
	INDEX(c->arena, &x->scenarios, c->scenarios, c->nscenarios, name);
	if (kr_nidx_alloc(c->arena, &x->roles, c->roles.n) != 0)
		return KR_ENOMEM;
	for (i = 0; i < c->roles.n; i++)
		if (c->roles.v[i].s != NULL) {
			x->roles.v[x->roles.n].name = c->roles.v[i].s;
			x->roles.v[x->roles.n++].pos = i;
		}
	kr_nidx_sort(&x->roles);
	for (i = 0; i < c->ntables; i++) {
		t = &c->tables[i];
		if ((t->index = kr_arena_alloc(c->arena, sizeof(*t->index))) ==
		    NULL || kr_nidx_alloc(c->arena, &t->index->rows, t->nrows) != 0)
			return KR_ENOMEM;
		for (j = 0; j < t->nrows; j++) {
			if (t->id_col >= t->ncolumns ||
			    t->rows[j].cells[t->id_col].s == NULL)
				continue;
			t->index->rows.v[t->index->rows.n].name =
			    t->rows[j].cells[t->id_col].s;
			t->index->rows.v[t->index->rows.n++].pos = j;
		}
		kr_nidx_sort(&t->index->rows);
		if (kr_nidx_alloc(c->arena, &t->index->cols, t->ncolumns) != 0)
			return KR_ENOMEM;
		for (j = 0; j < t->ncolumns; j++) {
			if (t->columns[j].s == NULL)
				continue;
			t->index->cols.v[t->index->cols.n].name =
			    t->columns[j].s;
			t->index->cols.v[t->index->cols.n++].pos = j;
		}
		kr_nidx_sort(&t->index->cols);
	}
	c->index = x;
	return 0;
}

/* Lookups */

#define FIND(c, ixname, arr, name) do {					\
	size_t p_;							\
	if ((c) == NULL || (c)->index == NULL)				\
		return NULL;						\
	p_ = kr_nidx_find(&(c)->index->ixname, (name));			\
	return p_ == KR_NIDX_NONE ? NULL : &(c)->arr[p_];			\
} while (0)

const struct ceremony_param *
ceremony_param_find(const struct ceremony *c, const char *name)
{
	FIND(c, params, params, name);
}

const struct ceremony_step *
ceremony_step_find(const struct ceremony *c, const char *id)
{
	FIND(c, steps, steps, id);
}

const struct ceremony_var *
ceremony_var_find(const struct ceremony *c, const char *name)
{
	FIND(c, vars, vars, name);
}

const struct ceremony_table *
ceremony_table_find(const struct ceremony *c, const char *name)
{
	FIND(c, tables, tables, name);
}

const struct ceremony_station *
ceremony_station_find(const struct ceremony *c, const char *name)
{
	FIND(c, stations, stations, name);
}

const struct ceremony_scenario *
ceremony_scenario_find(const struct ceremony *c, const char *name)
{
	FIND(c, scenarios, scenarios, name);
}

int
ceremony_has_role(const struct ceremony *c, const char *role)
{
	if (c == NULL || c->index == NULL)
		return 0;
	return kr_nidx_find(&c->index->roles, role) != KR_NIDX_NONE;
}

const struct ceremony_row *
ceremony_row_find(const struct ceremony_table *t, const char *id)
{
	size_t p;

	if (t == NULL || t->index == NULL)
		return NULL;
	p = kr_nidx_find(&t->index->rows, id);
	return p == KR_NIDX_NONE ? NULL : &t->rows[p];
}

const char *
ceremony_row_cell(const struct ceremony_table *t,
    const struct ceremony_row *row, const char *column)
{
	size_t i;

	if (t == NULL || t->index == NULL || row == NULL || column == NULL ||
	    (i = kr_nidx_find(&t->index->cols, column)) == KR_NIDX_NONE)
		return NULL;
	return row->cells[i].s;
}
