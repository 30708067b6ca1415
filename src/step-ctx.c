/* SPDX-License-Identifier: ISC */
/*
 * step-ctx.c: the helpers of step-ctx.h, what a step type calls during
 * run: its expanded arguments, questions to the room, messages, and what
 * it logs.
 *
 * Questions set r->ask and return STEP_ASK; runner.c turns that into a
 * prompt and stores the answer (acked, confirmed, PINs, cards) for the
 * next call of run.  Everything a step logs goes through here, so the
 * runner (these helpers are its side of the step) stays the only writer.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "audit-verify.h"
#include "ceremony.h"
#include "codec.h"
#include "engine.h"
#include "err.h"
#include "fsutil.h"
#include "path.h"
#include "runner-int.h"
#include "secmem.h"
#include "step.h"

int
step_arg(struct step_ctx *ctx, const char *key, const char **out)
{
	const struct ceremony_value *v = ceremony_step_with(ctx->s, key);
	char *s;
	int rc;

	*out = NULL;
	if (v == NULL || v->is_list)
		return 0;
	if ((rc = runner_expand(ctx->r, v->scalar.s, &s, &ctx->err)) != 0)
		return kr_err_prefix(&ctx->err, "step '%s': %s", ctx->s->id.s,
		    key);
	if ((rc = runner_keep_arg(ctx->r, s)) != 0)
		return kr_errf(&ctx->err, rc, "out of memory");
	*out = s;
	return 0;
}

/* An expanded `with:' value of another step (reduce-acl and package
 * take the pinned root and region of the verify-packages step). */
static int
step_arg_from(struct step_ctx *ctx, const struct ceremony_step *s,
    const char *key, const char **out)
{
	const struct ceremony_step *self = ctx->s;
	int rc;

	ctx->s = s;
	rc = step_arg(ctx, key, out);
	ctx->s = self;
	return rc;
}

/* The pinned root and region come from the ceremony's verify-packages
 * step (the rehearsal's "root_hash" override wins). */
int
step_pinned(struct step_ctx *ctx, const char **root, const char **region)
{
	const struct ceremony_step *s;
	size_t i;
	int rc;

	*root = *region = NULL;
	for (i = 0; i < ctx->c->nsteps; i++) {
		s = &ctx->c->steps[i];
		if (s->type != &step_verify_packages)
			continue;
		if ((rc = step_arg_from(ctx, s, "root_hash", root)) != 0 ||
		    (rc = step_arg_from(ctx, s, "region", region)) != 0)
			return rc;
	}
	if (step_override(ctx, "root_hash") != NULL)
		*root = step_override(ctx, "root_hash");
	if (*root == NULL || *region == NULL)
		return step_fail(ctx, KR_EDATA, "step '%s' needs a "
		    "verify-packages step for the pinned root and region",
		    ctx->s->id.s);
	return 0;
}

int
step_hash_equal(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

void
step_group(const char *hex, char *out, size_t outsz)
{
	char clean[256];
	size_t i, n = 0;

	for (i = 0; hex[i] != '\0' && n + 1 < sizeof(clean); i++)
		if (hex[i] != ' ')
			clean[n++] = hex[i];
	clean[n] = '\0';
	if (kr_hex_group(clean, 8, 0, out, outsz) < 0)
		snprintf(out, outsz, "%s", clean);
}

int
step_arg_list(struct step_ctx *ctx, const char *key,
    const char *const **items, size_t *n)
{
	const struct ceremony_value *v = ceremony_step_with(ctx->s, key);
	struct runner *r = ctx->r;
	size_t i, first;
	char *s;
	int rc;

	*items = NULL;
	*n = 0;
	if (v == NULL || !v->is_list)
		return 0;
	first = r->nargs;
	for (i = 0; i < v->list.n; i++) {
		if ((rc = runner_expand(r, v->list.v[i].s, &s,
		    &ctx->err)) != 0)
			return rc;
		if ((rc = runner_keep_arg(r, s)) != 0)
			return kr_errf(&ctx->err, rc, "out of memory");
	}
	*items = (const char *const *)r->args + first;
	*n = v->list.n;
	return 0;
}

int
step_path(const char *dir, const char *rel, char *out, size_t outsz,
    struct kr_err *e)
{
	int rc;

	if (dir == NULL)
		dir = ".";
	if ((rc = kr_path_beneath(dir, rel, e)) != 0)
		return rc;
	if (kr_path_join(out, outsz, dir, rel) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", rel);
	return 0;
}

int
step_open(struct step_ctx *ctx, const char *dir, const char *rel)
{
	return kr_path_open_beneath(dir != NULL ? dir : ".", rel, &ctx->err);
}

int
step_read(struct step_ctx *ctx, const char *dir, const char *rel, size_t max,
    char **buf, size_t *len)
{
	char name[ENGINE_PATH_MAX];
	int fd, rc;

	*buf = NULL;
	*len = 0;
	if ((fd = step_open(ctx, dir, rel)) < 0)
		return fd;
	snprintf(name, sizeof(name), "%s/%s", dir != NULL ? dir : ".", rel);
	rc = kr_read_fd(fd, name, max, buf, len, &ctx->err);
	close(fd);
	return rc;
}

int
step_open_found(struct step_ctx *ctx, const char *rel, char *path,
    size_t pathsz)
{
	int fd;

	snprintf(path, pathsz, "%s/%s", ctx->out_dir, rel);
	if ((fd = step_open(ctx, ctx->out_dir, rel)) != KR_ENOINPUT ||
	    strstr(ctx->err.msg, "no such file") == NULL ||
	    ctx->media_dir == NULL)
		return fd;
	kr_err_clear(&ctx->err);
	snprintf(path, pathsz, "%s/%s", ctx->media_dir, rel);
	if ((fd = step_open(ctx, ctx->media_dir, rel)) == KR_ENOINPUT &&
	    strstr(ctx->err.msg, "no such file") != NULL)
		return step_fail(ctx, KR_ENOINPUT, "%s: not found in %s or %s",
		    rel, ctx->out_dir, ctx->media_dir);
	return fd;
}

int
step_read_found(struct step_ctx *ctx, const char *rel, char *path,
    size_t pathsz, char **buf, size_t *len)
{
	int fd, rc;

	*buf = NULL;
	*len = 0;
	if ((fd = step_open_found(ctx, rel, path, pathsz)) < 0)
		return fd;
	rc = kr_read_fd(fd, path, STEP_PKG_MAX, buf, len, &ctx->err);
	close(fd);
	return rc;
}

int
step_read_packages(struct step_ctx *ctx, const char *kek, const char *world,
    struct engine_pkg_req *pkg)
{
	char *kb = NULL, *wb = NULL;
	size_t kl = 0, wl = 0;
	int rc;

	if ((rc = step_read(ctx, ctx->media_dir, kek, STEP_PKG_MAX, &kb,
	    &kl)) != 0 || (rc = step_read(ctx, ctx->media_dir, world,
	    STEP_PKG_MAX, &wb, &wl)) != 0) {
		free(kb);
		return rc;
	}
	pkg->kek_pkg = kek;
	pkg->world_pkg = world;
	pkg->kek_pkg_data = kb;
	pkg->kek_pkg_len = kl;
	pkg->world_pkg_data = wb;
	pkg->world_pkg_len = wl;
	return 0;
}

void
step_free_packages(struct engine_pkg_req *pkg)
{
	free((void *)(uintptr_t)pkg->kek_pkg_data);
	free((void *)(uintptr_t)pkg->world_pkg_data);
	pkg->kek_pkg_data = pkg->world_pkg_data = NULL;
}

int
step_need_ack(struct step_ctx *ctx)
{
	if (ctx->r->acked)
		return 0;
	ctx->r->ask = RUNNER_NEED_ACK;
	return STEP_ASK;
}

int
step_need_confirm(struct step_ctx *ctx, const char *expect)
{
	struct runner *r = ctx->r;

	if (r->confirmed)
		return 0;
	free(r->ask_expect);
	if ((r->ask_expect = strdup(expect)) == NULL)
		return step_fail(ctx, KR_ENOMEM, "out of memory");
	r->ask = RUNNER_NEED_CONFIRM;
	return STEP_ASK;
}

int
step_need_new_pins(struct step_ctx *ctx, int k, int n, int min_len,
    const char *attempt, const struct engine_pin **pins)
{
	struct runner *r = ctx->r;
	int i;

	if (r->npins >= n) {
		for (i = 0; i < n; i++) {
			r->pinv[i].pin = r->pins[i];
			r->pinv[i].len = r->pinlen[i];
		}
		*pins = r->pinv;
		return 0;
	}
	snprintf(r->ask_attempt, sizeof(r->ask_attempt), "%s",
	    attempt != NULL ? attempt : "");
	r->ask = RUNNER_NEED_NEW_PIN;
	r->ask_card = r->npins + 1;
	r->ask_k = k;
	r->ask_n = n;
	r->ask_min = min_len;
	return STEP_ASK;
}

int
step_need_token_pin(struct step_ctx *ctx, const char *what,
    const struct engine_pin **pin)
{
	struct runner *r = ctx->r;

	if (r->token_pin != NULL) {
		r->token_pinv.pin = r->token_pin;
		r->token_pinv.len = r->token_pinlen;
		*pin = &r->token_pinv;
		return 0;
	}
	snprintf(r->ask_token, sizeof(r->ask_token), "%s", what);
	r->ask = RUNNER_NEED_NEW_PIN;
	r->ask_card = 0;
	r->ask_min = 1;
	return STEP_ASK;
}

int
step_need_quorum(struct step_ctx *ctx, struct engine_quorum **q)
{
	struct runner *r = ctx->r;
	struct engine_world_info wi;
	struct kr_err e;
	int card = r->pins_out;

	if (card != 0) {
		/* a card used up its last PIN try: the step fails, and a retry
		 * asks for all its cards again (the card is still refused) */
		r->pins_out = 0;
		runner_quorum_end(r);
		return step_fail(ctx, KR_EAUTH, "card %d: %d wrong PINs in step "
		    "'%s'; it is not taken again in this step", card,
		    RUNNER_PIN_TRIES, ctx->s->id.s);
	}
	if (runner_quorum_ready(r)) {
		*q = r->q;
		return 0;
	}
	if (r->n == 0) {
		if (r->ops->world_info(r->eng, &wi, &e) != 0)
			return step_fail(ctx, e.code, "%s", e.msg);
		r->k = wi.k;
		r->n = wi.n;
	}
	r->ask = RUNNER_NEED_CARD;
	return STEP_ASK;
}

static void
emitv(struct step_ctx *ctx, enum runner_event_kind kind, const char *fmt,
    va_list ap)
{
	char text[1024];

	vsnprintf(text, sizeof(text), fmt, ap);
	runner_emit(ctx->r, kind, ctx->s->id.s, text, NULL);
}

void
step_info(struct step_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emitv(ctx, RUNNER_EV_INFO, fmt, ap);
	va_end(ap);
}

void
step_warn(struct step_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emitv(ctx, RUNNER_EV_WARNING, fmt, ap);
	va_end(ap);
}

int
step_fail(struct step_ctx *ctx, int code, const char *fmt, ...)
{
	char msg[sizeof(ctx->err.msg)];
	va_list ap;

	/* through msg: the arguments may be ctx->err.msg itself */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->err.code = code;
	memcpy(ctx->err.msg, msg, sizeof(msg));
	return code;
}

int
step_fail_waivable(struct step_ctx *ctx, const char *code, int err,
    const char *fmt, ...)
{
	va_list ap;

	snprintf(ctx->r->waivable, sizeof(ctx->r->waivable), "%s", code);
	ctx->err.code = err;
	va_start(ap, fmt);
	vsnprintf(ctx->err.msg, sizeof(ctx->err.msg), fmt, ap);
	va_end(ap);
	return err;
}

const char *
step_waiver(const struct step_ctx *ctx)
{
	return ctx->r->waiver[0] != '\0' ? ctx->r->waiver : NULL;
}

int
step_artifact_hashed(struct step_ctx *ctx, const char *path,
    const uint8_t h[32], uint64_t size, const char *kind)
{
	struct runner *r = ctx->r;
	char hex[65];
	const char *name;
	size_t ol;
	int rc;

	kr_hex_encode(h, 32, hex, sizeof(hex));
	/* Names relative to out_dir or media_dir when they are in one. */
	name = path;
	ol = strlen(r->o.out_dir);
	if (strncmp(path, r->o.out_dir, ol) == 0 && path[ol] == '/')
		name = path + ol + 1;
	else if (ctx->media_dir != NULL && (ol = strlen(ctx->media_dir)) > 0 &&
	    strncmp(path, ctx->media_dir, ol) == 0 && path[ol] == '/')
		name = path + ol + 1;
	if ((rc = audit_artifact_written(r->w, ctx->s->id.s, name, h, size,
	    kind, runner_actor(r), &ctx->err)) != 0)
		return rc;
	runner_emit(r, RUNNER_EV_ARTIFACT, ctx->s->id.s, name, hex);
	if (runner_add_artifact(r, name, hex) != 0)
		return step_fail(ctx, KR_ENOMEM, "out of memory");
	return runner_progress_save(r, &ctx->err);
}

int
step_artifact(struct step_ctx *ctx, const char *path, const char *kind)
{
	uint8_t h[32];
	char *buf = NULL;
	size_t len;
	int rc;

	if ((rc = kr_read_file(path, (size_t)1 << 30, &buf, &len,
	    &ctx->err)) != 0)
		return rc;
	kr_sha256(buf, len, h);
	free(buf);
	return step_artifact_hashed(ctx, path, h, len, kind);
}

int
step_note(struct step_ctx *ctx, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	runner_emit(ctx->r, RUNNER_EV_INFO, ctx->s->id.s, text, NULL);
	return audit_note(ctx->r->w, ctx->s->id.s, text,
	    runner_actor(ctx->r), &ctx->err);
}

int
step_world_created(struct step_ctx *ctx, const struct engine_world_info *wi)
{
	struct runner *r = ctx->r;
	struct audit_card cards[AUDIT_CARDS_MAX];
	uint8_t fp[32];
	char hex[65], g[80], text[160];
	int i, rc;

	for (i = 0; i < wi->n && i < AUDIT_CARDS_MAX; i++) {
		cards[i].index = (unsigned)wi->cards[i].index;
		memcpy(cards[i].pk, wi->cards[i].pub, 32);
	}
	if ((rc = audit_world_created(r->w, ctx->s->id.s, wi->world_id,
	    wi->suite, (unsigned)wi->k, (unsigned)wi->n, cards,
	    runner_actor(r), &ctx->err)) != 0)
		return rc;
	audit_writer_set_cosigner(r->w, runner_cosign, r);
	r->have_policy = 1;
	/* The witness reads the card fingerprints aloud for the minutes. */
	for (i = 0; i < wi->n && i < AUDIT_CARDS_MAX; i++) {
		audit_card_fingerprint(cards[i].pk, fp);
		kr_hex_encode(fp, 32, hex, sizeof(hex));
		kr_hex_group(hex, 8, 0, g, sizeof(g));
		snprintf(text, sizeof(text), "card %u fingerprint "
		    "(--expect-cards): %s", cards[i].index, g);
		runner_emit(r, RUNNER_EV_INFO, ctx->s->id.s, text, NULL);
	}
	r->k = wi->k;
	r->n = wi->n;
	return 0;
}

int
step_world_logged(struct step_ctx *ctx)
{
	return ctx->r->have_policy;
}

int
step_world_before(struct step_ctx *ctx, const char *world_id,
    const char **before)
{
	struct runner *r = ctx->r;

	if (!r->world_before_set) {
		snprintf(r->world_before, sizeof(r->world_before), "%s",
		    world_id);
		r->world_before_set = 1;
		if (runner_progress_save(r, &ctx->err) != 0)
			return ctx->err.code;
	}
	*before = r->world_before;
	return 0;
}

int
step_seal(struct step_ctx *ctx)
{
	struct runner *r = ctx->r;
	struct audit_fingerprints fp;
	int rc;

	if ((rc = audit_step_result(r->w, ctx->s->id.s, "ok", NULL, NULL,
	    runner_actor(r), &ctx->err)) != 0 ||
	    (rc = audit_ceremony_end(r->w, "completed", runner_actor(r),
	    &ctx->err)) != 0 ||
	    (rc = audit_seal(r->w, &fp, &ctx->err)) != 0)
		return rc;
	ctx->sealed = 1;
	r->status[ctx->s->index] = ST_OK;
	runner_quorum_end(r);
	if ((rc = runner_progress_save(r, &ctx->err)) != 0)
		return rc;
	return runner_finish(r, &fp, &ctx->err);
}

int
step_engine_fail(struct step_ctx *ctx, enum engine_op op,
    const struct kr_err *e)
{
	const struct ceremony_step *s, *best = NULL;
	const struct ceremony_value *v;
	int need = engine_needed_mode(op), m;
	size_t i;

	if (e->code != KR_EMODE)
		return step_fail(ctx, e->code, "%s", e->msg);
	for (i = 0; i < ctx->c->nsteps; i++) {
		s = &ctx->c->steps[i];
		if (s->type != &step_set_mode ||
		    (v = ceremony_step_with(s, "mode")) == NULL ||
		    v->is_list || engine_mode_parse(v->scalar.s, &m) != 0 ||
		    m != need)
			continue;
		if (best == NULL || i < ctx->s->index)
			best = s;
	}
	if (best == NULL)
		return step_fail(ctx, e->code, "%s", e->msg);
	return step_fail(ctx, e->code, "%s (step '%s')", e->msg, best->id.s);
}

int
step_logged_sha256(struct step_ctx *ctx, const char *name, char out[65])
{
	const struct runner *r = ctx->r;
	size_t i;

	for (i = 0; i < r->narts; i++)
		if (strcmp(r->arts[i].name, name) == 0) {
			snprintf(out, 65, "%s", r->arts[i].sha256);
			return 0;
		}
	return -1;
}
