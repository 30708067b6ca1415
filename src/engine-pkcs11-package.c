/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11-package.c: the package made by the token, in any wrapping
 * profile's form (byok-profile.h), and the ACL reduction after it.
 *
 * The profile (NULL: azure-byok) must take the KEK's size and the key's
 * type, and the token must pass the packaging check for it
 * (engine-pkcs11-kwp.c), which also chooses how: CKM_RSA_AES_KEY_WRAP in
 * one call where the token offers it (the trusted KEK wraps the
 * wrap-with-trusted target directly; no SO login), else the two-step path,
 * which every token with key wrap with padding and RSA-OAEP can do: the SO
 * (the quorum's SO PIN) makes a session AES-256 key that is trusted,
 * sensitive and wrap-only; the user wraps the target with it (RFC 5649:
 * the target is wrap-with-trusted, so only a trusted key can wrap it) and
 * wraps the AES key with the trusted KEK the SO imported
 * (CKM_RSA_PKCS_OAEP with the profile's OAEP and MGF1 hash); the AES key is
 * destroyed.  Either way ciphertext = C1 || C2 as in byok-format.md,
 * written in the profile's form (byok_profile_encode: the .byok JSON, raw
 * bytes or base64).  Neither the AES key nor the target ever leaves the
 * token in the clear.  After packaging the target is made non-extractable
 * (CKA_EXTRACTABLE can only go from TRUE to FALSE) or destroyed, as the
 * request says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "byok-profile.h"
#include "byok.h"
#include "config.h"
#include "engine-pkcs11.h"
#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"

#define P11_WRAP_MAX	8192

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

/* As the SO: the trusted, sensitive, wrap-only session AES-256 key. */
static int
ephemeral(struct p11_engine *eng, const char *label, CK_OBJECT_HANDLE *h,
    struct kr_err *e)
{
	CK_MECHANISM m = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_OBJECT_CLASS sk = CKO_SECRET_KEY;
	CK_KEY_TYPE ak = CKK_AES;
	CK_ULONG len = 32;
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &sk, sizeof(sk) }, { CKA_KEY_TYPE, &ak, sizeof(ak) },
		{ CKA_VALUE_LEN, &len, sizeof(len) },
		{ CKA_LABEL, (void *)(uintptr_t)label, strlen(label) },
		{ CKA_TOKEN, &no, sizeof(no) }, { CKA_PRIVATE, &no, sizeof(no) },
		{ CKA_TRUSTED, &yes, sizeof(yes) },
		{ CKA_SENSITIVE, &yes, sizeof(yes) },
		{ CKA_EXTRACTABLE, &yes, sizeof(yes) },
		{ CKA_WRAP, &yes, sizeof(yes) }, { CKA_UNWRAP, &no, sizeof(no) },
		{ CKA_ENCRYPT, &no, sizeof(no) }, { CKA_DECRYPT, &no, sizeof(no) },
		{ CKA_MODIFIABLE, &no, sizeof(no) },
	};
	CK_RV rv;
	int r;

	if ((r = p11_login(eng, CKU_SO, e)) != 0)
		return r;
	if ((rv = eng->f->C_GenerateKey(eng->s, &m, t, sizeof(t) / sizeof(t[0]),
	    h)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_GenerateKey (the trusted AES key, "
		    "as SO)", rv);
	return 0;
}

/* C_WrapKey of key under wrapping with mechanism m into ct (*n: its room
 * in, the bytes written out); a failure names what was wrapped how, in the
 * words "C_WrapKey (<what>, <how>)". */
static int
wrap_key(struct p11_engine *eng, CK_MECHANISM *m, CK_OBJECT_HANDLE wrapping,
    CK_OBJECT_HANDLE key, uint8_t *ct, CK_ULONG *n, const char *what,
    const char *how, struct kr_err *e)
{
	char msg[160];
	CK_RV rv;

	if ((rv = eng->f->C_WrapKey(eng->s, m, wrapping, key, ct, n)) ==
	    CKR_OK)
		return 0;
	snprintf(msg, sizeof(msg), "C_WrapKey (%s, %s)", what, how);
	return p11_fail(e, KR_EFAIL, msg, rv);
}

/* Two steps: C1 || C2 into ct (P11_WRAP_MAX). */
static int
two_step(struct p11_engine *eng, const struct p11_wrap_plan *plan,
    CK_OBJECT_HANDLE kek, CK_OBJECT_HANDLE target, CK_OBJECT_HANDLE aes,
    uint8_t *ct, size_t *len, struct kr_err *e)
{
	CK_RSA_PKCS_OAEP_PARAMS op = plan->oaep;
	CK_MECHANISM mo = { CKM_RSA_PKCS_OAEP, &op, sizeof(op) };
	CK_MECHANISM mk = { plan->mech, NULL, 0 };
	CK_ULONG c1 = P11_WRAP_MAX, c2;
	char how[96];
	int r;

	snprintf(how, sizeof(how), "CKM_RSA_PKCS_OAEP, %s", plan->oaep_name);
	if ((r = wrap_key(eng, &mo, kek, aes, ct, &c1, "the AES key under the "
	    "KEK", how, e)) != 0)
		return r;
	c2 = P11_WRAP_MAX - c1;
	if ((r = wrap_key(eng, &mk, aes, target, ct + c1, &c2, "the key",
	    p11_mech_name(plan->mech), e)) != 0)
		return r;
	*len = c1 + c2;
	return 0;
}

/* One call: CKM_RSA_AES_KEY_WRAP, the token's own ephemeral AES-256 key. */
static int
one_call(struct p11_engine *eng, const struct p11_wrap_plan *plan,
    CK_OBJECT_HANDLE kek, CK_OBJECT_HANDLE target, uint8_t *ct, size_t *len,
    struct kr_err *e)
{
	CK_RSA_PKCS_OAEP_PARAMS op = plan->oaep;
	struct p11_rsa_aes_key_wrap_params rp = { 256, &op };
	CK_MECHANISM m = { CKM_RSA_AES_KEY_WRAP, &rp, sizeof(rp) };
	CK_ULONG n = P11_WRAP_MAX;
	char how[96];
	int r;

	snprintf(how, sizeof(how), "CKM_RSA_AES_KEY_WRAP, %s", plan->oaep_name);
	if ((r = wrap_key(eng, &m, kek, target, ct, &n, "the key under the KEK",
	    how, e)) != 0)
		return r;
	*len = n;
	return 0;
}

/* The token's KEK must be the one in the PEM the ceremony carried. */
static int
kek_matches(struct p11_engine *eng, CK_OBJECT_HANDLE kek, const char *pem_path,
    const char *data, size_t dlen, char sha[ENGINE_HEX256], EVP_PKEY **kekpk,
    struct kr_err *e)
{
	EVP_PKEY *tok = NULL, *file = NULL;
	char *buf = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	int r;

	if ((r = kr_read_file_given(pem_path, data, dlen, 64 * 1024, &buf,
	    &len, e)) != 0)
		return r;
	soft_sha256_hex(buf, len, sha);
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL ||
	    (file = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL)) == NULL)
		r = kr_errf(e, KR_EDATA, "%s: not a public key PEM", pem_path);
	else if ((tok = p11_pubkey(eng, eng->s, kek)) == NULL ||
	    EVP_PKEY_eq(tok, file) != 1)
		r = kr_errf(e, KR_EFAIL, "%s: not the KEK the SO imported on the "
		    "token", pem_path);
	else {
		*kekpk = file;
		file = NULL;
	}
	EVP_PKEY_free(tok);
	EVP_PKEY_free(file);
	BIO_free(bio);
	free(buf);
	return r;
}

static int
write_pkg(const struct engine_package_req *req, const struct byok_profile *p,
    const char *fname, const struct p11_engine *eng, const uint8_t *ct,
    size_t len, struct engine_package_result *out, struct kr_err *e)
{
	char gen[128];
	uint8_t *pkg = NULL;
	size_t plen = 0;
	int r;

	snprintf(gen, sizeof(gen), "keyrite %s; PKCS#11 token %s", PACKAGE_VERSION,
	    eng->world.label);
	if (kr_path_join(out->byok_path, sizeof(out->byok_path), req->out_dir,
	    fname) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", req->out_dir);
	if ((r = byok_profile_encode(p, ct, len, req->kid, gen, &pkg, &plen,
	    e)) != 0)
		return r;
	if ((r = kr_write_atomic(out->byok_path, pkg, plen, 0600, e)) == 0)
		soft_sha256_hex(pkg, plen, out->byok_sha256);
	free(pkg);
	return r;
}

/* The BYOK_KEY_* bit of the key's public half. */
static unsigned
key_bit(EVP_PKEY *pk)
{
	char group[64];
	size_t n = 0;

	if (EVP_PKEY_is_a(pk, "RSA"))
		return byok_key_bit("RSA", EVP_PKEY_get_bits(pk), NULL);
	if (!EVP_PKEY_is_a(pk, "EC") || EVP_PKEY_get_utf8_string_param(pk,
	    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &n) != 1)
		return 0;
	return byok_key_bit("EC", 0, strcmp(group, "prime256v1") == 0 ? "P-256" :
	    strcmp(group, "secp384r1") == 0 ? "P-384" :
	    strcmp(group, "secp521r1") == 0 ? "P-521" : "");
}

/* After packaging: CKA_EXTRACTABLE to FALSE, or the key destroyed. */
static int
reduce(struct p11_engine *eng, const char *label, int destroy,
    struct kr_err *e)
{
	CK_ATTRIBUTE a = { CKA_EXTRACTABLE, &no, sizeof(no) };
	CK_OBJECT_HANDLE h;
	CK_RV rv;

	if ((h = p11_find(eng, CKO_PRIVATE_KEY, label)) == 0)
		return kr_errf(e, KR_EFAIL, "token: '%s' vanished", label);
	if (destroy)
		rv = eng->f->C_DestroyObject(eng->s, h);
	else
		rv = eng->f->C_SetAttributeValue(eng->s, h, &a, 1);
	if (rv != CKR_OK)
		return p11_fail(e, KR_EFAIL, destroy ? "C_DestroyObject (the key, "
		    "after packaging)" : "C_SetAttributeValue (CKA_EXTRACTABLE "
		    "FALSE, after packaging)", rv);
	return 0;
}

/* The key's objects, the KEK, the profile's fit and the token's check. */
static int
prepare(struct p11_engine *eng, const struct engine_package_req *req,
    const struct byok_profile *p, const char *label, const char *klabel,
    CK_OBJECT_HANDLE *kek, struct p11_wrap_plan *plan,
    struct engine_package_result *out, struct kr_err *e)
{
	CK_OBJECT_HANDLE pub;
	EVP_PKEY *pk = NULL, *kekpk = NULL;
	uint8_t *der = NULL;
	size_t dlen = 0;
	int r;

	if ((r = p11_login(eng, CKU_USER, e)) != 0)
		return r;
	if (p11_find(eng, CKO_PRIVATE_KEY, label) == 0 ||
	    (pub = p11_find(eng, CKO_PUBLIC_KEY, label)) == 0)
		return kr_errf(e, KR_ENOINPUT, "token '%s': no key '%s'",
		    eng->world.label, label);
	if ((*kek = p11_find(eng, CKO_PUBLIC_KEY, klabel)) == 0)
		return kr_errf(e, KR_EFAIL, "token '%s': no trusted KEK '%s' "
		    "(the SO imports it first)", eng->world.label, klabel);
	if ((r = kek_matches(eng, *kek, req->kek_pem, req->kek_pem_data,
	    req->kek_pem_len, out->kek_sha256, &kekpk, e)) != 0)
		return r;
	if ((pk = p11_pubkey(eng, eng->s, pub)) == NULL ||
	    keyio_spki_der(pk, &der, &dlen, e) != 0) {
		r = kr_errf(e, KR_EFAIL, "%s: cannot read its public key", label);
		goto out;
	}
	soft_sha256_hex(der, dlen, out->pub_sha256);
	if ((r = byok_profile_check(p, kekpk, key_bit(pk), e)) != 0)
		goto out;
	if ((r = p11_wrap_check(eng, eng->s, p, plan, e)) != 0)
		kr_err_prefix(e, "token '%s' refused for packaging",
		    eng->world.label);
out:
	free(der);
	EVP_PKEY_free(pk);
	EVP_PKEY_free(kekpk);
	return r;
}

static int
package_steps(struct p11_engine *eng, const struct engine_package_req *req,
    const struct byok_profile *p, const char *ident, const char *fname,
    struct engine_package_result *out, struct kr_err *e)
{
	char label[ENGINE_NAME_MAX], klabel[ENGINE_NAME_MAX];
	char wlabel[ENGINE_NAME_MAX];
	CK_OBJECT_HANDLE target, kek = 0, aes = 0;
	struct p11_wrap_plan plan;
	uint8_t *ct = NULL;
	size_t len = 0;
	int r;

	snprintf(label, sizeof(label), "keyrite:%s", ident);
	snprintf(klabel, sizeof(klabel), "keyrite-kek:%s", ident);
	snprintf(wlabel, sizeof(wlabel), "keyrite-wrap:%s", ident);
	if ((r = prepare(eng, req, p, label, klabel, &kek, &plan, out, e)) != 0)
		return r;
	if ((ct = malloc(P11_WRAP_MAX)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	/* Handles to private objects die at logout: find the target again
	 * once the user is back. */
	if (!plan.one_call && ((r = ephemeral(eng, wlabel, &aes, e)) != 0 ||
	    (r = p11_login(eng, CKU_USER, e)) != 0))
		goto out;
	if ((target = p11_find(eng, CKO_PRIVATE_KEY, label)) == 0) {
		r = kr_errf(e, KR_EFAIL, "token: '%s' vanished", label);
		goto out;
	}
	if ((r = plan.one_call ? one_call(eng, &plan, kek, target, ct, &len, e) :
	    two_step(eng, &plan, kek, target, aes, ct, &len, e)) != 0)
		goto out;
	snprintf(out->wrap_mech, sizeof(out->wrap_mech), plan.one_call ?
	    "%s (0x%lx), %s" : "CKM_RSA_PKCS_OAEP then %s (0x%lx), %s",
	    p11_mech_name(plan.mech), (unsigned long)plan.mech, plan.oaep_name);
	if (aes != 0)
		eng->f->C_DestroyObject(eng->s, aes);
	aes = 0;
	if ((r = write_pkg(req, p, fname, eng, ct, len, out, e)) != 0 ||
	    (r = reduce(eng, label, req->destroy_after, e)) != 0)
		goto out;
out:
	if (aes != 0)
		eng->f->C_DestroyObject(eng->s, aes);
	free(ct);
	return r;
}

/* The file name: the request's, which must end in the profile's suffix,
 * or <ident> and the suffix (".bin" for a profile without one). */
static int
pkg_name(const struct engine_package_req *req, const struct byok_profile *p,
    const char *ident, char *fname, size_t sz, struct kr_err *e)
{
	size_t n, sl = strlen(p->suffix);

	if (req->out_name == NULL) {
		snprintf(fname, sz, "%s%s", ident, sl ? p->suffix : ".bin");
		return 0;
	}
	n = strlen(req->out_name);
	if (n <= sl || n >= sz || strcmp(req->out_name + n - sl, p->suffix) != 0 ||
	    strchr(req->out_name, '/') != NULL || req->out_name[0] == '.')
		return kr_errf(e, KR_EUSAGE, "output name '%s' must be a file "
		    "name%s%s", req->out_name, sl ? " ending in " : "", p->suffix);
	snprintf(fname, sz, "%s", req->out_name);
	return 0;
}

int
p11_package(struct engine *engine, const struct engine_package_req *req,
    struct engine_package_result *out, struct kr_err *e)
{
	struct p11_engine *eng = P11_ENG(engine);
	const struct byok_profile *p;
	char ident[ENGINE_IDENT_MAX], fname[160], list[400];
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = engine_ident_normalize(req->ident, ident, sizeof(ident), e)) != 0)
		return r;
	if (req->format != ENGINE_PACKAGE_BYOK)
		return kr_errf(e, KR_EUSAGE, "package: the PKCS#11 engine makes "
		    "current-method packages only (the legacy method needs the "
		    "vendor's Security World)");
	if ((p = byok_profile_find(req->profile != NULL ? req->profile :
	    "azure-byok")) == NULL) {
		byok_profile_list(list, sizeof(list));
		return kr_errf(e, KR_EUSAGE, "package: unknown wrapping profile "
		    "'%.60s' (known: %s)", req->profile, list);
	}
	if (req->out_dir == NULL || req->kek_pem == NULL || req->kid == NULL ||
	    *req->kid == '\0' || strlen(req->kid) >= BYOK_KID_MAX)
		return kr_errf(e, KR_EUSAGE, "package: need the output directory, "
		    "the KEK public key and its kid");
	if ((r = pkg_name(req, p, ident, fname, sizeof(fname), e)) != 0)
		return r;
	return package_steps(eng, req, p, ident, fname, out, e);
}
