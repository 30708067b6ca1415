/* SPDX-License-Identifier: ISC */
/*
 * step-carry-artifact.c: the `carry-artifact' step type.
 *
 * An artifact is carried from one station to another on removable
 * media.  Its SHA-256 is shown on the sending side (the step that wrote or
 * checked it) and checked by keyrite on arrival: against `sha256' when
 * given (a pinned or recorded hash), else against the hash this log
 * recorded when the file was written or last carried.  A mismatch fails
 * the step; the hash on arrival is logged either way.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "err.h"
#include "step.h"
#include "fsutil.h"
#include "step-ctx.h"

static const struct step_key keys[] = {
	{ "artifact", STEP_STRING, 1, NULL, 0, 0 },
	{ "from", STEP_STATION, 1, NULL, 0, 0 },
	{ "to", STEP_STATION, 1, NULL, 0, 0 },
	{ "medium", STEP_STRING, 0, NULL, 0, 0 },
	{ "sha256", STEP_SHA256, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

/* ACK that the file was carried, then hash it where it is (out_dir first,
 * then media_dir) and log it. */
static int
run(struct step_ctx *ctx)
{
	const char *art, *from, *to, *medium, *want;
	char path[ENGINE_PATH_MAX], got[65], logged[65], g1[80], g2[80];
	uint8_t h[32];
	uint64_t size;
	int rc, fd;

	if ((rc = step_arg(ctx, "artifact", &art)) != 0 ||
	    (rc = step_arg(ctx, "from", &from)) != 0 ||
	    (rc = step_arg(ctx, "to", &to)) != 0 ||
	    (rc = step_arg(ctx, "medium", &medium)) != 0 ||
	    (rc = step_arg(ctx, "sha256", &want)) != 0)
		return rc;
	if ((rc = step_need_ack(ctx)) != 0) {
		step_info(ctx, "carry %s from %s to %s%s%s", art, from, to,
		    medium ? " on " : "", medium ? medium : "");
		return rc;
	}
	if ((fd = step_open_found(ctx, art, path, sizeof(path))) < 0)
		return fd;
	rc = kr_fd_sha256(fd, path, h, &size, &ctx->err);
	close(fd);
	if (rc != 0)
		return step_fail(ctx, rc, "%s: %s", art, ctx->err.msg);
	kr_hex_encode(h, sizeof(h), got, sizeof(got));
	if (want == NULL && step_logged_sha256(ctx, art, logged) == 0)
		want = logged;
	step_group(got, g1, sizeof(g1));
	if (want != NULL) {
		step_group(want, g2, sizeof(g2));
		if (!step_hash_equal(got, want))
			return step_fail(ctx, KR_EFAIL, "%s: SHA-256 on arrival "
			    "%s does not match %s, the one recorded on the "
			    "sending side: do not use it", art, g1, g2);
		step_info(ctx, "SHA-256 of %s on arrival matches the sending "
		    "side: %s", art, g1);
	}
	if ((rc = step_artifact_hashed(ctx, path, h, size, "carried")) != 0)
		return rc;
	snprintf(ctx->detail, sizeof(ctx->detail), "%s carried from %s to %s%s",
	    art, from, to, want != NULL ? ", SHA-256 checked on arrival" : "");
	return 0;
}

const struct step_type step_carry_artifact = {
	"carry-artifact", keys, NULL, run,
};
