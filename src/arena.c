/* SPDX-License-Identifier: ISC */
/*
 * arena.c: the arena the ceremony model and the answers file live in:
 * zeroed allocations from large blocks, all freed at once.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ARENA_BLOCK	(64 * 1024)

struct kr_arena_block {
	struct kr_arena_block	*next;
	size_t			 size, used;
	max_align_t		 data[];
};

struct kr_arena {
	struct kr_arena_block	*head;
};

struct kr_arena *
kr_arena_new(void)
{
	return calloc(1, sizeof(struct kr_arena));
}

void
kr_arena_free(struct kr_arena *a)
{
	struct kr_arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void *
kr_arena_alloc(struct kr_arena *a, size_t n)
{
	struct kr_arena_block *b = a->head;
	const size_t align = sizeof(max_align_t);
	size_t size;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + align - 1) / align * align;
	if (b == NULL || b->size - b->used < n) {
		size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		if ((b = calloc(1, sizeof(*b) + size)) == NULL)
			return NULL;
		b->size = size;
		if (a->head != NULL && n > ARENA_BLOCK) {
			/* keep the current block for small allocations */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

void *
kr_arena_array(struct kr_arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return kr_arena_alloc(a, n * size);
}

char *
kr_arena_strndup(struct kr_arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX || (p = kr_arena_alloc(a, len + 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
