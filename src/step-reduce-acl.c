/* SPDX-License-Identifier: ISC */
/*
 * step-reduce-acl.c: the `reduce-acl' step type.
 *
 * Reduces a key's ACL so that it can only be exported wrapped to
 * the named KEK for the named world package (needs the quorum).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "step.h"
#include "fsutil.h"
#include "step-ctx.h"

static const struct step_key keys[] = {
	{ "ident", STEP_STRING, 1, NULL, 0, 0 },
	{ "kek_package", STEP_STRING, 1, NULL, 0, 0 },
	{ "world_package", STEP_STRING, 1, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

/* The quorum (CARD until K good cards), then -ModifyAcls. */
/* The ACL in words with each hash (name=HEX) in groups of eight, the
 * form the witness compares. */
static void
group_acl(const char *in, char *out, size_t outsz)
{
	char tok[160], g[160];
	const char *eq;
	size_t n, len = 0;

	out[0] = '\0';
	while (*in != '\0' && len + 1 < outsz) {
		n = strcspn(in, " ");
		snprintf(tok, sizeof(tok), "%.*s", (int)n, in);
		if ((eq = strchr(tok, '=')) != NULL && strlen(eq + 1) == 64 &&
		    strspn(eq + 1, "0123456789abcdefABCDEF") == 64) {
			step_group(eq + 1, g, sizeof(g));
			snprintf(out + len, outsz - len, "%s%.*s=%s", len ? " " :
			    "", (int)(eq - tok), tok, g);
		} else
			snprintf(out + len, outsz - len, "%s%s", len ? " " : "",
			    tok);
		len = strlen(out);
		in += n;
		while (*in == ' ')
			in++;
	}
}

static int
run(struct step_ctx *ctx)
{
	struct engine_quorum *q;
	struct engine_acl_req req;
	struct engine_key_info ki;
	char acl[512];
	struct kr_err e;
	const char *ident, *kek, *world, *root, *region;
	char id[ENGINE_IDENT_MAX];
	char path[ENGINE_PATH_MAX + 64];
	int rc;

	if ((rc = step_arg(ctx, "ident", &ident)) != 0 ||
	    (rc = step_arg(ctx, "kek_package", &kek)) != 0 ||
	    (rc = step_arg(ctx, "world_package", &world)) != 0 ||
	    (rc = step_pinned(ctx, &root, &region)) != 0)
		return rc;
	kr_err_clear(&e);
	if (engine_ident_normalize(ident, id, sizeof(id), &e) != 0)
		return step_fail(ctx, KR_EDATA, "%s", e.msg);
	snprintf(path, sizeof(path), "%s/local/key_xferacld_%s",
	    ctx->state_dir, id);
	if (ctx->resumed && kr_path_exists(path)) {
		if ((rc = step_note(ctx, "key_xferacld_%s was written before "
		    "the resume; not written again", id)) != 0)
			return rc;
		snprintf(ctx->detail, sizeof(ctx->detail), "key_xferacld_%s "
		    "(already written)", id);
		return 0;
	}
	/* The packages are read before the cards are asked for: a bad path
	 * fails at once. */
	memset(&req, 0, sizeof(req));
	if ((rc = step_read_packages(ctx, kek, world, &req.pkg)) != 0)
		return rc;
	if ((rc = step_need_quorum(ctx, &q)) != 0) {
		step_free_packages(&req.pkg);
		return rc;
	}
	req.ident = id;
	req.pkg.pinned_root = root;
	req.pkg.region = region;
	rc = ctx->ops->reduce_acl(ctx->eng, q, &req, &ki, &e);
	step_free_packages(&req.pkg);
	if (rc != 0)
		return step_engine_fail(ctx, ENGINE_OP_REDUCE_ACL, &e);
	group_acl(ki.acl, acl, sizeof(acl));
	step_info(ctx, "key_xferacld_%s: %s", id, acl);
	snprintf(ctx->detail, sizeof(ctx->detail), "key_xferacld_%s: %s", id,
	    acl);
	return 0;
}

const struct step_type step_reduce_acl = {
	"reduce-acl", keys, NULL, run,
};
