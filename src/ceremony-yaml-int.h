/* SPDX-License-Identifier: ISC */
/*
 * ceremony-yaml-int.h: what the loader's build stage shares between
 * ceremony-yaml.c (the top level, stations, parameters, tables, vars,
 * steps) and ceremony-scenario.c (the `scenarios:' section): the loader
 * state, the error macros and the typed getters (ceremony-yaml-get.c).
 * Nobody else needs it.
 */
#ifndef KR_CEREMONY_YAML_INT_H
#define KR_CEREMONY_YAML_INT_H

#include <stddef.h>

#include "ceremony.h"
#include "diag.h"
#include "yaml-tree.h"

struct loader {
	const char		*buf;
	size_t			 len;
	struct ceremony		*c;
	struct kr_arena		*tmp;		/* the node tree */
	struct diag_list	*dl;
	int			 oom;
};

#define ERR(L, loc, ...) \
	diag_add((L)->dl, DIAG_ERROR, (loc).line, (loc).col, __VA_ARGS__)

/* Shortens a name for a message. */
#define NM(s)	80, (s)

#define FOREACH_PAIR(k, v, map)	YNODE_FOREACH_PAIR(k, v, map)
#define map_get(map, key)	ynode_get(map, key)
#define map_pairs(map)		ynode_pairs(map)

/* Points out at v's text and location (no copy: the text is the model's). */
void	cy_set_str(struct ceremony_str *out, const struct ynode *v);
/* A string scalar for key (not null, int or bool) into out: 0, or -1 after
 * an error "expected a string for 'key' where" at v. */
int	cy_get_str(struct loader *L, const struct ynode *v, const char *key,
	    const char *where, struct ceremony_str *out);
/* Any non-null scalar, as text (a parameter default): 0, or -1 after an
 * error "expected a single value for 'key' where" at v. */
int	cy_get_scalar(struct loader *L, const struct ynode *v, const char *key,
	    const char *where, struct ceremony_str *out);
/* true or false for key into out: 0, or -1 after an error at v. */
int	cy_get_bool(struct loader *L, const struct ynode *v, const char *key,
	    const char *where, int *out);
/* A sequence of strings for key into out (in the model's arena): 0, or -1
 * after an error at v (L->oom set when allocation failed). */
int	cy_get_list(struct loader *L, const struct ynode *v, const char *key,
	    const char *where, struct ceremony_list *out);
/* An integer scalar for key into out: 0, or -1 after an error at v. */
int	cy_get_int(struct loader *L, const struct ynode *v, const char *key,
	    const char *where, long long *out);
/* 0 when v is a mapping, or -1 after an error "expected a mapping" at v. */
int	cy_want_map(struct loader *L, const struct ynode *v, const char *key,
	    const char *where);
/* Adds "unknown key 'k' where" at k. */
void	cy_unknown_key(struct loader *L, const struct ynode *k,
	    const char *where);
/* Adds "missing required key 'key' where" at the mapping map. */
void	cy_missing(struct loader *L, const struct ynode *map, const char *key,
	    const char *where);

/* Builds s->when from a step's `when:' mapping m (ceremony-choice.c). */
void	cy_build_when(struct loader *L, const struct ynode *m,
	    struct ceremony_step *s, const char *where);

/* An `engines:' list of names into out (ceremony-engines.c). */
void	cy_build_engines(struct loader *L, const struct ynode *v,
	    const char *where, struct ceremony_list *out);

/* Builds c->scenarios from the top-level `scenarios:' mapping m
 * (ceremony-scenario.c); errors go to L->dl, allocation failure to L->oom. */
void	cy_build_scenarios(struct loader *L, const struct ynode *m);

#endif
