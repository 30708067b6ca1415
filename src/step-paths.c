/* SPDX-License-Identifier: ISC */
/*
 * step-paths.c: `keyrite lint' on the paths a ceremony file names.
 *
 * The keys that name files (a KEK, a package, an artifact, a backup
 * folder) are listed here; each value must be a path relative to its
 * folder with no ".." (path.h), reported at its line:col.  A value with
 * ${...} is checked with each reference read as a plain name, so
 * '/${x}' and '../${x}' are caught; a value that is a single reference to
 * a parameter or a variable is checked through that parameter's default
 * or that variable's text.  What only the answers or --set give is checked
 * when the step runs (step_path).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ceremony.h"
#include "ceremony-int.h"
#include "diag.h"
#include "path.h"
#include "step.h"

static const struct path_key {
	const char	*type;
	const char	*key;
} path_keys[] = {
	{ "verify-file-hash", "file" },
	{ "import-kek", "file" },
	{ "backup", "dest" },
	{ "verify-packages", "kek_package" },
	{ "verify-packages", "world_package" },
	{ "generate-key", "kek_file" },
	{ "reduce-acl", "kek_package" },
	{ "reduce-acl", "world_package" },
	{ "package", "output" },
	{ "package", "kek_package" },
	{ "package", "world_package" },
	{ "package", "kek_file" },
	{ "carry-artifact", "artifact" },
	{ "vault-import", "file" },
	{ "vault-import", "manifest" },
};

/* The template with each ${...} read as "x", into out. */
static void
flatten(const char *s, char *out, size_t sz)
{
	size_t n = 0;
	const char *end;

	while (*s != '\0' && n + 2 < sz) {
		if (s[0] == '$' && s[1] == '{' &&
		    (end = strchr(s, '}')) != NULL) {
			out[n++] = 'x';
			s = end + 1;
			continue;
		}
		out[n++] = *s++;
	}
	out[n] = '\0';
}

/* The text a value that is exactly "${name}" stands for, or NULL. */
static const char *
single_ref(const struct ceremony *c, const char *s)
{
	const struct ceremony_param *p;
	const struct ceremony_var *v;
	char name[128];
	size_t n = strlen(s);

	if (n < 4 || s[0] != '$' || s[1] != '{' || s[n - 1] != '}' ||
	    strchr(s + 2, '}') != s + n - 1 || n - 3 >= sizeof(name))
		return NULL;
	memcpy(name, s + 2, n - 3);
	name[n - 3] = '\0';
	if ((p = ceremony_param_find(c, name)) != NULL)
		return p->def.s;
	if ((v = ceremony_var_find(c, name)) != NULL)
		return v->tmpl.s;
	return NULL;
}

static const char *
problem(const struct ceremony *c, const char *s, const char **shown)
{
	char flat[1024];
	const char *why, *via;

	*shown = s;
	flatten(s, flat, sizeof(flat));
	if ((why = kr_path_rel_problem(flat)) != NULL)
		return why;
	if ((via = single_ref(c, s)) != NULL && strstr(via, "${") == NULL) {
		*shown = via;
		return kr_path_rel_problem(via);
	}
	return NULL;
}

static void
check_value(const struct ceremony *c, const struct ceremony_step *s,
    const char *key, struct diag_list *dl)
{
	const struct ceremony_value *v = ceremony_step_with(s, key);
	const char *why, *shown;

	if (v == NULL || v->is_list || v->scalar.s == NULL)
		return;
	if ((why = problem(c, v->scalar.s, &shown)) == NULL)
		return;
	if (shown != v->scalar.s)
		diag_add(dl, DIAG_ERROR, v->scalar.loc.line, v->scalar.loc.col,
		    "%s of step '%s' is '%s', a path that %s: paths stay "
		    "inside their folder (relative, no '..')", key, s->id.s,
		    shown, why);
	else
		diag_add(dl, DIAG_ERROR, v->scalar.loc.line, v->scalar.loc.col,
		    "%s '%s' of step '%s' %s: paths stay inside their folder "
		    "(relative, no '..')", key, shown, s->id.s, why);
}

void
step_paths_check(const struct ceremony *c, struct diag_list *dl)
{
	const struct ceremony_param *p;
	const struct ceremony_step *s;
	const char *why;
	size_t i, j;

	for (i = 0; i < c->nparams; i++) {
		p = &c->params[i];
		if (p->type != CEREMONY_PT_PATH || p->def.s == NULL ||
		    strstr(p->def.s, "${") != NULL ||
		    (why = kr_path_rel_problem(p->def.s)) == NULL)
			continue;
		diag_add(dl, DIAG_ERROR, p->def.loc.line, p->def.loc.col,
		    "default '%s' of path parameter '%s' %s: paths stay "
		    "inside their folder (relative, no '..')", p->def.s,
		    p->name.s, why);
	}
	for (i = 0; i < c->nsteps; i++) {
		s = &c->steps[i];
		if (s->type == NULL || s->id.s == NULL)
			continue;
		for (j = 0; j < sizeof(path_keys) / sizeof(path_keys[0]); j++)
			if (strcmp(s->type->name, path_keys[j].type) == 0)
				check_value(c, s, path_keys[j].key, dl);
	}
}
