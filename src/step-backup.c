/* SPDX-License-Identifier: ISC */
/*
 * step-backup.c: the `backup' step type.
 *
 * Copies the world (or a key, or both) to backup media.
 *
 * On a PKCS#11 token (run --token) the world is the token's world record,
 * STATE/token-world (engine-pkcs11-world.c): what keyrite needs to find
 * and use the token's world again with the custodians' cards (its id, the
 * token's label and serial, K/N, the cards' public keys and commitments,
 * the check value of the PINs the cards rebuild); it holds no PIN.  A key
 * on a token is sensitive and stays there: `what: key' is refused, and
 * `what: all' copies the world record only, saying so.
 */
#include <stddef.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony.h"
#include "step.h"
#include "codec.h"
#include "fsutil.h"
#include "path.h"
#include "step-ctx.h"

static const char *const what_values[] = {
	"world", "key", "all", NULL
};

static const struct step_key keys[] = {
	{ "what", STEP_ENUM, 1, what_values, 0, 0 },
	{ "ident", STEP_STRING, 0, NULL, 0, 0 },
	{ "dest", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

/* The backup folder, open (dfd) and named (dir). */
struct dest {
	int		 dfd;
	const char	*dir;
};

/* The token's world record, beside the cards in the state directory. */
#define TOKEN_WORLD	"token-world"

/* Copies the file rel of the module's state directory into the backup
 * folder as name, through its descriptor, and logs the bytes written. */
static int
copy_from(struct step_ctx *ctx, const struct dest *d, const char *rel,
    const char *name)
{
	char dst[ENGINE_PATH_MAX];
	char *buf = NULL;
	uint8_t h[32];
	size_t len;
	int rc;

	if (kr_path_join(dst, sizeof(dst), d->dir, name) != 0)
		return step_fail(ctx, KR_EUSAGE, "%s: path too long", name);
	if ((rc = step_read(ctx, ctx->state_dir, rel, (size_t)64 << 20, &buf,
	    &len)) != 0)
		return step_fail(ctx, rc, "backup: %s", ctx->err.msg);
	rc = kr_write_atomic_at(d->dfd, d->dir, name, buf, len, 0600,
	    &ctx->err);
	kr_sha256(buf, len, h);
	free(buf);
	if (rc != 0)
		return rc;
	return step_artifact_hashed(ctx, dst, h, len, "backup");
}

/* One file of the module's local directory. */
static int
copy(struct step_ctx *ctx, const struct dest *d, const char *name)
{
	char rel[ENGINE_PATH_MAX];

	if (kr_path_join(rel, sizeof(rel), "local", name) != 0)
		return step_fail(ctx, KR_EUSAGE, "%s: path too long", name);
	return copy_from(ctx, d, rel, name);
}

/* On a token: the world record only. */
static int
copy_token(struct step_ctx *ctx, const struct dest *d, const char *what,
    int *count)
{
	int rc;

	if ((rc = copy_from(ctx, d, TOKEN_WORLD, TOKEN_WORLD)) != 0)
		return rc;
	*count = 1;
	if (strcmp(what, "all") == 0)
		return step_note(ctx, "on a token, all is the world record: "
		    "the keys stay on the token (sensitive)");
	return 0;
}

/* what: key on a token, refused before anything is made: the runbook's
 * file:line:col of the `what' (or of the step). */
static int
token_key_refused(struct step_ctx *ctx)
{
	const struct ceremony_value *v = step_value(ctx->s, "what");
	const struct ceremony_loc *at = v != NULL && v->scalar.loc.line > 0 ?
	    &v->scalar.loc : &ctx->s->loc;

	return step_fail(ctx, KR_EDATA, "%s:%u:%u: backup what: key: a key on "
	    "a PKCS#11 token is sensitive and never leaves it as a file; "
	    "nothing was written; back up the world record (what: world), or "
	    "run this step on the software module only (engines: [soft])",
	    ctx->c->file != NULL ? ctx->c->file : "ceremony", at->line,
	    at->col);
}

/* Every key file of the module, for what: all. */
static int
copy_all(struct step_ctx *ctx, const struct dest *d, int *count)
{
	char local[ENGINE_PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int rc = 0;

	if ((rc = step_path(ctx->state_dir, "local", local, sizeof(local),
	    &ctx->err)) != 0)
		return rc;
	if ((dir = opendir(local)) == NULL)
		return step_fail(ctx, KR_ENOINPUT, "%s: cannot read", local);
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, "world") != 0 &&
		    strncmp(de->d_name, "key_", 4) != 0)
			continue;
		if ((rc = copy(ctx, d, de->d_name)) == 0)
			(*count)++;
	}
	closedir(dir);
	return rc;
}

/* A key (and its reduced-ACL copy when there is one). */
static int
copy_key(struct step_ctx *ctx, const struct dest *d, const char *ident,
    int *count)
{
	char id[ENGINE_IDENT_MAX], name[128], p[4200];
	struct kr_err e;
	int rc;

	if (ident == NULL)
		return step_fail(ctx, KR_EDATA, "backup of a key needs 'ident'");
	if (engine_ident_normalize(ident, id, sizeof(id), &e) != 0)
		return step_fail(ctx, KR_EDATA, "%s", e.msg);
	snprintf(name, sizeof(name), "key_simple_%s", id);
	if ((rc = copy(ctx, d, name)) != 0)
		return rc;
	*count = 1;
	snprintf(name, sizeof(name), "key_xferacld_%s", id);
	snprintf(p, sizeof(p), "%s/local/%s", ctx->state_dir, name);
	if (kr_path_exists(p)) {
		if ((rc = copy(ctx, d, name)) != 0)
			return rc;
		(*count)++;
	}
	return 0;
}

/* Copies the world, a key or both into out_dir/backup (or `dest',
 * relative to out_dir), made and opened one component at a time beneath
 * out_dir (path.h): every file lands in the folder that was checked. */
static int
run(struct step_ctx *ctx)
{
	const char *what, *ident, *dest;
	char dir[ENGINE_PATH_MAX];
	struct dest d;
	int rc, count = 0;

	if ((rc = step_arg(ctx, "what", &what)) != 0 ||
	    (rc = step_arg(ctx, "ident", &ident)) != 0 ||
	    (rc = step_arg(ctx, "dest", &dest)) != 0)
		return rc;
	if (step_on_token(ctx) && strcmp(what, "key") == 0)
		return token_key_refused(ctx);
	if (dest == NULL)
		dest = "backup";
	if (kr_path_join(dir, sizeof(dir), ctx->out_dir, dest) != 0)
		return step_fail(ctx, KR_EUSAGE, "%s: path too long", dest);
	if ((d.dfd = kr_path_mkdir_beneath(ctx->out_dir, dest,
	    &ctx->err)) < 0)
		return d.dfd;
	d.dir = dir;
	if (step_on_token(ctx))
		rc = copy_token(ctx, &d, what, &count);
	else if (strcmp(what, "all") == 0)
		rc = copy_all(ctx, &d, &count);
	else if (strcmp(what, "world") == 0) {
		if ((rc = copy(ctx, &d, "world")) == 0)
			count = 1;
	} else
		rc = copy_key(ctx, &d, ident, &count);
	close(d.dfd);
	if (rc != 0)
		return rc;
	snprintf(ctx->detail, sizeof(ctx->detail), "%d file%s backed up to "
	    "%.400s", count, count == 1 ? "" : "s", dir);
	return 0;
}

const struct step_type step_backup = {
	"backup", keys, NULL, run,
};
