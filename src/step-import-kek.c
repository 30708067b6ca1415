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
#include <unistd.h>

#include "step.h"
#include "codec.h"
#include "fsutil.h"
#include "path.h"
#include "step-ctx.h"

#define KEK_MAX	(64 * 1024)		/* a public key PEM */

static const struct step_key keys[] = {
	{ "file", STEP_STRING, 1, NULL, 0, 0 },
	{ "kid", STEP_STRING, 1, NULL, 0, 0 },
	{ "sha256", STEP_SHA256, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

int
step_kek_read(struct step_ctx *ctx, const char *file, char **buf,
    size_t *len, char *name, size_t namesz)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	char rel[ENGINE_PATH_MAX];
	int rc;

	snprintf(rel, sizeof(rel), "kek/%s", base);
	rc = step_read(ctx, ctx->state_dir, rel, KEK_MAX, buf, len);
	if (rc != KR_ENOINPUT) {
		snprintf(name, namesz, "%s/%s", ctx->state_dir, rel);
		return rc;
	}
	kr_err_clear(&ctx->err);
	snprintf(name, namesz, "%s/%s", ctx->media_dir, file);
	return step_read(ctx, ctx->media_dir, file, KEK_MAX, buf, len);
}

/* Checks the KEK PEM (relative to media_dir) against the recorded SHA-256,
 * copies it to STATE/kek/ (package takes it from there) and records the
 * kid. */
static int
run(struct step_ctx *ctx)
{
	const char *file, *kid, *want, *base;
	char dir[ENGINE_PATH_MAX], dst[ENGINE_PATH_MAX];
	char got[65], g1[80], g2[80], *buf = NULL;
	uint8_t h[32];
	size_t len;
	int rc, dfd;

	if ((rc = step_arg(ctx, "file", &file)) != 0 ||
	    (rc = step_arg(ctx, "kid", &kid)) != 0 ||
	    (rc = step_arg(ctx, "sha256", &want)) != 0)
		return rc;
	if ((rc = step_read(ctx, ctx->media_dir, file, KEK_MAX, &buf,
	    &len)) != 0)
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
	/* The copy is written through a descriptor on STATE/kek and logged
	 * with the hash of the bytes read: nothing is reopened by name. */
	base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	if (kr_path_join(dir, sizeof(dir), ctx->state_dir, "kek") != 0 ||
	    kr_path_join(dst, sizeof(dst), dir, base) != 0) {
		free(buf);
		return step_fail(ctx, KR_EUSAGE, "%s: path too long", file);
	}
	if ((dfd = kr_path_mkdir_beneath(ctx->state_dir, "kek",
	    &ctx->err)) < 0) {
		free(buf);
		return dfd;
	}
	rc = kr_write_atomic_at(dfd, dir, base, buf, len, 0600, &ctx->err);
	close(dfd);
	kr_sha256(buf, len, h);
	free(buf);
	if (rc != 0 ||
	    (rc = step_artifact_hashed(ctx, dst, h, len, "kek")) != 0)
		return rc;
	step_info(ctx, "KEK kid: %s", kid);
	snprintf(ctx->detail, sizeof(ctx->detail), "KEK %s (SHA-256 %s), kid "
	    "%s", file, g1, kid);
	return 0;
}

const struct step_type step_import_kek = {
	"import-kek", keys, NULL, run,
};
