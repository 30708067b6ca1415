/* SPDX-License-Identifier: ISC */
/*
 * step-import-kek.c: the `import-kek' step type.
 *
 * Imports the key exchange key (the receiving vault's public key)
 * for the current BYOK method, recording its kid.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "step.h"
#include "codec.h"
#include "fsutil.h"
#include "step-ctx.h"

static const struct step_key keys[] = {
	{ "file", STEP_STRING, 1, NULL, 0, 0 },
	{ "kid", STEP_STRING, 1, NULL, 0, 0 },
	{ "sha256", STEP_SHA256, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

int
step_kek_path(struct step_ctx *ctx, const char *file, char *out, size_t outsz)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	char dir[ENGINE_PATH_MAX];
	int rc;

	if ((rc = step_path(ctx->state_dir, "kek", dir, sizeof(dir),
	    &ctx->err)) != 0 || (rc = step_path(dir, base, out, outsz,
	    &ctx->err)) != 0)
		return rc;
	if (kr_path_exists(out))
		return 0;
	return step_path(ctx->media_dir, file, out, outsz, &ctx->err);
}

/* Checks the KEK PEM (relative to media_dir) against the recorded SHA-256,
 * copies it to STATE/kek/ (package takes it from there) and records the
 * kid. */
static int
run(struct step_ctx *ctx)
{
	const char *file, *kid, *want, *base;
	char src[ENGINE_PATH_MAX], dir[ENGINE_PATH_MAX], dst[ENGINE_PATH_MAX];
	char got[65], g1[80], g2[80], *buf = NULL;
	size_t len;
	int rc;

	if ((rc = step_arg(ctx, "file", &file)) != 0 ||
	    (rc = step_arg(ctx, "kid", &kid)) != 0 ||
	    (rc = step_arg(ctx, "sha256", &want)) != 0)
		return rc;
	if ((rc = step_path(ctx->media_dir, file, src, sizeof(src),
	    &ctx->err)) != 0)
		return rc;
	if ((rc = kr_read_file(src, 64 * 1024, &buf, &len, &ctx->err)) != 0)
		return step_fail(ctx, rc, "KEK file: %s", ctx->err.msg);
	if (strstr(buf, "-----BEGIN PUBLIC KEY-----") == NULL) {
		free(buf);
		return step_fail(ctx, KR_EDATA, "KEK file %s: not a PEM public "
		    "key", file);
	}
	kr_sha256_hex(buf, len, got);
	step_group(got, g1, sizeof(g1));
	step_info(ctx, "SHA-256 of %s: %s", file, g1);
	if (want != NULL && !step_hash_equal(got, want)) {
		free(buf);
		step_group(want, g2, sizeof(g2));
		return step_fail(ctx, KR_EFAIL, "KEK file: SHA-256 does not "
		    "match the value recorded on the connected workstation: "
		    "got %s, expected %s", g1, g2);
	}
	base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	if ((rc = step_path(ctx->state_dir, "kek", dir, sizeof(dir),
	    &ctx->err)) != 0 || (rc = kr_mkdir_private(dir, &ctx->err)) != 0 ||
	    (rc = step_path(dir, base, dst, sizeof(dst), &ctx->err)) != 0 ||
	    (rc = kr_write_atomic(dst, buf, len, 0600, &ctx->err)) != 0) {
		free(buf);
		return rc;
	}
	free(buf);
	if ((rc = step_artifact(ctx, dst, "kek")) != 0)
		return rc;
	step_info(ctx, "KEK kid: %s", kid);
	snprintf(ctx->detail, sizeof(ctx->detail), "KEK %s (SHA-256 %s), kid "
	    "%s", file, g1, kid);
	return 0;
}

const struct step_type step_import_kek = {
	"import-kek", keys, NULL, run,
};
