/* SPDX-License-Identifier: ISC */
/*
 * engine-soft-status.c: what the module holds: its mode, its world (id,
 * suite, K/N, cards) and its keys with their ACLs, read through the same
 * checked readers as every operation (a damaged file is an error, not a
 * line left out).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"

static int
key_cmp(const void *a, const void *b)
{
	const struct engine_key_info *x = a, *y = b;
	int c = strcmp(x->ident, y->ident);

	return c != 0 ? c : strcmp(x->appname, y->appname);	/* simple first */
}

void
soft_status_free(struct engine_status *st)
{
	if (st == NULL)
		return;
	free(st->keys);
	memset(st, 0, sizeof(*st));
}

int
soft_status(struct engine *eng, struct engine_status *st, struct kr_err *e)
{
	static const char *const apps[] = { "simple", "xferacld" };
	struct engine_key_info *keys = NULL, *nk;
	struct soft_key k;
	struct dirent *de;
	char path[PATH_MAX], prefix[32];
	size_t n = 0, cap = 0, i, pl;
	DIR *d = NULL;
	int r;

	memset(st, 0, sizeof(*st));
	st->mode = eng->mode;
	if (eng->world != NULL) {
		st->has_world = 1;
		soft_world_info(eng->world, &st->world);
	}
	if ((r = soft_path(eng, "local", path, sizeof(path), e)) != 0)
		return r;
	if ((d = opendir(path)) == NULL)
		return 0;	/* no keys */
	while ((de = readdir(d)) != NULL) {
		for (i = 0; i < sizeof(apps) / sizeof(apps[0]); i++) {
			pl = (size_t)snprintf(prefix, sizeof(prefix), "key_%s_",
			    apps[i]);
			if (strncmp(de->d_name, prefix, pl) == 0)
				break;
		}
		if (i == sizeof(apps) / sizeof(apps[0]) ||
		    strchr(de->d_name, '.') != NULL)	/* temp files */
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			if ((nk = reallocarray(keys, cap, sizeof(*keys))) == NULL) {
				r = kr_errf(e, KR_ENOMEM, "out of memory");
				goto fail;
			}
			keys = nk;
		}
		if ((r = soft_key_load(eng, apps[i], de->d_name + pl, &k, e)) != 0)
			goto fail;
		keys[n++] = k.info;
		soft_key_free(&k);
	}
	closedir(d);
	if (n > 1)
		qsort(keys, n, sizeof(*keys), key_cmp);
	st->keys = keys;
	st->nkeys = n;
	return 0;
fail:
	closedir(d);
	free(keys);
	return r;
}
