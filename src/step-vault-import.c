/* SPDX-License-Identifier: ISC */
/*
 * step-vault-import.c: the `vault-import' step type.
 *
 * Rehearsal only: imports the package into the simulated receiving
 * vault, which unwraps it and checks its binding.  A service import names
 * the key type the key was created as (`key_type', else the type of the
 * module's key `ident'), which the service checks before it unwraps.  For
 * a .byok, `kty' is the key type the import command declares (az's --kty;
 * oct for an AES key) and `receiver' what takes it (vault, or
 * managed-hsm: the only one that takes an oct key).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byok-profile.h"
#include "ceremony.h"
#include "step.h"
#include "fsutil.h"
#include "step-ctx.h"
#include "step-package-lint.h"
#include "vault.h"
#include "vault-service.h"

/* az's --kty for a .byok, and who receives it (an oct key: a Managed HSM
 * only). */
static const char *const kty_values[] = { "RSA", "EC", "oct", NULL };
static const char *const receiver_values[] = { "vault", "managed-hsm", NULL };

static const struct step_key keys[] = {
	{ "file", STEP_STRING, 1, NULL, 0, 0 },
	{ "manifest", STEP_STRING, 0, NULL, 0, 0 },
	{ "kek", STEP_STRING, 0, NULL, 0, 0 },
	{ "profile", STEP_STRING, 0, NULL, 0, 0 },
	{ "issued", STEP_STRING, 0, NULL, 0, 0 },
	{ "token", STEP_STRING, 0, NULL, 0, 0 },
	{ "key_name", STEP_STRING, 0, NULL, 0, 0 },
	{ "ident", STEP_STRING, 0, NULL, 0, 0 },
	{ "name", STEP_STRING, 0, NULL, 0, 0 },
	{ "key_type", STEP_STRING, 0, NULL, 0, 0 },
	{ "kty", STEP_ENUM, 0, kty_values, 0, 0 },
	{ "receiver", STEP_ENUM, 0, receiver_values, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

/* A file the step read: where it was found and its bytes. */
struct found {
	char	 path[ENGINE_PATH_MAX];
	char	*data;
	size_t	 len;
};

/* The public key SHA-256 the module recorded when it made key ident, or
 * for an AES key its check value (6 hex digits); and its key type
 * ("RSA-2048", "AES-256"; "" when it has no profile name). */
static int
generated_key(struct step_ctx *ctx, const char *ident, char out[65],
    char type[16])
{
	struct engine_status st;
	struct kr_err e;
	char id[ENGINE_IDENT_MAX];
	size_t i;
	int rc;

	kr_err_clear(&e);
	if (engine_ident_normalize(ident, id, sizeof(id), &e) != 0)
		return step_fail(ctx, KR_EDATA, "%s", e.msg);
	if (ctx->ops->status(ctx->eng, &st, &e) != 0)
		return step_fail(ctx, e.code, "%s", e.msg);
	out[0] = '\0';
	for (i = 0; i < st.nkeys; i++)
		if (strcmp(st.keys[i].ident, id) == 0) {
			snprintf(out, 65, "%s", st.keys[i].kcv[0] != '\0' ?
			    st.keys[i].kcv : st.keys[i].pub_sha256);
			snprintf(type, 16, "%s", byok_key_name(byok_key_bit(
			    st.keys[i].type, st.keys[i].size,
			    st.keys[i].curve)));
		}
	ctx->ops->status_free(&st);
	rc = out[0] != '\0' ? 0 : step_fail(ctx, KR_EFAIL, "no key '%s' in "
	    "the module to compare the imported key with", id);
	return rc;
}

/* A service of a wrapping profile (vault-service.h) imports the package
 * with its token; the imported key must be the one generated. */
static int
run_service(struct step_ctx *ctx, const char *file, const struct found *pkg)
{
	struct vault_service_import_opts vo;
	struct vault_service_result res;
	struct kr_err e;
	const char *issued, *token, *key_name, *ident, *key_type;
	char tpath[ENGINE_PATH_MAX], want[65], g[100], g2[100], kt[16];
	char *tbuf = NULL;
	int rc;

	if ((rc = step_arg(ctx, "issued", &issued)) != 0 ||
	    (rc = step_arg(ctx, "token", &token)) != 0 ||
	    (rc = step_arg(ctx, "key_name", &key_name)) != 0 ||
	    (rc = step_arg(ctx, "ident", &ident)) != 0 ||
	    (rc = step_arg(ctx, "key_type", &key_type)) != 0)
		return rc;
	if (issued == NULL || key_name == NULL)
		return step_fail(ctx, KR_EUSAGE, "step '%s': a service import "
		    "needs 'issued' and 'key_name'", ctx->s->id.s);
	memset(&vo, 0, sizeof(vo));
	kt[0] = '\0';
	if (key_type == NULL && ident != NULL &&
	    (rc = generated_key(ctx, ident, want, kt)) != 0)
		return rc;
	if (token != NULL && (rc = step_read_found(ctx, token, tpath,
	    sizeof(tpath), &tbuf, &vo.token_len)) != 0)
		return rc;
	vo.name = issued;
	vo.token = token != NULL ? tpath : NULL;
	vo.token_data = tbuf;
	vo.key_name = key_name;
	vo.key_type = key_type != NULL ? key_type : kt[0] != '\0' ? kt : NULL;
	vo.pkg_data = pkg->data;
	vo.pkg_len = pkg->len;
	kr_err_clear(&e);
	rc = vault_service_import(ctx->vault_dir, pkg->path, &vo, &res, &e);
	free(tbuf);
	if (rc != 0)
		return step_fail(ctx, rc, "%s", e.msg);
	if (res.spki_sha256[0] != '\0') {
		step_group(res.spki_sha256, g, sizeof(g));
		step_info(ctx, "imported as %s (%s), public key SHA-256 %s",
		    res.key_id, res.key_type, g);
		if (ident != NULL) {
			if ((rc = generated_key(ctx, ident, want, kt)) != 0)
				return rc;
			if (!step_hash_equal(want, res.spki_sha256)) {
				step_group(want, g2, sizeof(g2));
				return step_fail(ctx, KR_EFAIL, "%s: the service "
				    "imported a key with public key SHA-256 %s, "
				    "not %s recorded at generation", file, g,
				    g2);
			}
			step_info(ctx, "the same public key as generated");
		}
	} else {
		snprintf(g, sizeof(g), "key check value %s", res.kcv);
		step_info(ctx, "imported as %s (%s), key check value %s",
		    res.key_id, res.key_type, res.kcv);
		if (ident != NULL) {
			if ((rc = generated_key(ctx, ident, want, kt)) != 0)
				return rc;
			if (strcmp(want, res.kcv) != 0)
				return step_fail(ctx, KR_EFAIL, "%s: the service "
				    "imported a key with check value %s, not %s "
				    "recorded at generation", file, res.kcv,
				    want);
			step_info(ctx, "the same key check value as generated");
		}
	}
	if ((rc = step_note(ctx, "service key identifier: %s", res.key_id)) != 0)
		return rc;
	snprintf(ctx->detail, sizeof(ctx->detail), "imported as %.200s "
	    "(%s), %s%s", res.key_id, res.profile, res.kcv[0] != '\0' ? "" :
	    "public key SHA-256 ", g);
	return 0;
}

/* What the vault said about the key it imported. */
static int
report(struct step_ctx *ctx, const char *file,
    const struct vault_import_info *vi)
{
	char g[100];

	step_group(vi->spki_sha256, g, sizeof(g));
	step_info(ctx, "imported as %s with KEK %s: %s %s%s, public key "
	    "SHA-256 %s", vi->name, vi->kek_name, vi->kty, vi->curve[0] ?
	    vi->curve : "", vi->curve[0] ? "" : "key", g);
	if (vi->manifest_checked)
		step_info(ctx, "manifest binding checked (subscription %s, "
		    "friendly name %s)", vi->subscription_id,
		    vi->friendly_name);
	if (!vi->signature_verified)
		return step_fail(ctx, KR_EFAIL, "%s: the test signature of the "
		    "imported key did not verify", file);
	step_info(ctx, "test signature: verified");
	snprintf(ctx->detail, sizeof(ctx->detail), "imported as %s, public "
	    "key SHA-256 %s, test signature: verified", vi->name, g);
	return 0;
}

/* The .byok's manifest: `manifest' when given, else <name>.manifest
 * beside it when there is one (m->path "" when none). */
static int
find_manifest(struct step_ctx *ctx, const char *file, const char *manifest,
    struct found *m)
{
	char rel[ENGINE_PATH_MAX];
	size_t n = strlen(file);
	int rc;

	if (manifest != NULL)
		return step_read_found(ctx, manifest, m->path, sizeof(m->path),
		    &m->data, &m->len);
	if (n <= 5 || n >= sizeof(rel) - 5 || strcmp(file + n - 5, ".byok"))
		return 0;
	snprintf(rel, sizeof(rel), "%.*s.manifest", (int)(n - 5), file);
	rc = step_read_found(ctx, rel, m->path, sizeof(m->path), &m->data,
	    &m->len);
	if (rc == KR_ENOINPUT && strstr(ctx->err.msg, "not found") != NULL) {
		kr_err_clear(&ctx->err);
		m->path[0] = '\0';
		return 0;
	}
	return rc;
}

/* An AES key in a Managed HSM: known by its check value, which must be
 * the one the module recorded when it made key ident. */
static int
report_oct(struct step_ctx *ctx, const char *file,
    const struct vault_import_info *vi)
{
	const char *ident;
	char want[65], kt[16];
	int rc;

	step_info(ctx, "imported as %s with KEK %s: oct (AES-%d) key, key "
	    "check value %s", vi->name, vi->kek_name, vi->bits, vi->kcv);
	if ((rc = step_arg(ctx, "ident", &ident)) != 0)
		return rc;
	if (ident != NULL) {
		if ((rc = generated_key(ctx, ident, want, kt)) != 0)
			return rc;
		if (strcmp(want, vi->kcv) != 0)
			return step_fail(ctx, KR_EFAIL, "%s: the vault imported "
			    "a key with check value %s, not %s recorded at "
			    "generation", file, vi->kcv, want);
		step_info(ctx, "the same key check value as generated");
	}
	snprintf(ctx->detail, sizeof(ctx->detail), "imported as %s, oct "
	    "(AES-%d), key check value %s", vi->name, vi->bits, vi->kcv);
	return 0;
}

/* The receiving vault imports the .byok (with the manifest written beside
 * it, when there is one).  Without a vault (a live run) it is skipped.
 * Both are read through descriptors opened beneath out_dir or media_dir
 * (step_read_found); the vault is handed the bytes read. */
static int
run(struct step_ctx *ctx)
{
	struct vault_import_opts vo;
	struct vault_import_info vi;
	struct found pkg, m;
	struct kr_err e;
	const char *file, *manifest, *kek, *profile, *name, *kty, *recv;
	int rc;

	memset(&pkg, 0, sizeof(pkg));
	memset(&m, 0, sizeof(m));
	if ((rc = step_arg(ctx, "file", &file)) != 0 ||
	    (rc = step_arg(ctx, "manifest", &manifest)) != 0 ||
	    (rc = step_arg(ctx, "kek", &kek)) != 0 ||
	    (rc = step_arg(ctx, "name", &name)) != 0 ||
	    (rc = step_arg(ctx, "profile", &profile)) != 0 ||
	    (rc = step_arg(ctx, "kty", &kty)) != 0 ||
	    (rc = step_arg(ctx, "receiver", &recv)) != 0)
		return rc;
	if (ctx->vault_dir == NULL) {
		ctx->result = "skipped";
		snprintf(ctx->detail, sizeof(ctx->detail), "no receiving vault: "
		    "the import is done with the commands shown");
		return 0;
	}
	if ((rc = step_read_found(ctx, file, pkg.path, sizeof(pkg.path),
	    &pkg.data, &pkg.len)) != 0)
		return rc;
	if (profile != NULL && strcmp(profile, "azure-byok") != 0) {
		rc = run_service(ctx, file, &pkg);
		free(pkg.data);
		return rc;
	}
	if ((rc = find_manifest(ctx, file, manifest, &m)) != 0) {
		free(pkg.data);
		return rc;
	}
	memset(&vo, 0, sizeof(vo));
	vo.kek = kek;
	vo.name = name;		/* the key's name in the vault (friendly name) */
	vo.manifest = m.path[0] ? m.path : NULL;
	vo.byok_data = pkg.data;
	vo.byok_len = pkg.len;
	vo.manifest_data = m.data;
	vo.manifest_len = m.len;
	vo.kty = kty;
	vo.managed_hsm = recv != NULL && strcmp(recv, "managed-hsm") == 0;
	kr_err_clear(&e);
	rc = vault_import(ctx->vault_dir, pkg.path, &vo, &vi, &e);
	if (rc == KR_EFAIL && kek != NULL && strstr(e.msg, "no KEK") != NULL) {
		vo.kek = NULL;		/* a package name: find it by kid */
		kr_err_clear(&e);
		rc = vault_import(ctx->vault_dir, pkg.path, &vo, &vi, &e);
	}
	free(pkg.data);
	free(m.data);
	if (rc != 0)
		return step_fail(ctx, rc, "%s", e.msg);
	if (vi.kcv[0] != '\0')
		return report_oct(ctx, file, &vi);
	return report(ctx, file, &vi);
}

static void
validate(const struct ceremony *c, const struct ceremony_step *s,
    struct diag_list *dl)
{
	step_vault_import_lint_key_type(c, s, dl);
}

const struct step_type step_vault_import = {
	"vault-import", keys, validate, run,
};
