/* SPDX-License-Identifier: ISC */
/*
 * runner-params.c: parameters, asked lazily, and the `${...}' lookup.
 *
 * A parameter is asked before the first step that references it, directly
 * or through a var or a table cell (`${region.toolset_zip}' needs
 * `region').  To find those, the step's strings are expanded in probe mode:
 * the lookup answers "" for an unset parameter and remembers the first one.
 * Table cells take rehearsal overrides "TABLE.ROWID.COLUMN".  Built-ins:
 * out_dir, state_dir, media_dir.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "ceremony.h"
#include "err.h"
#include "runner-int.h"
#include "step.h"

int
runner_params_init(struct runner *r, struct kr_err *e)
{
	size_t n = r->c->nparams ? r->c->nparams : 1;

	r->values = calloc(n, sizeof(*r->values));
	r->logged = calloc(n, 1);
	if (r->values == NULL || r->logged == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	return 0;
}

void
runner_params_free(struct runner *r)
{
	size_t i;

	if (r->values != NULL)
		for (i = 0; i < r->c->nparams; i++)
			free(r->values[i]);
	free(r->values);
	free(r->logged);
	free(r->scratch);
	r->values = NULL;
	r->logged = NULL;
	r->scratch = NULL;
}

static const char *
override(const struct runner *r, const char *key)
{
	size_t i;

	if (!r->o.rehearsal)
		return NULL;
	for (i = 0; i < r->o.noverrides; i++)
		if (r->o.overrides[i].key != NULL &&
		    strcmp(r->o.overrides[i].key, key) == 0)
			return r->o.overrides[i].value;
	if (r->o.sandbox_value != NULL)
		return r->o.sandbox_value(r->o.sandbox_arg,
		    (struct runner *)(uintptr_t)r, key, 0);
	return NULL;
}

const char *
runner_param(struct runner *r, const char *name)
{
	const struct ceremony_param *p = ceremony_param_find(r->c, name);

	return p != NULL ? r->values[p - r->c->params] : NULL;
}

void
runner_sandbox_step(struct runner *r, const struct ceremony_step *s)
{
	if (r->o.rehearsal && r->o.sandbox_value != NULL)
		(void)r->o.sandbox_value(r->o.sandbox_arg, r, s->type->name,
		    2);
}

const char *
runner_param_default(struct runner *r, const struct ceremony_param *pm)
{
	const char *v;

	if (r->o.rehearsal && r->o.sandbox_value != NULL &&
	    (v = r->o.sandbox_value(r->o.sandbox_arg, r, pm->name.s, 1)) !=
	    NULL)
		return v;
	return pm->def.s;
}

const char *
step_override(struct step_ctx *ctx, const char *key)
{
	return override(ctx->r, key);
}

/* The value of a parameter, or NULL (probe: "" and remembered). */
static const char *
param_value(struct runner *r, const char *name, int *known)
{
	const struct ceremony_param *p = ceremony_param_find(r->c, name);

	*known = p != NULL;
	if (p == NULL)
		return NULL;
	if (r->values[p - r->c->params] != NULL)
		return r->values[p - r->c->params];
	if (r->probe) {
		if (r->missing == NULL)
			r->missing = p->name.s;
		return "";
	}
	return NULL;
}

static int
lookup_value(struct runner *r, const char *name, const char **value)
{
	const struct ceremony_param *p;
	const struct ceremony_row *row;
	const char *v, *dot, *cell;
	char pname[256], key[768];
	int known;

	if (strcmp(name, "out_dir") == 0)
		v = r->o.out_dir;
	else if (strcmp(name, "state_dir") == 0)
		v = r->o.state_dir;
	else if (strcmp(name, "media_dir") == 0)
		v = r->o.media_dir;
	else if ((dot = strchr(name, '.')) == NULL)
		v = param_value(r, name, &known);
	else {
		if ((size_t)(dot - name) >= sizeof(pname))
			return -1;
		memcpy(pname, name, dot - name);
		pname[dot - name] = '\0';
		if ((v = param_value(r, pname, &known)) == NULL)
			return -1;
		p = ceremony_param_find(r->c, pname);
		if (*v == '\0' || p->table == NULL) {
			if (!r->probe)
				return -1;
			*value = "";
			return 0;
		}
		snprintf(key, sizeof(key), "%s.%s.%s", p->table->name.s, v,
		    dot + 1);
		if ((cell = override(r, key)) == NULL) {
			if ((row = ceremony_row_find(p->table, v)) == NULL ||
			    (cell = ceremony_row_cell(p->table, row,
			    dot + 1)) == NULL)
				return -1;
		}
		v = cell;
	}
	if (v == NULL)
		return -1;
	free(r->scratch);
	if ((r->scratch = strdup(v)) == NULL)
		return -1;
	*value = r->scratch;
	return 0;
}

/* For display: a parameter not known yet becomes a visible placeholder
 * ("<kek_id, asked at step 5>"), never template syntax. */
static int
placeholder(struct runner *r, const char *name, const char **value)
{
	char pname[256], buf[400];
	size_t n = strcspn(name, ".");

	if (n >= sizeof(pname))
		return -1;
	memcpy(pname, name, n);
	pname[n] = '\0';
	if (ceremony_param_find(r->c, pname) == NULL)
		return -1;
	ceremony_placeholder(r->c, pname, r->cur, buf, sizeof(buf));
	if (name[n] == '.')	/* "<region.display_name, asked at ...>" */
		snprintf(buf + 1, sizeof(buf) - 1, "%s%s", name,
		    strchr(buf, ','));
	free(r->scratch);
	if ((r->scratch = strdup(buf)) == NULL)
		return -1;
	*value = r->scratch;
	return 0;
}

static int
runner_lookup(void *arg, const char *name, const char **value)
{
	struct runner *r = arg;

	if (lookup_value(r, name, value) == 0) {
		/* shown to people: a hash in groups of eight */
		if (r->display && ceremony_hash_grouped(*value, r->grouped,
		    sizeof(r->grouped)))
			*value = r->grouped;
		return 0;
	}
	return r->display ? placeholder(r, name, value) : -1;
}

int
runner_expand(struct runner *r, const char *tmpl, char **out,
    struct kr_err *e)
{
	return ceremony_expand(r->c, tmpl, runner_lookup, r, out, e);
}

char *
runner_expand_display(struct runner *r, const char *tmpl)
{
	struct kr_err e;
	char *s = NULL;
	int rc;

	if (tmpl == NULL)
		return NULL;
	r->display = 1;
	rc = runner_expand(r, tmpl, &s, &e);
	r->display = 0;
	return rc == 0 ? s : strdup(tmpl);
}

static void
probe(struct runner *r, const char *tmpl)
{
	struct kr_err e;
	char *s = NULL;

	if (tmpl == NULL || r->missing != NULL)
		return;
	if (ceremony_expand(r->c, tmpl, runner_lookup, r, &s, &e) == 0)
		free(s);
}

const struct ceremony_param *
runner_step_missing(struct runner *r, const struct ceremony_step *s)
{
	size_t i, j;

	r->probe = 1;
	r->missing = NULL;
	probe(r, s->title.s);
	probe(r, s->instructions.s);
	probe(r, s->help.s);
	for (i = 0; i < s->nwith; i++) {
		if (!s->with[i].is_list)
			probe(r, s->with[i].scalar.s);
		else
			for (j = 0; j < s->with[i].list.n; j++)
				probe(r, s->with[i].list.v[j].s);
	}
	r->probe = 0;
	if (r->missing == NULL)
		return NULL;
	return ceremony_param_find(r->c, r->missing);
}

int
runner_param_store(struct runner *r, const struct ceremony_param *p,
    const char *value, struct kr_err *e)
{
	size_t i = p - r->c->params;
	char *v;
	int rc;

	if ((rc = ceremony_param_check(p, value, e)) != 0)
		return kr_err_prefix(e, "parameter '%s'", p->name.s);
	if (r->values[i] != NULL && strcmp(r->values[i], value) == 0)
		return 0;
	if ((v = strdup(value)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	free(r->values[i]);
	r->values[i] = v;
	r->logged[i] = 0;
	return 0;
}

int
runner_params_flush(struct runner *r, struct kr_err *e)
{
	size_t i;
	int rc;

	if (r->w == NULL)
		return 0;
	for (i = 0; i < r->c->nparams; i++) {
		if (r->values[i] == NULL || r->logged[i])
			continue;
		if ((rc = audit_parameter_set(r->w, r->c->params[i].name.s,
		    r->values[i], runner_actor(r), e)) != 0)
			return rc;
		r->logged[i] = 1;
		if ((rc = runner_progress_save(r, e)) != 0)
			return rc;
	}
	return 0;
}

int
runner_set_param(struct runner *r, const char *name, const char *value,
    struct kr_err *e)
{
	const struct ceremony_param *p;

	if ((p = ceremony_param_find(r->c, name)) == NULL)
		return kr_errf(e, KR_EDATA, "unknown parameter '%s'", name);
	if (value == NULL)
		return kr_errf(e, KR_EDATA, "parameter '%s': no value", name);
	return runner_param_store(r, p, value, e);
}
