/* SPDX-License-Identifier: ISC */
/*
 * step-token.c: what the steps ask of a PKCS#11 token (the engine opened
 * with --token) beyond the ops every engine has: whether the module is a
 * token, which of keyrite's objects it holds (a resumed step must not make
 * a second key), and the KEK the SO creates under the custodians' quorum.
 *
 * On a token the target key and the KEK are objects labelled
 * "keyrite:<ident>" and "keyrite-kek:<ident>" (src/engine-pkcs11-key.c);
 * the engine's status lists them with their attributes.
 */
#include <stdio.h>
#include <string.h>

#include "step-ctx.h"

int
step_on_token(const struct step_ctx *ctx)
{
	return ctx->ops->open_token != NULL && ctx->ops->import_kek != NULL;
}

int
step_token_pin_pad(struct step_ctx *ctx, char *label, size_t labelsz)
{
	struct engine_status st;
	struct kr_err e;
	const char *f;
	int pad = 0;

	if (labelsz > 0)
		label[0] = '\0';
	kr_err_clear(&e);
	if (ctx->ops->status(ctx->eng, &st, &e) != 0)
		return 0;
	if (st.token != NULL) {
		snprintf(label, labelsz, "%s", st.token->label);
		for (f = st.token->flags; (f = strstr(f, "pin-pad")) != NULL;
		    f += 7)
			if ((f == st.token->flags || f[-1] == ' ') &&
			    (f[7] == '\0' || f[7] == ' '))
				pad = 1;
	}
	ctx->ops->status_free(&st);
	return pad;
}

int
step_token_object(struct step_ctx *ctx, const char *cls, const char *label,
    char *attrs, size_t attrsz)
{
	struct engine_status st;
	struct kr_err e;
	size_t i;
	int found = 0;

	kr_err_clear(&e);
	if (ctx->ops->status(ctx->eng, &st, &e) != 0)
		return 0;
	for (i = 0; st.token != NULL && i < st.token->nobjects; i++)
		if (strcmp(st.token->objects[i].cls, cls) == 0 &&
		    strcmp(st.token->objects[i].label, label) == 0) {
			if (attrs != NULL)
				snprintf(attrs, attrsz, "%s",
				    st.token->objects[i].attrs);
			found = 1;
			break;
		}
	ctx->ops->status_free(&st);
	return found;
}

int
step_token_kek(struct step_ctx *ctx, struct engine_quorum *q,
    const char *pem_path, const char *ident)
{
	char label[ENGINE_NAME_MAX], sha[ENGINE_HEX256], g[100];
	struct kr_err e;

	snprintf(label, sizeof(label), "keyrite-kek:%s", ident);
	if (step_token_object(ctx, "public-key", label, NULL, 0))
		return step_note(ctx, "the KEK %s is on the token already "
		    "(made before the resume); not made again", label);
	kr_err_clear(&e);
	if (ctx->ops->import_kek(ctx->eng, q, pem_path, ident, sha, &e) != 0)
		return step_fail(ctx, e.code, "%s", e.msg);
	step_group(sha, g, sizeof(g));
	return step_note(ctx, "KEK %s made on the token by the SO: trusted, "
	    "wrap-only, not modifiable; SPKI SHA-256 %s", label, g);
}
