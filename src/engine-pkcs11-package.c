/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11-package.c: the .byok made by the token, and the ACL
 * reduction after it.
 *
 * Before anything is wrapped the token must pass the packaging check
 * (engine-pkcs11-kwp.c).  Then the two-step path, which every token with
 * key wrap with padding and RSA-OAEP can do: the SO (the quorum's SO PIN)
 * makes a session AES-256 key that is trusted, sensitive and wrap-only;
 * the user wraps the target with it (RFC 5649: the target is
 * wrap-with-trusted, so only a trusted key can wrap it) and wraps the AES
 * key with the trusted KEK the SO imported (CKM_RSA_PKCS_OAEP, SHA-1,
 * MGF1-SHA-1); the AES key is destroyed.  ciphertext = C1 || C2 as in
 * byok-format.md, written with byok_file_format.  Neither the AES key nor
 * the target ever leaves the token in the clear.  After packaging the
 * target is made non-extractable (CKA_EXTRACTABLE can only go from TRUE to
 * FALSE) or destroyed, as the request says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "byok.h"
#include "config.h"
#include "engine-pkcs11.h"
#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"

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

/* C1 || C2 into ct (P11_WRAP_MAX). */
static int
two_step(struct p11_engine *eng, CK_MECHANISM_TYPE kwp, CK_OBJECT_HANDLE kek,
    CK_OBJECT_HANDLE target, CK_OBJECT_HANDLE aes, uint8_t *ct, size_t *len,
    struct kr_err *e)
{
	CK_RSA_PKCS_OAEP_PARAMS op = { CKM_SHA_1, CKG_MGF1_SHA1,
	    CKZ_DATA_SPECIFIED, NULL, 0 };
	CK_MECHANISM mo = { CKM_RSA_PKCS_OAEP, &op, sizeof(op) };
	CK_MECHANISM mk = { kwp, NULL, 0 };
	CK_ULONG c1 = P11_WRAP_MAX, c2;
	CK_RV rv;

	if ((rv = eng->f->C_WrapKey(eng->s, &mo, kek, aes, ct, &c1)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_WrapKey (the AES key under the "
		    "KEK, CKM_RSA_PKCS_OAEP)", rv);
	c2 = P11_WRAP_MAX - c1;
	if ((rv = eng->f->C_WrapKey(eng->s, &mk, aes, target, ct + c1, &c2)) !=
	    CKR_OK)
		return p11_fail(e, KR_EFAIL, kwp == CKM_AES_KEY_WRAP_KWP ?
		    "C_WrapKey (the key, CKM_AES_KEY_WRAP_KWP)" :
		    "C_WrapKey (the key, CKM_AES_KEY_WRAP_PAD)", rv);
	*len = c1 + c2;
	return 0;
}

/* The token's KEK must be the one in the PEM the ceremony carried. */
static int
kek_matches(struct p11_engine *eng, CK_OBJECT_HANDLE kek, const char *pem_path,
    const char *data, size_t dlen,
    char sha[ENGINE_HEX256], struct kr_err *e)
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
	EVP_PKEY_free(tok);
	EVP_PKEY_free(file);
	BIO_free(bio);
	free(buf);
	return r;
}

static int
write_byok(const struct engine_package_req *req, const char *ident,
    const struct p11_engine *eng, const uint8_t *ct, size_t len,
    struct engine_package_result *out, struct kr_err *e)
{
	char fname[160], gen[128], *json = NULL;
	size_t jlen = 0;
	int r;

	snprintf(fname, sizeof(fname), "%s", req->out_name != NULL ?
	    req->out_name : "");
	if (req->out_name == NULL)
		snprintf(fname, sizeof(fname), "%s.byok", ident);
	snprintf(gen, sizeof(gen), "keyrite %s; PKCS#11 token %s", PACKAGE_VERSION,
	    eng->world.label);
	if (kr_path_join(out->byok_path, sizeof(out->byok_path), req->out_dir,
	    fname) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", req->out_dir);
	if ((r = byok_file_format(req->kid, ct, len, gen, &json, &jlen, e)) != 0)
		return r;
	if ((r = kr_write_atomic(out->byok_path, json, jlen, 0600, e)) == 0)
		soft_sha256_hex(json, jlen, out->byok_sha256);
	free(json);
	return r;
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

static int
package_steps(struct p11_engine *eng, const struct engine_package_req *req,
    const char *ident, struct engine_package_result *out, struct kr_err *e)
{
	char label[ENGINE_NAME_MAX], klabel[ENGINE_NAME_MAX];
	char wlabel[ENGINE_NAME_MAX];
	CK_OBJECT_HANDLE target, kek, pub, aes = 0;
	CK_MECHANISM_TYPE kwp = 0;
	uint8_t *ct = NULL, *der = NULL;
	EVP_PKEY *pk = NULL;
	size_t len = 0, dlen = 0;
	int r;

	snprintf(label, sizeof(label), "keyrite:%s", ident);
	snprintf(klabel, sizeof(klabel), "keyrite-kek:%s", ident);
	snprintf(wlabel, sizeof(wlabel), "keyrite-wrap:%s", ident);
	if ((r = p11_login(eng, CKU_USER, e)) != 0)
		return r;
	if ((target = p11_find(eng, CKO_PRIVATE_KEY, label)) == 0 ||
	    (pub = p11_find(eng, CKO_PUBLIC_KEY, label)) == 0)
		return kr_errf(e, KR_ENOINPUT, "token '%s': no key '%s'",
		    eng->world.label, label);
	if ((kek = p11_find(eng, CKO_PUBLIC_KEY, klabel)) == 0)
		return kr_errf(e, KR_EFAIL, "token '%s': no trusted KEK '%s' "
		    "(the SO imports it first)", eng->world.label, klabel);
	if ((r = kek_matches(eng, kek, req->kek_pem, req->kek_pem_data,
	    req->kek_pem_len, out->kek_sha256, e)) != 0)
		return r;
	if ((r = p11_wrap_check(eng, eng->s, &kwp, e)) != 0) {
		kr_err_prefix(e, "token '%s' refused for packaging",
		    eng->world.label);
		return r;
	}
	if ((pk = p11_pubkey(eng, eng->s, pub)) == NULL ||
	    (r = soft_spki_der(pk, &der, &dlen, e)) != 0) {
		r = kr_errf(e, KR_EFAIL, "%s: cannot read its public key", label);
		goto out;
	}
	soft_sha256_hex(der, dlen, out->pub_sha256);
	if ((ct = malloc(P11_WRAP_MAX)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	/* Handles to private objects die at logout: find the target again
	 * once the user is back. */
	if ((r = ephemeral(eng, wlabel, &aes, e)) != 0 ||
	    (r = p11_login(eng, CKU_USER, e)) != 0)
		goto out;
	if ((target = p11_find(eng, CKO_PRIVATE_KEY, label)) == 0) {
		r = kr_errf(e, KR_EFAIL, "token: '%s' vanished", label);
		goto out;
	}
	if ((r = two_step(eng, kwp, kek, target, aes, ct, &len, e)) != 0)
		goto out;
	eng->f->C_DestroyObject(eng->s, aes);
	aes = 0;
	if ((r = write_byok(req, ident, eng, ct, len, out, e)) != 0 ||
	    (r = reduce(eng, label, req->destroy_after, e)) != 0)
		goto out;
out:
	if (aes != 0)
		eng->f->C_DestroyObject(eng->s, aes);
	free(ct);
	OPENSSL_free(der);
	EVP_PKEY_free(pk);
	return r;
}

int
p11_package(struct engine *engine, const struct engine_package_req *req,
    struct engine_package_result *out, struct kr_err *e)
{
	struct p11_engine *eng = P11_ENG(engine);
	char ident[ENGINE_IDENT_MAX];
	size_t n;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = engine_ident_normalize(req->ident, ident, sizeof(ident), e)) != 0)
		return r;
	if (req->format != ENGINE_PACKAGE_BYOK)
		return kr_errf(e, KR_EUSAGE, "package: the PKCS#11 engine makes "
		    "current-method .byok packages only (the legacy method "
		    "needs the vendor's Security World)");
	if (req->profile != NULL && strcmp(req->profile, "azure-byok") != 0)
		return kr_errf(e, KR_EUSAGE, "package: the PKCS#11 engine wraps "
		    "with the azure-byok profile only, not '%.40s'",
		    req->profile);
	if (req->out_dir == NULL || req->kek_pem == NULL || req->kid == NULL ||
	    *req->kid == '\0' || strlen(req->kid) >= BYOK_KID_MAX)
		return kr_errf(e, KR_EUSAGE, "package: need the output directory, "
		    "the KEK public key and its kid");
	if (req->out_name != NULL && ((n = strlen(req->out_name)) < 6 ||
	    strcmp(req->out_name + n - 5, ".byok") != 0 ||
	    strchr(req->out_name, '/') != NULL))
		return kr_errf(e, KR_EUSAGE, "output name '%s' must be a file "
		    "name ending in .byok", req->out_name);
	return package_steps(eng, req, ident, out, e);
}
