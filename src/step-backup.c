/* SPDX-License-Identifier: ISC */
/*
 * step-backup.c: the `backup' step type.
 *
 * Copies the world (or a key, or both) to backup media.
 */
#include <stddef.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "step.h"
#include "fsutil.h"
#include "step-ctx.h"

static const char *const what_values[] = {
	"world", "key", "all", NULL
};

static const struct step_key keys[] = {
	{ "what", STEP_ENUM, 1, what_values, 0, 0 },
	{ "ident", STEP_STRING, 0, NULL, 0, 0 },
	{ "dest", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

/* Copies one file of the module's local directory to the backup dir. */
static int
copy(struct step_ctx *ctx, const char *dest, const char *name)
{
	char src[ENGINE_PATH_MAX], dst[ENGINE_PATH_MAX], local[ENGINE_PATH_MAX];
	char *buf = NULL;
	size_t len;
	int rc;

	if ((rc = step_path(ctx->state_dir, "local", local, sizeof(local),
	    &ctx->err)) != 0 ||
	    (rc = step_path(local, name, src, sizeof(src), &ctx->err)) != 0 ||
	    (rc = step_path(dest, name, dst, sizeof(dst), &ctx->err)) != 0)
		return rc;
	if ((rc = kr_read_file(src, (size_t)64 << 20, &buf, &len,
	    &ctx->err)) != 0)
		return step_fail(ctx, rc, "backup: %s", ctx->err.msg);
	rc = kr_write_atomic(dst, buf, len, 0600, &ctx->err);
	free(buf);
	if (rc != 0)
		return rc;
	return step_artifact(ctx, dst, "backup");
}

/* Every key file of the module, for what: all. */
static int
copy_all(struct step_ctx *ctx, const char *dest, int *count)
{
	char local[ENGINE_PATH_MAX];
	struct dirent *d;
	DIR *dir;
	int rc = 0;

	if ((rc = step_path(ctx->state_dir, "local", local, sizeof(local),
	    &ctx->err)) != 0)
		return rc;
	if ((dir = opendir(local)) == NULL)
		return step_fail(ctx, KR_ENOINPUT, "%s: cannot read", local);
	while (rc == 0 && (d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, "world") != 0 &&
		    strncmp(d->d_name, "key_", 4) != 0)
			continue;
		if ((rc = copy(ctx, dest, d->d_name)) == 0)
			(*count)++;
	}
	closedir(dir);
	return rc;
}

/* Copies the world, a key (and its reduced-ACL copy when there is one) or
 * both into out_dir/backup (or `dest', relative to out_dir). */
static int
run(struct step_ctx *ctx)
{
	const char *what, *ident, *dest;
	char dir[ENGINE_PATH_MAX], id[ENGINE_IDENT_MAX], name[128], p[4200];
	struct kr_err e;
	int rc, count = 0;

	if ((rc = step_arg(ctx, "what", &what)) != 0 ||
	    (rc = step_arg(ctx, "ident", &ident)) != 0 ||
	    (rc = step_arg(ctx, "dest", &dest)) != 0)
		return rc;
	if ((rc = step_path(ctx->out_dir, dest ? dest : "backup", dir,
	    sizeof(dir), &ctx->err)) != 0 ||
	    (rc = kr_mkdir_private(dir, &ctx->err)) != 0)
		return rc;
	if (strcmp(what, "all") == 0) {
		if ((rc = copy_all(ctx, dir, &count)) != 0)
			return rc;
	} else if (strcmp(what, "world") == 0) {
		if ((rc = copy(ctx, dir, "world")) != 0)
			return rc;
		count = 1;
	} else {
		if (ident == NULL)
			return step_fail(ctx, KR_EDATA, "backup of a key needs "
			    "'ident'");
		if (engine_ident_normalize(ident, id, sizeof(id), &e) != 0)
			return step_fail(ctx, KR_EDATA, "%s", e.msg);
		snprintf(name, sizeof(name), "key_simple_%s", id);
		if ((rc = copy(ctx, dir, name)) != 0)
			return rc;
		count = 1;
		snprintf(name, sizeof(name), "key_xferacld_%s", id);
		snprintf(p, sizeof(p), "%s/local/%s", ctx->state_dir, name);
		if (kr_path_exists(p)) {
			if ((rc = copy(ctx, dir, name)) != 0)
				return rc;
			count++;
		}
	}
	snprintf(ctx->detail, sizeof(ctx->detail), "%d file%s backed up to "
	    "%.400s", count, count == 1 ? "" : "s", dir);
	return 0;
}

const struct step_type step_backup = {
	"backup", keys, NULL, run,
};
