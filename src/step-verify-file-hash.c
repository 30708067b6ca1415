/* SPDX-License-Identifier: ISC */
/*
 * step-verify-file-hash.c: the `verify-file-hash' step type.
 *
 * Checks the SHA-256 of a file (for example the downloaded toolset)
 * against the value the ceremony pins.
 */
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include "step.h"
#include "fsutil.h"
#include "step-ctx.h"

static const struct step_key keys[] = {
	{ "file", STEP_STRING, 1, NULL, 0, 0 },
	{ "sha256", STEP_SHA256, 1, NULL, 0, 0 },
	{ "name", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

/* Hashes the file (relative to media_dir, read through a descriptor opened
 * beneath it) and compares the hash with the
 * expected one, case-insensitively and ignoring spaces. */
static int
run(struct step_ctx *ctx)
{
	const char *file, *want, *name;
	char path[ENGINE_PATH_MAX], got[65], g1[80], g2[80];
	int rc, fd;

	if ((rc = step_arg(ctx, "file", &file)) != 0 ||
	    (rc = step_arg(ctx, "sha256", &want)) != 0 ||
	    (rc = step_arg(ctx, "name", &name)) != 0)
		return rc;
	if (name == NULL)
		name = file;
	if ((fd = step_open(ctx, ctx->media_dir, file)) < 0)
		return fd;
	snprintf(path, sizeof(path), "%s/%s", ctx->media_dir, file);
	rc = kr_fd_sha256_hex(fd, path, got, &ctx->err);
	close(fd);
	if (rc != 0)
		return step_fail(ctx, rc, "%s: %s", name, ctx->err.msg);
	step_group(got, g1, sizeof(g1));
	step_group(want, g2, sizeof(g2));
	step_info(ctx, "SHA-256 of %s: %s", file, g1);
	if (!step_hash_equal(got, want))
		return step_fail(ctx, KR_EFAIL, "%s (%s): SHA-256 does not "
		    "match: got %s, expected %s", name, file, g1, g2);
	snprintf(ctx->detail, sizeof(ctx->detail), "%s: SHA-256 %s matches",
	    file, g1);
	return 0;
}

const struct step_type step_verify_file_hash = {
	"verify-file-hash", keys, NULL, run,
};
