/* SPDX-License-Identifier: ISC */
/*
 * step-generate-key.c: the `generate-key' step type.
 *
 * Generates the target key in the module (RSA, EC or AES-256,
 * module-protected).  An AES key has no public key: its key check value
 * (keyrite-profiles(7)) is logged instead and compared at import.  With
 * `kek_file' (the current method) the key is made under the quorum with an
 * ACL that allows one export: a .byok wrapped to that KEK (keyrite-acl(7));
 * without it the key cannot leave the module until a reduce-acl step.  On a token (--token) the quorum
 * logs in first, the SO makes the KEK a trusted wrap-only object
 * (step-token.c) and the key is made sensitive and wrap-with-trusted.
 */
#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include "ceremony.h"
#include "ceremony-int.h"
#include "diag.h"
#include "step.h"
#include "step-ctx.h"

static const char *const type_values[] = {
	"RSA", "EC", "AES", NULL
};
static const char *const curve_values[] = {
	"P-256", "P-384", "P-521", "P-256K", NULL
};
static const char *const protect_values[] = {
	"module", "token", NULL
};

static const struct step_key keys[] = {
	{ "type", STEP_ENUM, 1, type_values, 0, 0 },
	{ "size", STEP_INTEGER, 0, NULL, 0, 0 },
	{ "curve", STEP_ENUM, 0, curve_values, 0, 0 },
	{ "pubexp", STEP_INTEGER, 0, NULL, 0, 0 },
	{ "protect", STEP_ENUM, 1, protect_values, 0, 0 },
	{ "ident", STEP_STRING, 1, NULL, 0, 0 },
	{ "plainname", STEP_STRING, 0, NULL, 0, 0 },
	{ "kek_file", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

static const long long rsa_sizes[] = { 2048, 3072, 4096 };
static const long long aes_sizes[] = { 256 };

/* A key the step gives that a key of this type does not take. */
static void
not_for(const struct ceremony_step *s, const char *key, const char *kind,
    const char *hint, struct diag_list *dl)
{
	const struct ceremony_value *v;

	if ((v = step_value(s, key)) != NULL)
		diag_add(dl, DIAG_ERROR, v->key.loc.line, v->key.loc.col,
		    "'%s' does not apply to %s key in step '%s'%s", key, kind,
		    s->id.s, hint);
}

/* A literal size the step gives that is none of the nsizes sizes a key of
 * this type has (named in words as `allowed`). */
static void
size_in(const struct ceremony_step *s, const long long *sizes, size_t nsizes,
    const char *type, const char *allowed, struct diag_list *dl)
{
	const struct ceremony_value *v;
	const char *size = step_literal(s, "size");
	long long n;
	size_t i;

	if (size == NULL || ceremony_parse_int(size, &n) != 0)
		return;
	for (i = 0; i < nsizes; i++)
		if (n == sizes[i])
			return;
	v = step_value(s, "size");
	diag_add(dl, DIAG_ERROR, v->scalar.loc.line, v->scalar.loc.col,
	    "%s size %lld in step '%s' is not %s", type, n, s->id.s, allowed);
}

static void
validate(const struct ceremony *c, const struct ceremony_step *s,
    struct diag_list *dl)
{
	const struct ceremony_value *v;
	const char *type = step_literal(s, "type");
	const char *protect = step_literal(s, "protect");
	const char *id = s->id.s;

	if (protect != NULL && strcmp(protect, "token") == 0) {
		v = step_value(s, "protect");
		diag_add(dl, DIAG_WARNING, v->scalar.loc.line,
		    v->scalar.loc.col, "protect: token (OCS) keys are not "
		    "supported by BYOK; the engine will refuse step '%s'", id);
	}
	if (type == NULL)
		return;
	if (strcmp(type, "RSA") == 0) {
		not_for(s, "curve", "an RSA", "", dl);
		size_in(s, rsa_sizes, 3, "RSA", "2048, 3072 or 4096", dl);
	} else if (strcmp(type, "AES") == 0) {
		not_for(s, "curve", "an AES", "", dl);
		not_for(s, "pubexp", "an AES", "", dl);
		size_in(s, aes_sizes, 1, "AES", "256", dl);
	} else if (strcmp(type, "EC") == 0) {
		not_for(s, "size", "an EC", " (use 'curve')", dl);
		not_for(s, "pubexp", "an EC", "", dl);
	}
}

/* 1 when the module holds key_simple_<ident> (its description in *ki;
 * on a token: the key's public object keyrite:<ident>). */
static int
has_key(struct step_ctx *ctx, int tok, const char *ident,
    struct engine_key_info *ki)
{
	struct engine_status st;
	struct kr_err e;
	char label[ENGINE_NAME_MAX];
	const char *app = "simple";
	size_t i;
	int found = 0;

	if (tok) {
		snprintf(label, sizeof(label), "keyrite:%s", ident);
		return step_token_object(ctx, "public-key", label, NULL, 0);
	}
	if (ctx->ops->status(ctx->eng, &st, &e) != 0)
		return 0;
	for (i = 0; i < st.nkeys; i++)
		if (strcmp(st.keys[i].ident, ident) == 0 &&
		    strcmp(st.keys[i].appname, app) == 0) {
			*ki = st.keys[i];
			found = 1;
		}
	ctx->ops->status_free(&st);
	return found;
}

/* An AES key: no public key to export; its check value is logged. */
static int
log_secret(struct step_ctx *ctx, const char *type, const char *id,
    const struct engine_key_info *ki)
{
	int rc;

	if ((rc = step_note(ctx, "key check value of %s: %s", id,
	    ki->kcv)) != 0)
		return rc;
	step_info(ctx, "AES key %s: no public key; key check value %s "
	    "(AES-256-ECB of a zero block, first 3 bytes)", id, ki->kcv);
	snprintf(ctx->detail, sizeof(ctx->detail), "%s key %s, key check "
	    "value %s", type, id, ki->kcv);
	return 0;
}

/* CONFIRM by typing the ident, generatekey, then the public key exported
 * to out_dir/<ident>.pub.pem.  A resumed step that finds its key made
 * says so and only exports the public key again. */
static int
run(struct step_ctx *ctx)
{
	struct engine_key_req req;
	struct engine_key_info ki;
	struct kr_err e;
	struct engine_quorum *q = NULL;
	const char *type, *size, *curve, *pubexp, *protect, *ident, *plain;
	const char *kek;
	char id[ENGINE_IDENT_MAX], path[ENGINE_PATH_MAX], name[ENGINE_PATH_MAX];
	char kp[ENGINE_PATH_MAX], *kbuf = NULL;
	char sha[ENGINE_HEX256], g[100];
	size_t klen = 0;
	int rc, tok;

	if ((rc = step_arg(ctx, "type", &type)) != 0 ||
	    (rc = step_arg(ctx, "size", &size)) != 0 ||
	    (rc = step_arg(ctx, "curve", &curve)) != 0 ||
	    (rc = step_arg(ctx, "pubexp", &pubexp)) != 0 ||
	    (rc = step_arg(ctx, "protect", &protect)) != 0 ||
	    (rc = step_arg(ctx, "ident", &ident)) != 0 ||
	    (rc = step_arg(ctx, "plainname", &plain)) != 0 ||
	    (rc = step_arg(ctx, "kek_file", &kek)) != 0)
		return rc;
	kr_err_clear(&e);
	if (engine_ident_normalize(ident, id, sizeof(id), &e) != 0)
		return step_fail(ctx, KR_EDATA, "%s", e.msg);
	if ((rc = step_need_confirm(ctx, id)) != 0)
		return rc;
	/* a token: every key operation is under the quorum's login */
	if ((tok = step_on_token(ctx)) && (rc = step_need_quorum(ctx, &q)) != 0)
		return rc;
	memset(&ki, 0, sizeof(ki));
	if (ctx->resumed && has_key(ctx, tok, id, &ki)) {
		if ((rc = step_note(ctx, "key %s was generated before the "
		    "resume; not generated again", id)) != 0)
			return rc;
	} else {
		/* The KEK is read before the cards are asked for: a bad
		 * path fails at once. */
		if (kek != NULL && (rc = step_kek_read(ctx, kek, &kbuf, &klen,
		    kp, sizeof(kp))) != 0)
			return rc;
		if (kek != NULL && (rc = step_need_quorum(ctx, &q)) != 0) {
			free(kbuf);
			return rc;
		}
		if (tok && kek != NULL &&
		    (rc = step_token_kek(ctx, q, kp, id)) != 0) {
			free(kbuf);
			return rc;
		}
		memset(&req, 0, sizeof(req));
		req.kek_pem = kek != NULL ? kp : NULL;
		req.kek_pem_data = kbuf;
		req.kek_pem_len = klen;
		req.quorum = q;
		req.type = type;
		req.size = size ? atoi(size) : 0;
		req.curve = curve;
		req.pubexp = pubexp ? strtoul(pubexp, NULL, 10) : 0;
		req.protect = protect;
		req.ident = id;
		req.plainname = plain;
		rc = ctx->ops->generate_key(ctx->eng, &req, &ki, &e);
		free(kbuf);
		if (rc != 0)
			return step_engine_fail(ctx, ENGINE_OP_GENERATE_KEY,
			    &e);
	}
	if (ki.kcv[0] != '\0')
		return log_secret(ctx, type, id, &ki);
	snprintf(name, sizeof(name), "%s.pub.pem", id);
	if ((rc = step_path(ctx->out_dir, name, path, sizeof(path),
	    &ctx->err)) != 0)
		return rc;
	if (ctx->ops->export_public(ctx->eng, id, path, sha, &e) != 0)
		return step_engine_fail(ctx, ENGINE_OP_EXPORT_PUBLIC, &e);
	if ((rc = step_artifact(ctx, path, "public-key")) != 0)
		return rc;
	step_group(sha, g, sizeof(g));
	step_info(ctx, "public key of %s (SHA-256 of the DER): %s", id, g);
	snprintf(ctx->detail, sizeof(ctx->detail), "%s key %s, public key "
	    "SHA-256 %s", type, id, g);
	return 0;
}

const struct step_type step_generate_key = {
	"generate-key", keys, validate, run,
};
