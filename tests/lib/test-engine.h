/* SPDX-License-Identifier: ISC */
/*
 * test-engine.h: fixtures shared by the engine's cmocka tests: a fresh
 * state directory under $TMPDIR, a world made with a low scrypt cost, PINs
 * in secure memory.
 */
#ifndef KR_TEST_ENGINE_H
#define KR_TEST_ENGINE_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

#define TEST_LOG2N	10

struct fixture {
	char		 dir[PATH_MAX];
	struct engine	*eng;
	const struct engine_ops *ops;
	struct engine_world_info world;
	uint8_t		*pins[ENGINE_MAX_CARDS];
	size_t		 pinlen[ENGINE_MAX_CARDS];
};

static inline void
fx_pin(struct fixture *f, int i, const char *text)
{
	f->pinlen[i] = strlen(text);
	f->pins[i] = kr_secure_malloc(f->pinlen[i] + 1);
	memcpy(f->pins[i], text, f->pinlen[i]);
}

static inline struct engine_pin
fx_engine_pin(struct fixture *f, int i)
{
	struct engine_pin p = { f->pins[i], f->pinlen[i] };

	return p;
}

/* Makes an empty state dir and opens it; returns 0 or a KR_E code. */
static inline int
fx_open(struct fixture *f, struct kr_err *e)
{
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX - 16];
	int i;

	memset(f, 0, sizeof(*f));
	kr_secmem_init(NULL);
	snprintf(tmpl, sizeof(tmpl), "%s/keyrite-engine.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(tmpl) == NULL)
		return KR_ECANTCREAT;
	snprintf(f->dir, sizeof(f->dir), "%s/state", tmpl);
	f->ops = engine_soft();
	for (i = 0; i < ENGINE_MAX_CARDS; i++) {
		char pin[32];

		snprintf(pin, sizeof(pin), "pin-of-card-%d", i + 1);
		fx_pin(f, i, pin);
	}
	return f->ops->open(f->dir, ENGINE_OPEN_CREATE, &f->eng, e);
}

/* A world of k/n in mode O (the module passes through I). */
static inline int
fx_world(struct fixture *f, const char *suite, int k, int n, struct kr_err *e)
{
	struct engine_world_req req;
	int i, r;

	memset(&req, 0, sizeof(req));
	req.suite = suite;
	req.k = k;
	req.n = n;
	req.scrypt_log2n = TEST_LOG2N;
	for (i = 0; i < n; i++)
		req.pins[i] = fx_engine_pin(f, i);
	if ((r = f->ops->set_mode(f->eng, ENGINE_MODE_INIT, e)) != 0 ||
	    (r = f->ops->new_world(f->eng, &req, &f->world, e)) != 0 ||
	    (r = f->ops->set_mode(f->eng, ENGINE_MODE_OPERATIONAL, e)) != 0)
		return r;
	return 0;
}

static inline void
fx_close(struct fixture *f)
{
	char parent[PATH_MAX], *slash;
	int i;

	if (f->eng != NULL)
		f->ops->close(f->eng);
	f->eng = NULL;
	snprintf(parent, sizeof(parent), "%s", f->dir);
	if ((slash = strrchr(parent, '/')) != NULL)
		*slash = '\0';
	if (parent[0] != '\0' && getenv("KEYRITE_TEST_KEEP") == NULL)
		kr_remove_tree(parent, NULL);
	for (i = 0; i < ENGINE_MAX_CARDS; i++)
		kr_secure_free(f->pins[i], f->pinlen[i] + 1);
}

/* Presents card index with its own PIN (or pin_override). */
static inline int
fx_present(struct fixture *f, struct engine_quorum *q, int index,
    const char *pin_override, struct kr_err *e)
{
	char path[PATH_MAX];
	struct engine_pin p;
	int got = 0, r;

	if ((r = f->ops->card_path(f->eng, index, path, sizeof(path), e)) != 0)
		return r;
	p = fx_engine_pin(f, index - 1);
	if (pin_override != NULL) {
		p.pin = (const uint8_t *)pin_override;
		p.len = strlen(pin_override);
	}
	return f->ops->card_present(q, path, &p, &got, e);
}

#endif
