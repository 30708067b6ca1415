/* SPDX-License-Identifier: ISC */
/*
 * yaml-tree.h: the safe first stage of every YAML reader in keyrite (the
 * ceremony loader, the answers file): libyaml's events become a small tree
 * of nodes, and what our formats forbid at the YAML level is refused on the
 * way: anchors and aliases, more than one document, nesting deeper than
 * YAML_TREE_MAX_DEPTH, tags other than the core str/int/bool (and map/seq),
 * non-scalar and duplicate mapping keys, NUL characters.  A YAML syntax or
 * encoding error stops the parse.  Every problem goes to a diagnostics list
 * with its line and column.  A buffer in, no I/O.
 *
 * The nodes live in one arena and the scalar strings in another (the
 * ceremony keeps its strings, a reader of secrets can wipe them); both
 * belong to the caller.  A mapping's children alternate key, value.
 */
#ifndef KR_YAML_TREE_H
#define KR_YAML_TREE_H

#include <stddef.h>

#include "ceremony.h"		/* struct ceremony_loc */

struct kr_arena;
struct diag_list;

#define YAML_TREE_MAX_DEPTH	CEREMONY_MAX_DEPTH

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };
enum ytag { YT_NONE, YT_STR, YT_INT, YT_BOOL };

struct ynode {
	enum ykind		 kind;
	enum ytag		 tag;
	struct ceremony_loc	 loc;
	const char		*s;	/* scalar value (in the strings arena) */
	int			 plain;	/* unquoted scalar */
	int			 null;	/* plain "", "~" or "null" */
	int			 dup;	/* a duplicate key: skip its pair */
	struct ynode		*first, *last, *next;
	size_t			 n;
};

/*
 * Parses buf (len bytes) into a tree.  Returns 0 and *root (NULL when the
 * stream holds no document); KR_EDATA after a fatal problem (diagnostics
 * added, *root NULL); KR_ENOMEM.  Problems that do not stop the parse
 * (duplicate keys, a non-scalar key, a NUL) are added to dl and the tree is
 * still returned: the caller decides from dl->nerrors.
 */
int	ynode_parse(const char *buf, size_t len, struct kr_arena *nodes,
	    struct kr_arena *strings, struct diag_list *dl,
	    struct ynode **root);

/* The value of key in a mapping (duplicates skipped), or NULL. */
const struct ynode *ynode_get(const struct ynode *map, const char *key);

/* The number of pairs of a mapping (0 for anything else). */
size_t	ynode_pairs(const struct ynode *map);

/* Iterates the pairs of a mapping, skipping non-scalar and duplicate keys. */
#define YNODE_FOREACH_PAIR(k, v, map)					\
	for ((k) = (map)->first; (k) != NULL && ((v) = (k)->next) != NULL; \
	    (k) = (v)->next)						\
		if ((k)->kind != Y_SCALAR || (k)->dup)			\
			continue;					\
		else

#endif
