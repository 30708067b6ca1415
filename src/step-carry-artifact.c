/*
 * step-carry-artifact.c: the `carry-artifact' step type.
 *
 * An artifact is carried from one station to another on removable
 * media; its SHA-256 is recorded on both sides.
 */
#include <stddef.h>
#include <stdio.h>

#include "step.h"
#include "fsutil.h"
#include "step-ctx.h"

static const struct step_key keys[] = {
	{ "artifact", STEP_STRING, 1, NULL, 0, 0 },
	{ "from", STEP_STATION, 1, NULL, 0, 0 },
	{ "to", STEP_STATION, 1, NULL, 0, 0 },
	{ "medium", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

/* ACK that the file was carried, then hash it where it is (out_dir first,
 * then media_dir) and log it. */
static int
run(struct step_ctx *ctx)
{
	const char *art, *from, *to, *medium;
	char path[ENGINE_PATH_MAX];
	int rc;

	if ((rc = step_arg(ctx, "artifact", &art)) != 0 ||
	    (rc = step_arg(ctx, "from", &from)) != 0 ||
	    (rc = step_arg(ctx, "to", &to)) != 0 ||
	    (rc = step_arg(ctx, "medium", &medium)) != 0)
		return rc;
	if ((rc = step_need_ack(ctx)) != 0) {
		step_info(ctx, "carry %s from %s to %s%s%s", art, from, to,
		    medium ? " on " : "", medium ? medium : "");
		return rc;
	}
	if ((rc = step_path(ctx->out_dir, art, path, sizeof(path),
	    &ctx->err)) != 0)
		return rc;
	if (!kr_path_exists(path) && ((rc = step_path(ctx->media_dir, art,
	    path, sizeof(path), &ctx->err)) != 0 || !kr_path_exists(path)))
		return step_fail(ctx, KR_ENOINPUT, "%s: not found in %s or %s",
		    art, ctx->out_dir, ctx->media_dir);
	if ((rc = step_artifact(ctx, path, "carried")) != 0)
		return rc;
	snprintf(ctx->detail, sizeof(ctx->detail), "%s carried from %s to %s",
	    art, from, to);
	return 0;
}

const struct step_type step_carry_artifact = {
	"carry-artifact", keys, NULL, run,
};
