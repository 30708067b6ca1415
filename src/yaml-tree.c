/* SPDX-License-Identifier: ISC */
/*
 * yaml-tree.c: libyaml events to a node tree, refusing what keyrite's YAML
 * formats forbid (see yaml-tree.h).  Extracted from the ceremony loader so
 * that the answers file is read by the same code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "arena.h"
#include "ceremony.h"
#include "ceremony-int.h"
#include "diag.h"
#include "err.h"
#include "secmem.h"
#include "yaml-tree.h"

struct loader {
	const char		*buf;
	size_t			 len;
	struct kr_arena	*tmp;		/* the nodes */
	struct kr_arena	*strings;	/* the scalars */
	struct diag_list	*dl;
	int			 oom;
};

#define ERR(L, loc, ...) \
	diag_add((L)->dl, DIAG_ERROR, (loc).line, (loc).col, __VA_ARGS__)

/* Shortens a name for a message. */
#define NM(s)	80, (s)

static void
mark_loc(struct ceremony_loc *loc, const yaml_mark_t *start,
    const yaml_mark_t *end)
{
	loc->line = (unsigned)start->line + 1;
	loc->col = (unsigned)start->column + 1;
	loc->end_line = (unsigned)end->line + 1;
	loc->end_col = (unsigned)end->column + 1;
}

static int
tag_kind(const yaml_char_t *tag, enum ytag *out, int collection)
{
	const char *t = (const char *)tag;

	*out = YT_NONE;
	if (t == NULL)
		return 0;
	if (collection)
		return strcmp(t, YAML_MAP_TAG) == 0 ||
		    strcmp(t, YAML_SEQ_TAG) == 0 ? 0 : -1;
	if (strcmp(t, YAML_STR_TAG) == 0)
		*out = YT_STR;
	else if (strcmp(t, YAML_INT_TAG) == 0)
		*out = YT_INT;
	else if (strcmp(t, YAML_BOOL_TAG) == 0)
		*out = YT_BOOL;
	else
		return -1;
	return 0;
}

static struct ynode *
new_node(struct loader *L, enum ykind kind, const yaml_event_t *ev)
{
	struct ynode *n;

	if ((n = kr_arena_alloc(L->tmp, sizeof(*n))) == NULL) {
		L->oom = 1;
		return NULL;
	}
	n->kind = kind;
	mark_loc(&n->loc, &ev->start_mark, &ev->end_mark);
	return n;
}

static void
append(struct loader *L, struct ynode *parent, struct ynode *n)
{
	if (parent->kind == Y_MAP && parent->n % 2 == 0 && n->kind != Y_SCALAR)
		ERR(L, n->loc, "mapping keys must be scalars");
	if (parent->last == NULL)
		parent->first = n;
	else
		parent->last->next = n;
	parent->last = n;
	parent->n++;
}

static int
cmp_key(const void *a, const void *b)
{
	const struct ynode *x = *(const struct ynode *const *)a;
	const struct ynode *y = *(const struct ynode *const *)b;
	int r;

	if ((r = strcmp(x->s, y->s)) != 0)
		return r;
	if (x->loc.line != y->loc.line)
		return x->loc.line < y->loc.line ? -1 : 1;
	return x->loc.col < y->loc.col ? -1 : x->loc.col > y->loc.col;
}

/* Marks and reports duplicate keys of a finished mapping (n log n). */
static void
check_dups(struct loader *L, struct ynode *map)
{
	struct ynode **keys, *k;
	size_t n = 0, i, first = 0;

	if (map->n < 4)
		return;		/* at most one pair */
	if ((keys = calloc(map->n / 2, sizeof(*keys))) == NULL) {
		L->oom = 1;
		return;
	}
	for (k = map->first; k != NULL && k->next != NULL; k = k->next->next)
		if (k->kind == Y_SCALAR)
			keys[n++] = k;
	qsort(keys, n, sizeof(*keys), cmp_key);
	for (i = 1; i < n; i++) {
		if (strcmp(keys[i]->s, keys[first]->s) != 0) {
			first = i;
			continue;
		}
		keys[i]->dup = 1;
		ERR(L, keys[i]->loc, "duplicate key '%.*s' (first at line %u)",
		    NM(keys[i]->s), keys[first]->loc.line);
	}
	free(keys);
}

static void
yaml_error(struct loader *L, const yaml_parser_t *p)
{
	unsigned line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		L->oom = 1;
		return;
	case YAML_READER_ERROR:
		ceremony_offset_pos(L->buf, L->len, p->problem_offset, &line,
		    &col);
		if (p->problem_value != -1)
			diag_add(L->dl, DIAG_ERROR, line, col, "%s (byte 0x%02X)",
			    p->problem, (unsigned)p->problem_value & 0xff);
		else
			diag_add(L->dl, DIAG_ERROR, line, col, "%s", p->problem);
		return;
	default:
		line = (unsigned)p->problem_mark.line + 1;
		col = (unsigned)p->problem_mark.column + 1;
		if (p->context != NULL)
			diag_add(L->dl, DIAG_ERROR, line, col, "YAML syntax "
			    "error: %s (%s at line %u)", p->problem != NULL ?
			    p->problem : "unknown", p->context,
			    (unsigned)p->context_mark.line + 1);
		else
			diag_add(L->dl, DIAG_ERROR, line, col, "YAML syntax "
			    "error: %s", p->problem != NULL ? p->problem :
			    "unknown");
		return;
	}
}

/* 1 when a scalar is plain and reads as a YAML null ("", ~, null). */
static int
is_null_text(const char *s, size_t len)
{
	return len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* The text may hold secrets (an answers file's PINs): libyaml's copies are
 * wiped before it frees them, as the caller wipes its own buffer. */
static void
event_delete(yaml_event_t *ev)
{
	if (ev->type == YAML_SCALAR_EVENT && ev->data.scalar.value != NULL)
		kr_cleanse(ev->data.scalar.value, ev->data.scalar.length);
	yaml_event_delete(ev);
}

static void
parser_delete(yaml_parser_t *p)
{
	if (p->buffer.start != NULL)
		kr_cleanse(p->buffer.start,
		    (size_t)(p->buffer.end - p->buffer.start));
	if (p->raw_buffer.start != NULL)
		kr_cleanse(p->raw_buffer.start,
		    (size_t)(p->raw_buffer.end - p->raw_buffer.start));
	yaml_parser_delete(p);
}

/* Refuses what keyrite's formats forbid in an event: anchors and tags other
 * than !!str, !!int and !!bool (collections: their own tags only).  0 with
 * *tk set to the scalar's tag, or -1 after an error at loc. */
static int
check_event(struct loader *L, const yaml_event_t *ev,
    const struct ceremony_loc *loc, enum ytag *tk)
{
	const yaml_char_t *anchor = NULL, *tag = NULL;

	switch (ev->type) {
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	default:
		break;
	}
	if (anchor != NULL) {
		ERR(L, *loc, "anchors and aliases are not allowed "
		    "(anchor '&%.*s')", NM((const char *)anchor));
		return -1;
	}
	if (tag_kind(tag, tk, ev->type != YAML_SCALAR_EVENT) != 0) {
		ERR(L, *loc, "tag '%.*s' is not allowed (only !!str, "
		    "!!int and !!bool)", NM((const char *)tag));
		return -1;
	}
	return 0;
}

/* A scalar event's node, its text copied to L->strings; NULL with L->oom
 * set when out of memory. */
static struct ynode *
scalar_node(struct loader *L, const yaml_event_t *ev,
    const struct ceremony_loc *loc, enum ytag tk)
{
	struct ynode *n;

	if ((n = new_node(L, Y_SCALAR, ev)) == NULL)
		return NULL;
	n->tag = tk;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) !=
	    NULL)
		ERR(L, *loc, "a string may not contain a NUL character");
	n->s = kr_arena_strndup(L->strings,
	    (const char *)ev->data.scalar.value, ev->data.scalar.length);
	if (n->s == NULL) {
		L->oom = 1;
		return NULL;
	}
	n->null = n->plain && tk == YT_NONE &&
	    is_null_text(n->s, ev->data.scalar.length);
	return n;
}

/* Returns the root node, or NULL after an error (diagnostics added). */
static struct ynode *
parse(struct loader *L, int *empty)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct ynode *stack[YAML_TREE_MAX_DEPTH + 1], *root = NULL, *n;
	struct ceremony_loc loc;
	enum ytag tk;
	size_t depth = 0, ndocs = 0;
	int done = 0, failed = 0;

	if (!yaml_parser_initialize(&p)) {
		L->oom = 1;
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)L->buf, L->len);
	while (!done && !failed) {
		if (!yaml_parser_parse(&p, &ev)) {
			yaml_error(L, &p);
			failed = 1;
			break;
		}
		mark_loc(&loc, &ev.start_mark, &ev.end_mark);
		if (check_event(L, &ev, &loc, &tk) != 0) {
			event_delete(&ev);
			failed = 1;
			break;
		}
		n = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++ndocs > 1) {
				ERR(L, loc, "only one YAML document is allowed");
				failed = 1;
			}
			break;
		case YAML_ALIAS_EVENT:
			ERR(L, loc, "aliases are not allowed (alias '*%.*s')",
			    NM((const char *)ev.data.alias.anchor));
			failed = 1;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth >= YAML_TREE_MAX_DEPTH) {
				ERR(L, loc, "nesting deeper than %d levels",
				    YAML_TREE_MAX_DEPTH);
				failed = 1;
				break;
			}
			n = new_node(L, ev.type == YAML_MAPPING_START_EVENT ?
			    Y_MAP : Y_SEQ, &ev);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth == 0)
				break;	/* cannot happen with libyaml */
			stack[depth - 1]->loc.end_line = loc.end_line;
			stack[depth - 1]->loc.end_col = loc.end_col;
			if (stack[depth - 1]->kind == Y_MAP)
				check_dups(L, stack[depth - 1]);
			depth--;
			break;
		case YAML_SCALAR_EVENT:
			n = scalar_node(L, &ev, &loc, tk);
			break;
		default:
			break;
		}
		event_delete(&ev);
		if (L->oom)
			failed = 1;
		if (n == NULL || failed)
			continue;
		if (depth == 0)
			root = n;
		else
			append(L, stack[depth - 1], n);
		if (n->kind != Y_SCALAR)
			stack[depth++] = n;
	}
	parser_delete(&p);
	if (failed)
		return NULL;
	*empty = root == NULL;
	return root;
}

int
ynode_parse(const char *buf, size_t len, struct kr_arena *nodes,
    struct kr_arena *strings, struct diag_list *dl, struct ynode **root)
{
	struct loader L;
	struct ynode *n;
	int empty = 0;

	*root = NULL;
	memset(&L, 0, sizeof(L));
	L.buf = buf;
	L.len = len;
	L.tmp = nodes;
	L.strings = strings;
	L.dl = dl;
	n = parse(&L, &empty);
	if (L.oom)
		return KR_ENOMEM;
	if (n == NULL && !empty)
		return KR_EDATA;
	*root = n;
	return 0;
}

const struct ynode *
ynode_get(const struct ynode *map, const char *key)
{
	const struct ynode *k, *v;

	if (map == NULL || map->kind != Y_MAP)
		return NULL;
	YNODE_FOREACH_PAIR(k, v, map)
		if (strcmp(k->s, key) == 0)
			return v;
	return NULL;
}

size_t
ynode_pairs(const struct ynode *map)
{
	return map->kind == Y_MAP ? map->n / 2 : 0;
}
