/* SPDX-License-Identifier: ISC */
/*
 * arena.h: an arena: zeroed allocations freed all at once.  The ceremony
 * model, the YAML node trees and the answers file live in one.
 */
#ifndef KR_ARENA_H
#define KR_ARENA_H

#include <stddef.h>

struct kr_arena;

/* A new, empty arena, or NULL on OOM. */
struct kr_arena *kr_arena_new(void);
/* Frees every block (a may be NULL). */
void	kr_arena_free(struct kr_arena *a);
/* n zeroed bytes aligned for any type, or NULL on OOM. */
void	*kr_arena_alloc(struct kr_arena *a, size_t n);
/* n zeroed elements of size bytes, or NULL on OOM or overflow. */
void	*kr_arena_array(struct kr_arena *a, size_t n, size_t size);
/* A NUL-terminated copy of s[0..len), or NULL on OOM. */
char	*kr_arena_strndup(struct kr_arena *a, const char *s, size_t len);

#endif
