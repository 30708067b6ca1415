/* SPDX-License-Identifier: ISC */
/*
 * engine-soft-package.c: verify-packages and package.
 *
 * verify-packages reads the KEK package and the Security World package and
 * checks them with pkg_verify() against the pinned root hash and region.
 *
 * package wraps a key's PKCS#8 to a KEK with CKM_RSA_AES_KEY_WRAP (OAEP
 * and MGF1 with SHA-1) into a .byok (byok.h), only after soft_acl_allows()
 * (engine-soft-acl.c) said yes, and nothing is written before it did:
 *   legacy (format 1): key_xferacld_<ident> (key_simple_<ident> when there
 *     is none, which its ACL refuses), both packages verified again; a
 *     manifest signed by the world signing key binds the subscription ID,
 *     friendly name, both package hashes, the .byok's SHA-256 and the
 *     binding "export-wrapped kek=<pkg> world=<pkg>" the vault checks.
 *     Files: KeyTransferPackage-<friendly>.byok and .manifest.
 *   current (format 2): key_simple_<ident>; the KEK comes as an RSA
 *     2048..4096 public key PEM with its kid, and must be the one the key's
 *     ACL names by SPKI hash.  No manifest.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "byok.h"
#include "byok-profile.h"
#include "clock.h"
#include "codec.h"
#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "manifest.h"
#include "pkg.h"
#include "secmem.h"

#define GENERATOR	"keyrite " PACKAGE_VERSION "; source module: keyrite soft module"

int
soft_verify_packages_info(const struct engine_pkg_req *req,
    struct engine_pkg_result *out, EVP_PKEY **kek, struct kr_err *e)
{
	struct pkg_info info;
	char *kbuf = NULL, *wbuf = NULL;
	size_t klen = 0, wlen = 0;
	int r;

	memset(&info, 0, sizeof(info));
	memset(out, 0, sizeof(*out));
	if (req->kek_pkg == NULL || req->world_pkg == NULL)
		return kr_errf(e, KR_EUSAGE, "need a KEK package and a Security "
		    "World package");
	if (req->pinned_root == NULL || req->region == NULL)
		return kr_errf(e, KR_EUSAGE, "need the pinned root key hash and "
		    "the region");
	if ((r = kr_read_file_given(req->kek_pkg, req->kek_pkg_data,
	    req->kek_pkg_len, PKG_MAX_FILE, &kbuf, &klen, e)) != 0 ||
	    (r = kr_read_file_given(req->world_pkg, req->world_pkg_data,
	    req->world_pkg_len, PKG_MAX_FILE, &wbuf, &wlen, e)) != 0)
		goto out;
	if ((r = pkg_verify(req->kek_pkg, kbuf, klen, req->world_pkg, wbuf, wlen,
	    req->pinned_root, req->region, &info, e)) != 0)
		goto out;
	snprintf(out->region, sizeof(out->region), "%s", info.region);
	snprintf(out->kek_sha256, sizeof(out->kek_sha256), "%s", info.kek_sha256);
	snprintf(out->world_sha256, sizeof(out->world_sha256), "%s",
	    info.world_sha256);
	snprintf(out->root_sha256, sizeof(out->root_sha256), "%s",
	    info.root_sha256);
	snprintf(out->receiving_world_id, sizeof(out->receiving_world_id), "%s",
	    info.world_id);
	snprintf(out->kek_kid, sizeof(out->kek_kid), "%s", info.kid);
	if (kek != NULL) {
		*kek = info.kek;
		info.kek = NULL;
	}
	r = 0;
out:
	pkg_info_free(&info);
	free(kbuf);
	free(wbuf);
	return r;
}

int
soft_verify_packages(struct engine *eng, const struct engine_pkg_req *req,
    struct engine_pkg_result *out, struct kr_err *e)
{
	int r;

	if ((r = soft_need_mode(eng, ENGINE_OP_VERIFY_PACKAGES, e)) != 0 ||
	    (r = soft_need_world(eng, e)) != 0)
		return r;
	return soft_verify_packages_info(req, out, NULL, e);
}

/* A file name without a directory, from the safe set. */
static int
check_name(const char *what, const char *s, struct kr_err *e)
{
	size_t i, n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > 100)
		return kr_errf(e, KR_EUSAGE, "%s: empty or longer than 100 "
		    "characters", what);
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return kr_errf(e, KR_EUSAGE, "%s '%s': use letters, "
			    "digits, '-', '_' and '.'", what, s);
	}
	if (s[0] == '.')
		return kr_errf(e, KR_EUSAGE, "%s '%s': starts with a dot", what, s);
	return 0;
}

/* PKCS#8 of the key, wrapped to kek, as a .byok JSON buffer. */
static int
wrap_key(const struct engine *eng, const struct soft_key *k, EVP_PKEY *kek,
    const char *kid, char **json, size_t *jlen, struct kr_err *e)
{
	uint8_t *der = NULL, *ct = NULL;
	size_t len = 0, ctlen = 0;
	int r;

	if ((r = soft_key_material(eng, k, &der, &len, e)) != 0 ||
	    (r = byok_wrap(kek, EVP_sha1(), der, len, &ct, &ctlen, e)) != 0 ||
	    (r = byok_file_format(kid, ct, ctlen, GENERATOR, json, jlen, e)) != 0)
		goto out;
	r = 0;
out:
	free(ct);
	kr_secure_free(der, len);
	return r;
}

/* The key's material (PKCS#8, or an AES key's bytes) wrapped to kek in a
 * profile's form, after the profile said it takes the key and the KEK. */
static int
wrap_key_profile(const struct engine *eng, const struct soft_key *k,
    const struct byok_profile *p, EVP_PKEY *kek, const char *kid,
    char **pkg, size_t *plen, struct kr_err *e)
{
	uint8_t *der = NULL, *out = NULL;
	size_t len = 0;
	unsigned key;
	int r;

	key = byok_key_bit(k->info.type, k->info.size, k->info.curve);
	if (p->form == BYOK_FORM_JSON) {
		/* the checks of byok_profile_wrap, then the generator */
		if ((r = byok_profile_check(p, kek, key, e)) != 0)
			return r;
		return wrap_key(eng, k, kek, kid, pkg, plen, e);
	}
	if ((r = soft_key_material(eng, k, &der, &len, e)) != 0 ||
	    (r = byok_profile_wrap(p, kek, key, der, len, kid, &out, plen,
	    e)) != 0)
		goto out;
	*pkg = (char *)out;
	r = 0;
out:
	kr_secure_free(der, len);
	return r;
}

static int
package_legacy(struct engine *eng, const struct engine_package_req *req,
    const char *ident, struct engine_package_result *out, struct kr_err *e)
{
	struct soft_acl_use use = { SOFT_USE_EXPORT_WRAPPED, "legacy", NULL,
	    NULL, NULL };
	struct engine_pkg_result pr;
	struct manifest m;
	struct soft_key k;
	EVP_PKEY *kek = NULL, *signer = NULL;
	char fname[160], rel[128], path[PATH_MAX], *json = NULL, *mjson = NULL;
	char spki[ENGINE_HEX256];
	size_t jlen = 0, mlen = 0;
	int r, wrote = 0;

	memset(&k, 0, sizeof(k));
	memset(&m, 0, sizeof(m));
	if ((r = check_name("friendly name", req->friendly_name, e)) != 0)
		return r;
	if (req->subscription_id == NULL || *req->subscription_id == '\0' ||
	    strlen(req->subscription_id) >= sizeof(m.subscription_id))
		return kr_errf(e, KR_EUSAGE, "package: need a subscription ID");
	snprintf(rel, sizeof(rel), "local/key_xferacld_%s", ident);
	if ((r = soft_path(eng, rel, path, sizeof(path), e)) != 0)
		return r;
	if ((r = soft_key_load(eng, kr_path_exists(path) ? "xferacld" :
	    "simple", ident, &k, e)) != 0)
		return r;
	if ((r = soft_verify_packages_info(&req->pkg, &pr, &kek, e)) != 0 ||
	    (r = keyio_spki_sha256_hex(kek, spki, e)) != 0)
		goto out;
	use.kek_spki = spki;
	use.kek_pkg = pr.kek_sha256;
	use.world_pkg = pr.world_sha256;
	if ((r = soft_acl_allows(eng, &k, &use, e)) != 0)
		goto out;
	if ((r = wrap_key(eng, &k, kek,
	    pr.kek_kid[0] != '\0' ? pr.kek_kid : req->pkg.kek_pkg, &json, &jlen, e)) != 0)
		goto out;

	snprintf(m.subscription_id, sizeof(m.subscription_id), "%s",
	    req->subscription_id);
	snprintf(m.friendly_name, sizeof(m.friendly_name), "%s",
	    req->friendly_name);
	snprintf(m.ident, sizeof(m.ident), "%s", ident);
	snprintf(m.world_id, sizeof(m.world_id), "%s", eng->world->world_id);
	snprintf(m.kek_pkg_sha256, sizeof(m.kek_pkg_sha256), "%s", pr.kek_sha256);
	snprintf(m.world_pkg_sha256, sizeof(m.world_pkg_sha256), "%s",
	    pr.world_sha256);
	soft_sha256_hex(json, jlen, m.byok_sha256);
	if (manifest_acl_format(m.acl, sizeof(m.acl), pr.kek_sha256,
	    pr.world_sha256) != 0) {
		r = kr_errf(e, KR_EUSAGE, "ACL too long");
		goto out;
	}
	snprintf(m.kty, sizeof(m.kty), "%s", k.info.type);
	kr_rfc3339(kr_now(), m.created, sizeof(m.created));
	if ((r = soft_world_signing_key(eng, &signer, e)) != 0 ||
	    (r = manifest_sign(&m, signer, &mjson, &mlen, e)) != 0)
		goto out;

	snprintf(fname, sizeof(fname), "KeyTransferPackage-%s.byok",
	    req->friendly_name);
	if (kr_path_join(out->byok_path, sizeof(out->byok_path), req->out_dir,
	    fname) != 0) {
		r = kr_errf(e, KR_EUSAGE, "%s: path too long", req->out_dir);
		goto out;
	}
	snprintf(fname, sizeof(fname), "KeyTransferPackage-%s.manifest",
	    req->friendly_name);
	if (kr_path_join(out->manifest_path, sizeof(out->manifest_path),
	    req->out_dir, fname) != 0) {
		r = kr_errf(e, KR_EUSAGE, "%s: path too long", req->out_dir);
		goto out;
	}
	if ((r = kr_write_atomic(out->byok_path, json, jlen, 0600, e)) != 0)
		goto out;
	wrote = 1;
	if ((r = kr_write_atomic(out->manifest_path, mjson, mlen, 0600, e)) != 0)
		goto out;
	wrote = 0;
	snprintf(out->byok_sha256, sizeof(out->byok_sha256), "%s", m.byok_sha256);
	soft_sha256_hex(mjson, mlen, out->manifest_sha256);
	snprintf(out->kek_sha256, sizeof(out->kek_sha256), "%s", pr.kek_sha256);
	snprintf(out->pub_sha256, sizeof(out->pub_sha256), "%s",
	    k.info.pub_sha256);
	snprintf(out->kcv, sizeof(out->kcv), "%s", k.info.kcv);
	r = 0;
out:
	if (wrote)
		unlink(out->byok_path);
	free(json);
	free(mjson);
	EVP_PKEY_free(kek);
	EVP_PKEY_free(signer);
	soft_key_free(&k);
	return r;
}

static int
package_byok(struct engine *eng, const struct engine_package_req *req,
    const char *ident, struct engine_package_result *out, struct kr_err *e)
{
	struct soft_acl_use use = { SOFT_USE_EXPORT_WRAPPED, "byok", NULL, NULL,
	    NULL };
	const struct byok_profile *p;
	struct soft_key k;
	EVP_PKEY *kek = NULL;
	char fname[160], spki[ENGINE_HEX256], *json = NULL, list[400];
	size_t jlen = 0, n, sl;
	int r;

	memset(&k, 0, sizeof(k));
	if ((p = byok_profile_find(req->profile != NULL ? req->profile :
	    "azure-byok")) == NULL) {
		byok_profile_list(list, sizeof(list));
		return kr_errf(e, KR_EUSAGE, "package: unknown wrapping profile "
		    "'%.60s' (known: %s)", req->profile, list);
	}
	if (req->kek_pem == NULL)
		return kr_errf(e, KR_EUSAGE, "package: need the KEK public key");
	if (req->kid == NULL || *req->kid == '\0' ||
	    strlen(req->kid) >= BYOK_KID_MAX)
		return kr_errf(e, KR_EUSAGE, "package: need the KEK's kid");
	sl = strlen(p->suffix);
	if (req->out_name != NULL) {
		if ((r = check_name("output name", req->out_name, e)) != 0)
			return r;
		n = strlen(req->out_name);
		if (n <= sl || strcmp(req->out_name + n - sl, p->suffix) != 0)
			return kr_errf(e, KR_EUSAGE, "output name '%s' must end in "
			    "%s", req->out_name, p->suffix);
		snprintf(fname, sizeof(fname), "%s", req->out_name);
	} else
		snprintf(fname, sizeof(fname), "%s%s", ident,
		    sl ? p->suffix : ".bin");
	if ((r = soft_key_load(eng, "simple", ident, &k, e)) != 0)
		return r;
	if ((r = soft_acl_kek_pem(req->kek_pem, req->kek_pem_data,
	    req->kek_pem_len, &kek, out->kek_sha256, spki, e)) != 0)
		goto out;
	use.kek_spki = spki;
	if ((r = soft_acl_allows(eng, &k, &use, e)) != 0 ||
	    (r = wrap_key_profile(eng, &k, p, kek, req->kid, &json, &jlen,
	    e)) != 0)
		goto out;
	if (kr_path_join(out->byok_path, sizeof(out->byok_path), req->out_dir,
	    fname) != 0) {
		r = kr_errf(e, KR_EUSAGE, "%s: path too long", req->out_dir);
		goto out;
	}
	if ((r = kr_write_atomic(out->byok_path, json, jlen, 0600, e)) != 0)
		goto out;
	soft_sha256_hex(json, jlen, out->byok_sha256);
	snprintf(out->pub_sha256, sizeof(out->pub_sha256), "%s",
	    k.info.pub_sha256);
	snprintf(out->kcv, sizeof(out->kcv), "%s", k.info.kcv);
	r = 0;
out:
	free(json);
	EVP_PKEY_free(kek);
	soft_key_free(&k);
	return r;
}

int
soft_package(struct engine *eng, const struct engine_package_req *req,
    struct engine_package_result *out, struct kr_err *e)
{
	char ident[ENGINE_IDENT_MAX];
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = soft_need_mode(eng, ENGINE_OP_PACKAGE, e)) != 0 ||
	    (r = soft_need_world(eng, e)) != 0 ||
	    (r = engine_ident_normalize(req->ident, ident, sizeof(ident), e)) != 0)
		return r;
	if (req->out_dir == NULL)
		return kr_errf(e, KR_EUSAGE, "package: no output directory");
	switch (req->format) {
	case ENGINE_PACKAGE_LEGACY:
		return package_legacy(eng, req, ident, out, e);
	case ENGINE_PACKAGE_BYOK:
		return package_byok(eng, req, ident, out, e);
	default:
		return kr_errf(e, KR_EUSAGE, "package: unknown format");
	}
}
