/* SPDX-License-Identifier: ISC */
/*
 * step-verify-packages.c: the `verify-packages' step type.
 *
 * Verifies the KEK package and the Security World package up to the
 * pinned root key hash, and that they belong to the region.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "step.h"
#include "step-ctx.h"

static const struct step_key keys[] = {
	{ "kek_package", STEP_STRING, 1, NULL, 0, 0 },
	{ "world_package", STEP_STRING, 1, NULL, 0, 0 },
	{ "root_hash", STEP_HASH, 1, NULL, 0, 0 },
	{ "region", STEP_STRING, 1, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

/* verifykeypackage: both packages (relative to media_dir) against the
 * pinned root, or the rehearsal's "root_hash" override.  The step reads
 * them through descriptors (step_read_packages): what is verified is
 * what was opened beneath media_dir. */
static int
run(struct step_ctx *ctx)
{
	struct engine_pkg_req req;
	struct engine_pkg_result res;
	struct kr_err e;
	const char *kek, *world, *root, *region, *ov;
	char g[100];
	int rc;

	if ((rc = step_arg(ctx, "kek_package", &kek)) != 0 ||
	    (rc = step_arg(ctx, "world_package", &world)) != 0 ||
	    (rc = step_arg(ctx, "root_hash", &root)) != 0 ||
	    (rc = step_arg(ctx, "region", &region)) != 0)
		return rc;
	if ((ov = step_override(ctx, "root_hash")) != NULL)
		root = ov;
	memset(&req, 0, sizeof(req));
	if ((rc = step_read_packages(ctx, kek, world, &req)) != 0)
		return rc;
	req.pinned_root = root;
	req.region = region;
	kr_err_clear(&e);
	rc = ctx->ops->verify_packages(ctx->eng, &req, &res, &e);
	step_free_packages(&req);
	if (rc != 0)
		return step_engine_fail(ctx, ENGINE_OP_VERIFY_PACKAGES, &e);
	/* the pinned hash in the form the procedure publishes it (five
	 * groups of eight for its SHA-1), for the witness to compare */
	step_group(root, g, sizeof(g));
	step_info(ctx, "root key hash %s (%s, as pinned): the packages chain "
	    "to it", g, strlen(g) == 44 ? "SHA-1" : "SHA-256");
	step_group(res.root_sha256, g, sizeof(g));
	step_info(ctx, "root key SHA-256: %s", g);
	step_group(res.kek_sha256, g, sizeof(g));
	step_info(ctx, "%s: %s", kek, g);
	step_group(res.world_sha256, g, sizeof(g));
	step_info(ctx, "%s: %s", world, g);
	step_info(ctx, "Result: SUCCESS");
	snprintf(ctx->detail, sizeof(ctx->detail), "Result: SUCCESS");
	return 0;
}

const struct step_type step_verify_packages = {
	"verify-packages", keys, NULL, run,
};
