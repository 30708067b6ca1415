/* SPDX-License-Identifier: ISC */
/*
 * step-package.c: the `package' step type.
 *
 * Wraps the key to the KEK and writes the transfer package: the
 * legacy format bound to a subscription, or a .byok file for a kid.
 * On a token (--token) the custodians' quorum logs in first; the token
 * makes the key non-extractable after wrapping it, so a resumed step keeps
 * the package written before the power cut.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "ceremony.h"
#include "codec.h"
#include "ceremony-int.h"
#include "diag.h"
#include "step.h"
#include "fsutil.h"
#include "path.h"
#include "step-ctx.h"
#include "step-package-lint.h"

static const char *const format_values[] = {
	"legacy", "byok", NULL
};

static const struct step_key keys[] = {
	{ "format", STEP_ENUM, 1, format_values, 0, 0 },
	{ "ident", STEP_STRING, 1, NULL, 0, 0 },
	{ "output", STEP_STRING, 1, NULL, 0, 0 },
	{ "kek_package", STEP_STRING, 0, NULL, 0, 0 },
	{ "world_package", STEP_STRING, 0, NULL, 0, 0 },
	{ "subscription_id", STEP_STRING, 0, NULL, 0, 0 },
	{ "friendly_name", STEP_STRING, 0, NULL, 0, 0 },
	{ "kek_file", STEP_STRING, 0, NULL, 0, 0 },
	{ "kid", STEP_STRING, 0, NULL, 0, 0 },
	{ "profile", STEP_STRING, 0, NULL, 0, 0 },
	{ "kek_bits", STEP_INTEGER, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

static const char *const legacy_keys[] = {
	"kek_package", "world_package", "subscription_id", "friendly_name", NULL
};
static const char *const byok_keys[] = { "kek_file", "kid", NULL };
static const char *const byok_only_keys[] = { "kek_file", "kid", "profile",
	"kek_bits", NULL };

static void
need(const struct ceremony_step *s, const char *format,
    const char *const *names, struct diag_list *dl)
{
	for (; *names != NULL; names++)
		if (step_value(s, *names) == NULL)
			diag_add(dl, DIAG_ERROR, s->with_loc.line,
			    s->with_loc.col, "missing required key '%s' in "
			    "'with' of step '%s' (format '%s')", *names,
			    s->id.s, format);
}

static void
refuse(const struct ceremony_step *s, const char *format,
    const char *const *names, struct diag_list *dl)
{
	const struct ceremony_value *v;

	for (; *names != NULL; names++)
		if ((v = step_value(s, *names)) != NULL)
			diag_add(dl, DIAG_ERROR, v->key.loc.line,
			    v->key.loc.col, "'%s' does not apply to format "
			    "'%s' in step '%s'", *names, format, s->id.s);
}

static void
validate(const struct ceremony *c, const struct ceremony_step *s,
    struct diag_list *dl)
{
	const char *format = step_literal(s, "format");

	if (format == NULL)
		return;		/* a ${ref}: checked when it is known */
	if (strcmp(format, "legacy") == 0) {
		need(s, format, legacy_keys, dl);
		refuse(s, format, byok_only_keys, dl);
	} else if (strcmp(format, "byok") == 0) {
		need(s, format, byok_keys, dl);
		refuse(s, format, legacy_keys, dl);
		step_package_lint_profile(c, s, dl);
	}
	step_acl_check(c, s, dl);
}

/* On a token, after a resume: the key packaged before the power cut is
 * not extractable any more (or gone), so it cannot be wrapped again; the
 * .byok written then (atomically: whole or absent) is the package.  1 and
 * res filled when so, 0 when the key can still be packaged, or a step
 * failure. */
static int
packaged_before(struct step_ctx *ctx, const char *id, const char *output,
    struct engine_package_result *res)
{
	char label[ENGINE_NAME_MAX], attrs[160];
	char *buf = NULL;
	size_t len;
	int priv;

	snprintf(label, sizeof(label), "keyrite:%s", id);
	priv = step_token_object(ctx, "private-key", label, attrs,
	    sizeof(attrs));
	if (priv && strstr(attrs, "!extractable") == NULL)
		return 0;
	if (!priv && !step_token_object(ctx, "public-key", label, NULL, 0))
		return 0;	/* no key at all: package says so */
	if (step_path(ctx->out_dir, output, res->byok_path,
	    sizeof(res->byok_path), &ctx->err) != 0 ||
	    kr_read_file(res->byok_path, 1 << 20, &buf, &len, &ctx->err) != 0)
		return step_fail(ctx, KR_EFAIL, "token: key %s was packaged "
		    "and made non-extractable before the resume, but its "
		    "package %s cannot be read: %s", label, output,
		    ctx->err.msg);
	kr_sha256_hex(buf, len, res->byok_sha256);
	free(buf);
	return 1;
}

/* Wraps the key into out_dir: legacy (reduced-ACL key, packages from
 * media_dir, manifest) or byok (KEK PEM and kid; the target's public key
 * goes beside the .byok as <name>.pub.pem; an AES key has none, its check
 * value is logged).  Redoing it after a resume is
 * safe: the files are rewritten atomically and logged again. */
static int
run(struct step_ctx *ctx)
{
	struct engine_package_req req;
	struct engine_package_result res;
	struct kr_err e;
	const char *fmt, *ident, *output, *kek, *world, *sub, *fname, *kfile;
	const char *kid, *root, *region, *profile;
	char id[ENGINE_IDENT_MAX], kp[ENGINE_PATH_MAX], *kbuf = NULL;
	char pub[ENGINE_PATH_MAX], name[ENGINE_PATH_MAX], sha[ENGINE_HEX256];
	char g[100];
	struct engine_quorum *q = NULL;
	size_t n;
	int rc, tok;

	if ((rc = step_arg(ctx, "format", &fmt)) != 0 ||
	    (rc = step_arg(ctx, "ident", &ident)) != 0 ||
	    (rc = step_arg(ctx, "output", &output)) != 0 ||
	    (rc = step_arg(ctx, "kek_package", &kek)) != 0 ||
	    (rc = step_arg(ctx, "world_package", &world)) != 0 ||
	    (rc = step_arg(ctx, "subscription_id", &sub)) != 0 ||
	    (rc = step_arg(ctx, "friendly_name", &fname)) != 0 ||
	    (rc = step_arg(ctx, "kek_file", &kfile)) != 0 ||
	    (rc = step_arg(ctx, "kid", &kid)) != 0 ||
	    (rc = step_arg(ctx, "profile", &profile)) != 0)
		return rc;
	kr_err_clear(&e);
	if (engine_ident_normalize(ident, id, sizeof(id), &e) != 0)
		return step_fail(ctx, KR_EDATA, "%s", e.msg);
	/* The output names a file in out_dir, checked before anything is
	 * read; the engine writes it atomically (a rename replaces what is
	 * there, never follows it). */
	if (output != NULL &&
	    (rc = kr_path_beneath(ctx->out_dir, output, &ctx->err)) != 0)
		return rc;
	/* a token: wrapping is under the quorum's login */
	if ((tok = step_on_token(ctx)) && (rc = step_need_quorum(ctx, &q)) != 0)
		return rc;
	memset(&req, 0, sizeof(req));
	req.ident = id;
	req.out_dir = ctx->out_dir;
	if (strcmp(fmt, "legacy") == 0) {
		if ((rc = step_pinned(ctx, &root, &region)) != 0 ||
		    (rc = step_read_packages(ctx, kek, world, &req.pkg)) != 0)
			return rc;
		req.format = ENGINE_PACKAGE_LEGACY;
		req.pkg.pinned_root = root;
		req.pkg.region = region;
		req.subscription_id = sub;
		req.friendly_name = fname;
	} else {
		if ((rc = step_kek_read(ctx, kfile, &kbuf, &req.kek_pem_len,
		    kp, sizeof(kp))) != 0)
			return rc;
		req.format = ENGINE_PACKAGE_BYOK;
		req.kek_pem = kp;
		req.kek_pem_data = kbuf;
		req.kid = kid;
		req.out_name = output;
		req.profile = profile;
	}
	memset(&res, 0, sizeof(res));
	if (tok && ctx->resumed && req.format == ENGINE_PACKAGE_BYOK &&
	    (rc = packaged_before(ctx, id, output, &res)) != 0) {
		step_free_packages(&req.pkg);
		free(kbuf);
		if (rc < 0 || (rc = step_note(ctx, "key %s was packaged "
		    "before the resume and is not extractable now; the "
		    "package written then is kept", id)) != 0)
			return rc;
	} else {
		rc = ctx->ops->package(ctx->eng, &req, &res, &e);
		step_free_packages(&req.pkg);
		free(kbuf);
		if (rc != 0)
			return step_engine_fail(ctx, ENGINE_OP_PACKAGE, &e);
	}
	if ((rc = step_artifact(ctx, res.byok_path, "byok")) != 0)
		return rc;
	if (res.manifest_path[0] != '\0' &&
	    (rc = step_artifact(ctx, res.manifest_path, "manifest")) != 0)
		return rc;
	if (res.kcv[0] != '\0')
		step_info(ctx, "packaged AES key %s, key check value %s", id,
		    res.kcv);
	else if (req.format == ENGINE_PACKAGE_BYOK) {
		snprintf(name, sizeof(name), "%s", output);
		if ((n = strlen(name)) > 5 &&
		    strcmp(name + n - 5, ".byok") == 0)
			name[n - 5] = '\0';
		if (strlen(name) + 9 >= sizeof(name))
			return step_fail(ctx, KR_EUSAGE, "name too long");
		strcat(name, ".pub.pem");
		if ((rc = step_path(ctx->out_dir, name, pub, sizeof(pub),
		    &ctx->err)) != 0)
			return rc;
		if (ctx->ops->export_public(ctx->eng, id, pub, sha, &e) != 0)
			return step_engine_fail(ctx, ENGINE_OP_EXPORT_PUBLIC,
			    &e);
		if ((rc = step_artifact(ctx, pub, "public-key")) != 0)
			return rc;
	}
	step_group(res.byok_sha256, g, sizeof(g));
	snprintf(ctx->detail, sizeof(ctx->detail), "%.300s: SHA-256 %s%s%s",
	    strrchr(res.byok_path, '/') ? strrchr(res.byok_path, '/') + 1 :
	    res.byok_path, g, res.kcv[0] != '\0' ? ", AES key check value " :
	    "", res.kcv);
	return 0;
}

const struct step_type step_package = {
	"package", keys, validate, run,
};
