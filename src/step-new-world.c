/* SPDX-License-Identifier: ISC */
/*
 * step-new-world.c: the `new-world' step type.
 *
 * Creates a Security World: the cipher suite, the Administrator Card Set
 * quorum K/N and the minimum PIN length.  `holders' names the person who
 * takes each card, in card order ("Ann Smith, Bob Jones, Cy Doe"): one
 * name per card, noted in the log with the world; each later presentation
 * of a card names its holder too (runner-quorum.c).
 *
 * On a PKCS#11 token (run --token) the world is the token's: a fresh token
 * is initialised with random SO and user PINs split onto the cards; one
 * that is already initialised is refused unless the step says `adopt:
 * true'.  Then, after the cards' PINs, the current SO PIN of the token is
 * asked once (typed by its holders under witness; on a PIN pad token it is
 * typed on the pad and not asked here), and the engine replaces it and the
 * user PIN by new random ones split onto the cards
 * (engine-pkcs11-world.c).  `adopt' means nothing to the software module:
 * the linter refuses it in a ceremony that does not run on pkcs11.
 */
#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include "ceremony.h"
#include "ceremony-int.h"
#include "diag.h"
#include "step.h"
#include "secmem.h"
#include "step-ctx.h"

static const char *const cipher_suite_values[] = {
	"DLf3072s256mRijndael", "DLf1024s160mRijndael",
	"DLf3072s256mAEScSP800131Ar1", NULL
};

static const struct step_key keys[] = {
	{ "cipher_suite", STEP_ENUM, 1, cipher_suite_values, 0, 0 },
	{ "quorum", STEP_QUORUM, 1, NULL, 0, 0 },
	{ "min_pin_length", STEP_INTEGER, 0, NULL, 4, 64 },
	{ "holders", STEP_STRING, 0, NULL, 0, 0 },
	{ "adopt", STEP_BOOL, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

static void
validate(const struct ceremony *c, const struct ceremony_step *s,
    struct diag_list *dl)
{
	const struct ceremony_value *v = step_value(s, "cipher_suite");
	const char *suite = step_literal(s, "cipher_suite");

	if (suite != NULL && strcmp(suite, "DLf1024s160mRijndael") == 0)
		diag_add(dl, DIAG_WARNING, v->scalar.loc.line,
		    v->scalar.loc.col, "cipher suite DLf1024s160mRijndael is "
		    "weak (1024-bit DSA with SHA-1); prefer "
		    "DLf3072s256mRijndael");
	v = step_value(s, "adopt");
	if (v != NULL && v->scalar.s != NULL &&
	    strcmp(v->scalar.s, "false") != 0 &&
	    (!ceremony_runs_on(c, "pkcs11") ||
	    !ceremony_step_runs_on(s, "pkcs11")))
		diag_add(dl, DIAG_ERROR, v->scalar.loc.line, v->scalar.loc.col,
		    "'adopt' in step '%s' is only meaningful on the pkcs11 "
		    "engine (a token initialised before the ceremony), and "
		    "this step does not run on it (engines:)", s->id.s != NULL ?
		    s->id.s : "?");
}

/* One non-empty name per card, before anything is made. */
static int
check_holders(struct step_ctx *ctx, const char *holders, int n)
{
	char name[128];
	int i;

	if (holders == NULL)
		return 0;
	if (ceremony_holders_count(holders) != n)
		return step_fail(ctx, KR_EDATA, "holders: %d names for %d cards "
		    "(name one holder per card, in card order, separated by "
		    "commas)", ceremony_holders_count(holders), n);
	for (i = 1; i <= n; i++)
		if (ceremony_holder(holders, i, name, sizeof(name)) != 0)
			return step_fail(ctx, KR_EDATA, "holders: no name for "
			    "card %d", i);
	return 0;
}

static int
note_holders(struct step_ctx *ctx, const char *holders, int n)
{
	char name[128];
	int i, rc;

	for (i = 1; holders != NULL && i <= n; i++) {
		if (ceremony_holder(holders, i, name, sizeof(name)) != 0)
			continue;
		if ((rc = step_note(ctx, "card %d is held by %s", i, name)) != 0)
			return rc;
	}
	return 0;
}

/* PINs for cards 1..N (one NEW_PIN prompt each), then one engine request;
 * world-created is logged with the cards' public keys.  On resume: a world
 * already logged is not made again; a world made by the interrupted
 * attempt (not the one that was there before it) is replaced, or, on a
 * token that attempt initialised already, finished with its cards (the
 * PINs typed again open them: engine-pkcs11-world.c). */
/* What a live run refuses before any PIN is typed, and a rehearsal only
 * warns about (when warn is set: once, just before the world is made): a
 * quorum of one card, the DLf1024 suite.  The suite is allowed in a live
 * run with a recorded exception (step_fail_waivable: the people in the
 * room record it with its reason, logged as an exception with code
 * "weak-suite"; the step then runs again and notes the suite it makes
 * under it).  A live run also needs PINs of at least ENGINE_MIN_PIN_LIVE
 * characters (no retry counter in software: an offline guesser meets
 * only the KDF), said in the PIN prompt. */
static int
policy(struct step_ctx *ctx, const char *suite, int k, int *min, int warn)
{
	int weak = suite != NULL && strcmp(suite, "DLf1024s160mRijndael") == 0;

	if (ctx->rehearsal) {
		if (warn && k == 1)
			step_warn(ctx, "a quorum of K = 1 lets one custodian act "
			    "alone; a live run refuses it");
		if (warn && weak)
			step_warn(ctx, "%s is weak (1024-bit DSA, SHA-1): a live "
			    "run refuses it unless an exception is recorded "
			    "with its reason", suite);
		return 0;
	}
	if (k == 1)
		return step_fail(ctx, KR_EDATA, "a quorum of K = 1 is refused in "
		    "a live run: one custodian could act alone (use K >= 2)");
	if (weak && step_waiver(ctx) == NULL)
		return step_fail_waivable(ctx, "weak-suite", KR_EDATA,
		    "cipher suite %s is weak (1024-bit DSA, SHA-1): a live run "
		    "uses it only with a recorded exception; record one with "
		    "its reason to go on, or use DLf3072s256mRijndael", suite);
	if (*min < ENGINE_MIN_PIN_LIVE)
		*min = ENGINE_MIN_PIN_LIVE;
	if (weak && warn)
		return step_note(ctx, "cipher suite %s is used under the "
		    "exception recorded: %s", suite, step_waiver(ctx));
	return 0;
}

/* adopt on a token: its current SO PIN, asked once after the cards' PINs
 * (not on a PIN pad: typed there when the token asks). */
static int
adopt_pin(struct step_ctx *ctx, struct engine_world_req *req, int *pad)
{
	const struct engine_pin *so;
	char label[40], what[96];
	int rc;

	*pad = step_token_pin_pad(ctx, label, sizeof(label));
	req->adopt = 1;
	if (*pad)
		return 0;
	snprintf(what, sizeof(what), "the current SO PIN of token '%s'", label);
	if ((rc = step_need_token_pin(ctx, what, &so)) != 0)
		return rc;
	req->token_so_pin = *so;
	return 0;
}

/* Said once every answer is in, just before the token is touched. */
static int
adopt_say(struct step_ctx *ctx, int adopt, int pad)
{
	if (!adopt)
		return 0;
	if (!step_on_token(ctx))
		return step_note(ctx, "adopt: true applies to a PKCS#11 token "
		    "only; the software module has no token to adopt and "
		    "makes a new world");
	if (pad)
		step_info(ctx, "the token has a PIN pad: type its current SO "
		    "PIN on the reader's pad when it asks, then the new user "
		    "PIN");
	return step_note(ctx, "adopting the token that is already "
	    "initialised (adopt: true)");
}

static int
run(struct step_ctx *ctx)
{
	const struct engine_pin *pins;
	struct engine_world_req req;
	struct engine_world_info wi, cur;
	struct kr_err e;
	const char *suite, *quorum, *minlen, *before, *holders, *adopt_s;
	char g[100];
	int k, n, min = ENGINE_MIN_PIN_DEFAULT, rc, i, adopt, pad = 0;

	if ((rc = step_arg(ctx, "cipher_suite", &suite)) != 0 ||
	    (rc = step_arg(ctx, "quorum", &quorum)) != 0 ||
	    (rc = step_arg(ctx, "min_pin_length", &minlen)) != 0 ||
	    (rc = step_arg(ctx, "holders", &holders)) != 0 ||
	    (rc = step_arg(ctx, "adopt", &adopt_s)) != 0)
		return rc;
	if (adopt_s != NULL && strcmp(adopt_s, "true") != 0 &&
	    strcmp(adopt_s, "false") != 0)
		return step_fail(ctx, KR_EDATA, "adopt: expected true or false, "
		    "not '%.40s'", adopt_s);
	adopt = adopt_s != NULL && strcmp(adopt_s, "true") == 0;
	if (ceremony_quorum_parse(quorum, &k, &n, &ctx->err) != 0)
		return ctx->err.code;
	if ((rc = check_holders(ctx, holders, n)) != 0)
		return rc;
	if (minlen != NULL)
		min = atoi(minlen);
	if ((rc = policy(ctx, suite, k, &min, 0)) != 0)
		return rc;
	kr_err_clear(&e);
	if (ctx->ops->world_info(ctx->eng, &cur, &e) != 0)
		cur.world_id[0] = '\0';
	if (step_world_logged(ctx)) {
		if ((rc = step_note(ctx, "world %.16s... was created before "
		    "the resume; not created again", cur.world_id)) != 0)
			return rc;
		snprintf(ctx->detail, sizeof(ctx->detail), "world %s (already "
		    "created)", cur.world_id);
		return 0;
	}
	if ((rc = step_world_before(ctx, cur.world_id, &before)) != 0)
		return rc;
	if ((rc = step_need_new_pins(ctx, k, n, min, &pins)) != 0)
		return rc;
	memset(&req, 0, sizeof(req));
	if (adopt && step_on_token(ctx) && (rc = adopt_pin(ctx, &req,
	    &pad)) != 0)
		return rc;
	req.suite = suite;
	req.k = k;
	req.n = n;
	req.min_pin_len = min;
	req.scrypt_log2n = ctx->scrypt_log2n;
	if ((rc = policy(ctx, suite, k, &min, 1)) != 0)
		return rc;
	if (ctx->rehearsal) {
		if (req.scrypt_log2n == 0)
			req.scrypt_log2n = ENGINE_SCRYPT_LOG2N_REHEARSAL;
		if ((rc = step_note(ctx, "rehearsal: card KDF scrypt N=2^%d "
		    "(%d MiB per guess), cheaper than a live run's 2^%d (%d "
		    "MiB)", req.scrypt_log2n, 1 << (req.scrypt_log2n - 10),
		    ENGINE_SCRYPT_LOG2N_DEFAULT,
		    1 << (ENGINE_SCRYPT_LOG2N_DEFAULT - 10))) != 0)
			return rc;
	}
	if (cur.world_id[0] != '\0' && strcmp(cur.world_id, before) != 0) {
		req.replace = 1;
		if ((rc = step_note(ctx, "world %.16s... was made by an "
		    "interrupted attempt of this step: it is replaced (or, on "
		    "a token that attempt initialised, finished with its "
		    "cards)", cur.world_id)) != 0)
			return rc;
	}
	for (i = 0; i < n; i++)
		req.pins[i] = pins[i];
	if ((rc = adopt_say(ctx, adopt, pad)) != 0) {
		kr_cleanse(&req, sizeof(req));
		return rc;
	}
	rc = ctx->ops->new_world(ctx->eng, &req, &wi, &e);
	adopt = req.adopt;
	kr_cleanse(&req, sizeof(req));
	if (rc != 0)
		return step_engine_fail(ctx, ENGINE_OP_NEW_WORLD, &e);
	if (wi.warning[0] != '\0')
		step_warn(ctx, "%s", wi.warning);
	if ((rc = step_world_created(ctx, &wi)) != 0 ||
	    (rc = note_holders(ctx, holders, wi.n)) != 0)
		return rc;
	if (adopt && (rc = step_note(ctx, "token adopted: %s", pad ?
	    "its PINs were typed on its PIN pad (the token keeps them); the "
	    "cards gate keyrite's procedure" : "the SO PIN entered was "
	    "replaced by a new random one (C_SetPIN) and a new random user "
	    "PIN was set (C_InitPIN), both split onto the cards; the PIN "
	    "entered no longer works; the objects on the token stay")) != 0)
		return rc;
	step_group(wi.world_id, g, sizeof(g));
	step_info(ctx, "world %s", g);
	for (i = 0; i < wi.n; i++) {
		step_group(wi.cards[i].pub_hex, g, sizeof(g));
		step_info(ctx, "card %d: %s", wi.cards[i].index, g);
	}
	step_group(wi.world_id, g, sizeof(g));
	snprintf(ctx->detail, sizeof(ctx->detail), "world %s, %s, quorum "
	    "%d/%d", g, wi.suite, wi.k, wi.n);
	return 0;
}

const struct step_type step_new_world = {
	"new-world", keys, validate, run,
};
