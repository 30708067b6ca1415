/* SPDX-License-Identifier: ISC */
/*
 * ceremony-yaml-get.c: the loader's typed getters, shared by the YAML
 * loader (ceremony-yaml.c) and the scenario loader (ceremony-scenario.c).
 * Each checks one node's shape and type, reports a mismatch at the node's
 * line:col, and points the model at the node's text (no copy).  Contracts
 * in ceremony-yaml-int.h.
 */
#include <string.h>

#include "arena.h"
#include "ceremony.h"
#include "ceremony-int.h"
#include "ceremony-yaml-int.h"
#include "diag.h"
#include "yaml-tree.h"

void
ceremony_yaml_set_str(struct ceremony_str *out, const struct ynode *v)
{
	out->s = v->s;
	out->loc = v->loc;
}

int
ceremony_yaml_get_str(struct loader *L, const struct ynode *v, const char *key,
    const char *where, struct ceremony_str *out)
{
	if (v->kind != Y_SCALAR || v->null || v->tag == YT_INT ||
	    v->tag == YT_BOOL) {
		ERR(L, v->loc, "expected a string for '%s' %s", key, where);
		return -1;
	}
	ceremony_yaml_set_str(out, v);
	return 0;
}

/* Any non-null scalar, as text (a parameter default). */
int
ceremony_yaml_get_scalar(struct loader *L, const struct ynode *v,
    const char *key, const char *where, struct ceremony_str *out)
{
	if (v->kind != Y_SCALAR || v->null) {
		ERR(L, v->loc, "expected a single value for '%s' %s", key,
		    where);
		return -1;
	}
	ceremony_yaml_set_str(out, v);
	return 0;
}

int
ceremony_yaml_get_int(struct loader *L, const struct ynode *v, const char *key,
    const char *where, long long *out)
{
	if (v->kind != Y_SCALAR || (!v->plain && v->tag != YT_INT) ||
	    (v->tag != YT_NONE && v->tag != YT_INT) ||
	    ceremony_parse_int(v->s, out) != 0) {
		ERR(L, v->loc, "expected an integer for '%s' %s", key, where);
		return -1;
	}
	return 0;
}

int
ceremony_yaml_get_bool(struct loader *L, const struct ynode *v, const char *key,
    const char *where, int *out)
{
	static const char *const t[] = { "true", "True", "TRUE", NULL };
	static const char *const f[] = { "false", "False", "FALSE", NULL };
	size_t i;

	if (v->kind == Y_SCALAR && (v->plain || v->tag == YT_BOOL) &&
	    (v->tag == YT_NONE || v->tag == YT_BOOL)) {
		for (i = 0; t[i] != NULL; i++) {
			if (strcmp(v->s, t[i]) == 0) {
				*out = 1;
				return 0;
			}
			if (strcmp(v->s, f[i]) == 0) {
				*out = 0;
				return 0;
			}
		}
	}
	ERR(L, v->loc, "expected true or false for '%s' %s", key, where);
	return -1;
}

int
ceremony_yaml_get_list(struct loader *L, const struct ynode *v, const char *key,
    const char *where, struct ceremony_list *out)
{
	const struct ynode *it;
	size_t i = 0;

	if (v->kind != Y_SEQ) {
		ERR(L, v->loc, "expected a list for '%s' %s", key, where);
		return -1;
	}
	out->loc = v->loc;
	if ((out->v = kr_arena_array(L->c->arena, v->n, sizeof(*out->v))) ==
	    NULL) {
		L->oom = 1;
		return -1;
	}
	for (it = v->first; it != NULL; it = it->next) {
		if (it->kind != Y_SCALAR || it->null) {
			ERR(L, it->loc, "expected a string in '%s' %s", key,
			    where);
			continue;
		}
		ceremony_yaml_set_str(&out->v[i++], it);
	}
	out->n = i;
	return 0;
}

int
ceremony_yaml_want_map(struct loader *L, const struct ynode *v, const char *key,
    const char *where)
{
	if (v->kind == Y_MAP)
		return 0;
	ERR(L, v->loc, "expected a mapping for '%s' %s", key, where);
	return -1;
}

void
ceremony_yaml_unknown_key(struct loader *L, const struct ynode *k,
    const char *where)
{
	ERR(L, k->loc, "unknown key '%.*s' %s", NM(k->s), where);
}

void
ceremony_yaml_missing(struct loader *L, const struct ynode *map,
    const char *key, const char *where)
{
	ERR(L, map->loc, "missing required key '%s' %s", key, where);
}
