/* SPDX-License-Identifier: ISC */
/*
 * engine-soft.c: the software module's ops table, its state directory and
 * lock, and the checks every operation starts with (mode, world).  What
 * every engine shares (modes, idents, engine_open) is in engine.c.
 *
 * Invariant: while a struct engine is open, this process holds the flock
 * on DIR/lock; the world (when there is one) has been parsed and its MAC
 * checked under the world key the module holds.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

int
soft_need_mode(const struct engine *eng, enum engine_op op, struct kr_err *e)
{
	return engine_mode_check(eng->mode, op, e);
}

int
soft_need_world(const struct engine *eng, struct kr_err *e)
{
	if (eng->world == NULL || eng->world_key == NULL)
		return kr_errf(e, KR_EFAIL,
		    "%s: no security world on this module (run new-world first)",
		    eng->dir);
	return 0;
}

int
soft_path(const struct engine *eng, const char *rel, char *out, size_t outsz,
    struct kr_err *e)
{
	if (kr_path_join(out, outsz, eng->dir, rel) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", eng->dir);
	return 0;
}

static void
soft_close(struct engine *eng)
{
	if (eng == NULL)
		return;
	soft_world_free(eng->world);
	kr_secure_free(eng->world_key, SOFT_KEY_LEN);
	kr_unlock_dir(eng->lockfd);
	kr_cleanse(eng, sizeof(*eng));
	free(eng);
}

static int
soft_open(const char *dir, int flags, struct engine **out, struct kr_err *e)
{
	static const char *const sub[] = { "module", "local", "cards" };
	struct engine *eng = NULL;
	char path[PATH_MAX];
	struct stat st;
	size_t i;
	int r;

	if ((r = kr_secmem_init(e)) != 0)
		return r;
	if (strlen(dir) >= sizeof(eng->dir) - 64)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	if (stat(dir, &st) == -1) {
		if (errno != ENOENT || !(flags & ENGINE_OPEN_CREATE))
			return kr_errf(e, KR_ENOINPUT, "%s: %s", dir,
			    errno == ENOENT ? "no such module state directory" :
			    strerror(errno));
	} else if (!S_ISDIR(st.st_mode))
		return kr_errf(e, KR_EDATA, "%s: not a directory", dir);
	if ((flags & ENGINE_OPEN_CREATE) && (r = kr_mkdir_private(dir, e)) != 0)
		return r;
	if ((eng = calloc(1, sizeof(*eng))) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	eng->lockfd = -1;
	snprintf(eng->dir, sizeof(eng->dir), "%s", dir);
	if ((r = kr_lock_dir(dir, &eng->lockfd, e)) != 0)
		goto fail;
	if (flags & ENGINE_OPEN_CREATE) {
		for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
			if ((r = soft_path(eng, sub[i], path, sizeof(path), e)) != 0 ||
			    (r = kr_mkdir_private(path, e)) != 0)
				goto fail;
		}
	}
	if ((r = soft_mode_load(eng, e)) != 0 ||
	    (r = soft_world_load(eng, e)) != 0)
		goto fail;
	*out = eng;
	return 0;
fail:
	soft_close(eng);
	return r;
}

static const struct engine_ops soft_ops = {
	.name = "soft",
	.open = soft_open,
	.close = soft_close,
	.status = soft_status,
	.status_free = soft_status_free,
	.set_mode = soft_set_mode,
	.new_world = soft_new_world,
	.world_info = soft_world_info_op,
	.card_path = soft_card_path,
	.card_begin = soft_card_begin,
	.card_present = soft_card_present,
	.card_state = soft_card_state,
	.card_end = soft_card_end,
	.generate_key = soft_generate_key,
	.reduce_acl = soft_reduce_acl,
	.verify_packages = soft_verify_packages,
	.package = soft_package,
	.export_public = soft_export_public,
	.cosign = soft_cosign,
};

const struct engine_ops *
engine_soft(void)
{
	return &soft_ops;
}
