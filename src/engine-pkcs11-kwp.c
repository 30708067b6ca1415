/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11-kwp.c: never a wrong package.  First the plan
 * (p11_wrap_choose): CKM_RSA_AES_KEY_WRAP (0x1054) in one call where the
 * token offers it for wrapping, else the two-step path with the token's key
 * wrap with padding (CKM_AES_KEY_WRAP_KWP 0x210B if offered, else
 * CKM_AES_KEY_WRAP_PAD 0x210A) and CKM_RSA_PKCS_OAEP; OAEP and MGF1 take
 * the wrapping profile's hash (byok-profile.h: SHA-1 or SHA-256).
 *
 * Then the check (p11_wrap_check), before a token may package.  Two-step:
 * the KWP mechanism must give RFC 5649's own known answers in both
 * directions, and a test wrap must check out in software: a throwaway
 * RSA-2048 key made on the token, wrapped under a throwaway AES-256 key,
 * must unwrap with OpenSSL to PKCS#8 whose DER length is the length
 * field's and whose public key is the token's; the AES key wrapped with
 * CKM_RSA_PKCS_OAEP and the profile's hashes under a throwaway KEK made in
 * software must decrypt to the AES key.  One call: the throwaway key
 * wrapped with CKM_RSA_AES_KEY_WRAP under the software KEK must decrypt
 * (OAEP with the profile's hashes, then RFC 5649) to the same PKCS#8
 * checks.  Everything here is a session object, public, destroyed after.
 * The profile's OAEP hash is tried first, so a token that cannot do it is
 * refused naming the mechanism and the hash.  Debian 12's SoftHSM 2.6.1
 * fails the first known answer (it zero-pads the key before wrapping) and
 * its OAEP takes SHA-1 only.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "byok-profile.h"
#include "engine-pkcs11.h"
#include "err.h"
#include "secmem.h"

#define WRAP_MAX	4096

static const uint8_t kat_kek[24] = {
	0x58, 0x40, 0xdf, 0x6e, 0x29, 0xb0, 0x2a, 0xf1, 0xab, 0x49, 0x3b, 0x70,
	0x5b, 0xf1, 0x6e, 0xa1, 0xae, 0x83, 0x38, 0xf4, 0xdc, 0xc1, 0x76, 0xa8,
};
static const uint8_t kat_key1[20] = {
	0xc3, 0x7b, 0x7e, 0x64, 0x92, 0x58, 0x43, 0x40, 0xbe, 0xd1, 0x22, 0x07,
	0x80, 0x89, 0x41, 0x15, 0x50, 0x68, 0xf7, 0x38,
};
static const uint8_t kat_ct1[32] = {
	0x13, 0x8b, 0xde, 0xaa, 0x9b, 0x8f, 0xa7, 0xfc, 0x61, 0xf9, 0x77, 0x42,
	0xe7, 0x22, 0x48, 0xee, 0x5a, 0xe6, 0xae, 0x53, 0x60, 0xd1, 0xae, 0x6a,
	0x5f, 0x54, 0xf3, 0x73, 0xfa, 0x54, 0x3b, 0x6a,
};
static const uint8_t kat_key2[7] = { 0x46, 0x6f, 0x72, 0x50, 0x61, 0x73, 0x69 };
static const uint8_t kat_ct2[16] = {
	0xaf, 0xbe, 0xb0, 0xf0, 0x7d, 0xfb, 0xf5, 0x41, 0x92, 0x00, 0xf2, 0xcc,
	0xb5, 0x0b, 0xb2, 0x4f,
};

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

struct wctx {
	struct p11_engine	*eng;
	CK_SESSION_HANDLE	 s;
	CK_MECHANISM_TYPE	 kwp;
	char			 mname[48];	/* "CKM_AES_KEY_WRAP_PAD (0x210a)" */
	const struct p11_wrap_plan *plan;
	const struct byok_profile *prof;
};

static int
secret_create(struct wctx *w, CK_KEY_TYPE kt, const uint8_t *val, size_t len,
    CK_OBJECT_HANDLE *h, struct kr_err *e)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_BBOOL wr = kt == CKK_AES ? CK_TRUE : CK_FALSE;
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) }, { CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_VALUE, (void *)(uintptr_t)val, len },
		{ CKA_TOKEN, &no, sizeof(no) }, { CKA_PRIVATE, &no, sizeof(no) },
		{ CKA_SENSITIVE, &no, sizeof(no) },
		{ CKA_EXTRACTABLE, &yes, sizeof(yes) },
		{ CKA_WRAP, &wr, sizeof(wr) }, { CKA_UNWRAP, &wr, sizeof(wr) },
	};
	CK_RV rv;

	if ((rv = w->eng->f->C_CreateObject(w->s, t, sizeof(t) / sizeof(t[0]),
	    h)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_CreateObject (a known-answer key)",
		    rv);
	return 0;
}

static int
wrap(struct wctx *w, CK_MECHANISM *m, CK_OBJECT_HANDLE kek,
    CK_OBJECT_HANDLE key, uint8_t *out, CK_ULONG *len, struct kr_err *e)
{
	CK_RV rv;

	*len = WRAP_MAX;
	if ((rv = w->eng->f->C_WrapKey(w->s, m, kek, key, out, len)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_WrapKey", rv);
	return 0;
}

/* RFC 5649 section 6, example i (1 or 2), wrapped and unwrapped. */
static int
kat(struct wctx *w, int i, struct kr_err *e)
{
	const uint8_t *key = i == 1 ? kat_key1 : kat_key2;
	const uint8_t *ct = i == 1 ? kat_ct1 : kat_ct2;
	size_t klen = i == 1 ? sizeof(kat_key1) : sizeof(kat_key2);
	size_t clen = i == 1 ? sizeof(kat_ct1) : sizeof(kat_ct2);
	CK_MECHANISM m = { w->kwp, NULL, 0 };
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE gk = CKK_GENERIC_SECRET;
	CK_ATTRIBUTE ut[] = {
		{ CKA_CLASS, &cls, sizeof(cls) }, { CKA_KEY_TYPE, &gk, sizeof(gk) },
		{ CKA_TOKEN, &no, sizeof(no) }, { CKA_PRIVATE, &no, sizeof(no) },
		{ CKA_SENSITIVE, &no, sizeof(no) },
		{ CKA_EXTRACTABLE, &yes, sizeof(yes) },
	};
	CK_OBJECT_HANDLE kek = 0, k = 0, u = 0;
	uint8_t out[WRAP_MAX];
	CK_ULONG olen;
	CK_ATTRIBUTE va = { CKA_VALUE, out, sizeof(out) };
	CK_RV rv;
	int r;

	if ((r = secret_create(w, CKK_AES, kat_kek, sizeof(kat_kek), &kek,
	    e)) != 0 || (r = secret_create(w, CKK_GENERIC_SECRET, key, klen,
	    &k, e)) != 0)
		goto out;
	if ((r = wrap(w, &m, kek, k, out, &olen, e)) != 0)
		goto out;
	if (olen != clen || memcmp(out, ct, clen) != 0) {
		r = kr_errf(e, KR_EFAIL, "%s fails RFC 5649 known answer %d "
		    "(a %zu-byte key): the token's %lu bytes differ from the "
		    "RFC's %zu (not RFC 5649 key wrap with padding)", w->mname,
		    i, klen, (unsigned long)olen, clen);
		goto out;
	}
	if ((rv = w->eng->f->C_UnwrapKey(w->s, &m, kek, (CK_BYTE *)(uintptr_t)ct,
	    clen, ut, sizeof(ut) / sizeof(ut[0]), &u)) != CKR_OK) {
		r = p11_fail(e, KR_EFAIL, "C_UnwrapKey", rv);
		kr_err_prefix(e, "%s: RFC 5649 known answer %d", w->mname, i);
		goto out;
	}
	if (w->eng->f->C_GetAttributeValue(w->s, u, &va, 1) != CKR_OK ||
	    va.ulValueLen != klen || memcmp(out, key, klen) != 0)
		r = kr_errf(e, KR_EFAIL, "%s fails RFC 5649 known answer %d: "
		    "the RFC's ciphertext does not unwrap to its key", w->mname, i);
out:
	if (u != 0)
		w->eng->f->C_DestroyObject(w->s, u);
	if (k != 0)
		w->eng->f->C_DestroyObject(w->s, k);
	if (kek != 0)
		w->eng->f->C_DestroyObject(w->s, kek);
	return r;
}

/* 1 when a and b have the same SubjectPublicKeyInfo. */
static int
same_spki(EVP_PKEY *a, EVP_PKEY *b)
{
	unsigned char *da = NULL, *db = NULL;
	int la = i2d_PUBKEY(a, &da), lb = i2d_PUBKEY(b, &db), same;

	same = la > 0 && la == lb && memcmp(da, db, (size_t)la) == 0;
	OPENSSL_free(da);
	OPENSSL_free(db);
	return same;
}

/* Unwraps ct under the AES-256 key in software and checks the PKCS#8. */
static int
soft_unwrap_check(struct wctx *w, const uint8_t key[32], const uint8_t *ct,
    size_t clen, EVP_PKEY *tokpub, struct kr_err *e)
{
	EVP_CIPHER_CTX *c = NULL;
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	EVP_PKEY *pk = NULL;
	const unsigned char *q;
	uint8_t *pt = NULL;
	int len = 0, r = KR_EFAIL;

	if ((pt = kr_secure_malloc(clen)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of secure memory");
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		goto out;
	EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (EVP_DecryptInit_ex(c, EVP_aes_256_wrap_pad(), NULL, key, NULL) != 1 ||
	    EVP_DecryptUpdate(c, pt, &len, ct, (int)clen) != 1 || len <= 0) {
		r = kr_errf(e, KR_EFAIL, "%s: the test wrap does not unwrap in "
		    "software (RFC 5649)", w->mname);
		goto out;
	}
	q = pt;
	if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q, len)) == NULL ||
	    q != pt + len) {
		r = kr_errf(e, KR_EFAIL, "%s: the test wrap's length field counts "
		    "%d bytes but the PKCS#8 DER inside is %ld", w->mname, len,
		    p8 != NULL ? (long)(q - pt) : -1L);
		goto out;
	}
	if ((pk = EVP_PKCS82PKEY(p8)) == NULL || tokpub == NULL ||
	    !same_spki(pk, tokpub)) {
		r = kr_errf(e, KR_EFAIL, "%s: the test wrap unwraps to a key "
		    "whose public key is not the token's", w->mname);
		goto out;
	}
	r = 0;
out:
	EVP_PKEY_free(pk);
	PKCS8_PRIV_KEY_INFO_free(p8);
	EVP_CIPHER_CTX_free(c);
	kr_secure_free(pt, clen);
	return r;
}

/* A throwaway RSA-2048 key pair and AES-256 key on the token (session). */
static int
throwaways(struct wctx *w, CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv,
    CK_OBJECT_HANDLE *aes, struct kr_err *e)
{
	CK_MECHANISM rg = { CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0 };
	CK_MECHANISM ag = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_ULONG bits = 2048, alen = 32;
	CK_BYTE e3[] = { 0x01, 0x00, 0x01 };
	CK_OBJECT_CLASS sk = CKO_SECRET_KEY;
	CK_KEY_TYPE ak = CKK_AES;
	CK_ATTRIBUTE pt[] = {
		{ CKA_TOKEN, &no, sizeof(no) }, { CKA_PRIVATE, &no, sizeof(no) },
		{ CKA_MODULUS_BITS, &bits, sizeof(bits) },
		{ CKA_PUBLIC_EXPONENT, e3, sizeof(e3) },
	};
	CK_ATTRIBUTE kt[] = {
		{ CKA_TOKEN, &no, sizeof(no) }, { CKA_PRIVATE, &no, sizeof(no) },
		{ CKA_SENSITIVE, &yes, sizeof(yes) },
		{ CKA_EXTRACTABLE, &yes, sizeof(yes) },
	};
	CK_ATTRIBUTE at[] = {
		{ CKA_CLASS, &sk, sizeof(sk) }, { CKA_KEY_TYPE, &ak, sizeof(ak) },
		{ CKA_VALUE_LEN, &alen, sizeof(alen) },
		{ CKA_TOKEN, &no, sizeof(no) }, { CKA_PRIVATE, &no, sizeof(no) },
		{ CKA_SENSITIVE, &no, sizeof(no) },
		{ CKA_EXTRACTABLE, &yes, sizeof(yes) },
		{ CKA_WRAP, &yes, sizeof(yes) },
	};
	CK_RV rv;

	if ((rv = w->eng->f->C_GenerateKeyPair(w->s, &rg, pt,
	    sizeof(pt) / sizeof(pt[0]), kt, sizeof(kt) / sizeof(kt[0]), pub,
	    priv)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_GenerateKeyPair (the test wrap's "
		    "RSA-2048 key)", rv);
	if ((rv = w->eng->f->C_GenerateKey(w->s, &ag, at, sizeof(at) /
	    sizeof(at[0]), aes)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_GenerateKey (the test wrap's "
		    "AES-256 key)", rv);
	return 0;
}

/* A throwaway RSA-2048 KEK made in software, and its public half on the
 * token as a session object that wraps. */
static int
soft_kek(struct wctx *w, EVP_PKEY **sw, CK_OBJECT_HANDLE *kek,
    struct kr_err *e)
{
	CK_OBJECT_CLASS pc = CKO_PUBLIC_KEY;
	CK_KEY_TYPE rk = CKK_RSA;
	uint8_t n[512], ex[8];
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &pc, sizeof(pc) }, { CKA_KEY_TYPE, &rk, sizeof(rk) },
		{ CKA_TOKEN, &no, sizeof(no) }, { CKA_PRIVATE, &no, sizeof(no) },
		{ CKA_WRAP, &yes, sizeof(yes) },
		{ CKA_MODULUS, n, sizeof(n) }, { CKA_PUBLIC_EXPONENT, ex, sizeof(ex) },
	};
	CK_RV rv;

	if ((*sw = EVP_RSA_gen(2048)) == NULL ||
	    p11_rsa_pub_values(*sw, &t[5], &t[6]) != 0)
		return kr_errf(e, KR_EFAIL, "the test KEK: OpenSSL failed");
	if ((rv = w->eng->f->C_CreateObject(w->s, t, sizeof(t) / sizeof(t[0]),
	    kek)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_CreateObject (the test KEK)", rv);
	return 0;
}

/* OAEP-decrypts ct (clen bytes) with the software KEK and the profile's
 * digests into pt (plen in: room; out: length). */
static int
oaep_decrypt(struct wctx *w, EVP_PKEY *sw, const uint8_t *ct, size_t clen,
    uint8_t *pt, size_t *plen)
{
	EVP_PKEY_CTX *c = NULL;
	int ok;

	ok = (c = EVP_PKEY_CTX_new(sw, NULL)) != NULL &&
	    EVP_PKEY_decrypt_init(c) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_oaep_md(c, byok_profile_oaep_md(w->prof)) ==
	    1 && EVP_PKEY_CTX_set_rsa_mgf1_md(c, byok_profile_mgf1_md(w->prof))
	    == 1 && EVP_PKEY_decrypt(c, pt, plen, ct, clen) == 1;
	EVP_PKEY_CTX_free(c);
	return ok ? 0 : -1;
}

/* Two-step: wraps the AES key with OAEP under a KEK made in software;
 * decrypts. */
static int
oaep_check(struct wctx *w, CK_OBJECT_HANDLE aes, const uint8_t key[32],
    struct kr_err *e)
{
	CK_RSA_PKCS_OAEP_PARAMS op = w->plan->oaep;
	CK_MECHANISM m = { CKM_RSA_PKCS_OAEP, &op, sizeof(op) };
	uint8_t ct[512], pt[512];
	CK_OBJECT_HANDLE kek = 0;
	EVP_PKEY *sw = NULL;
	CK_ULONG clen = sizeof(ct);
	size_t plen = sizeof(pt);
	CK_RV rv;
	int r;

	if ((r = soft_kek(w, &sw, &kek, e)) != 0)
		goto out;
	if ((rv = w->eng->f->C_WrapKey(w->s, &m, kek, aes, ct, &clen)) != CKR_OK) {
		r = p11_fail(e, KR_EFAIL, "C_WrapKey", rv);
		kr_err_prefix(e, "profile %s: CKM_RSA_PKCS_OAEP (%s)",
		    w->prof->name, w->plan->oaep_name);
		goto out;
	}
	if (oaep_decrypt(w, sw, ct, clen, pt, &plen) != 0 || plen != 32 ||
	    memcmp(pt, key, 32) != 0) {
		r = kr_errf(e, KR_EFAIL, "profile %s: CKM_RSA_PKCS_OAEP: the test "
		    "wrap does not decrypt in software (%s) to the AES key",
		    w->prof->name, w->plan->oaep_name);
		goto out;
	}
	r = 0;
out:
	kr_cleanse(pt, sizeof(pt));
	if (kek != 0)
		w->eng->f->C_DestroyObject(w->s, kek);
	EVP_PKEY_free(sw);
	return r;
}

/* One call: the throwaway key under a software KEK with
 * CKM_RSA_AES_KEY_WRAP, opened in software. */
static int
one_call_check(struct wctx *w, CK_OBJECT_HANDLE priv, EVP_PKEY *tokpub,
    struct kr_err *e)
{
	CK_RSA_PKCS_OAEP_PARAMS op = w->plan->oaep;
	struct p11_rsa_aes_key_wrap_params rp = { 256, &op };
	CK_MECHANISM m = { CKM_RSA_AES_KEY_WRAP, &rp, sizeof(rp) };
	uint8_t ct[WRAP_MAX], k[512];
	CK_OBJECT_HANDLE kek = 0;
	EVP_PKEY *sw = NULL;
	CK_ULONG clen = sizeof(ct);
	size_t klen = sizeof(k);
	CK_RV rv;
	int r;

	if ((r = soft_kek(w, &sw, &kek, e)) != 0)
		goto out;
	if ((rv = w->eng->f->C_WrapKey(w->s, &m, kek, priv, ct, &clen)) !=
	    CKR_OK) {
		r = p11_fail(e, KR_EFAIL, "C_WrapKey", rv);
		kr_err_prefix(e, "profile %s: %s (%s): the test wrap",
		    w->prof->name, w->mname, w->plan->oaep_name);
		goto out;
	}
	if (clen <= 256 || oaep_decrypt(w, sw, ct, 256, k, &klen) != 0 ||
	    klen != 32) {
		r = kr_errf(e, KR_EFAIL, "%s: the test wrap's first 256 bytes do "
		    "not decrypt in software (%s) to an AES-256 key", w->mname,
		    w->plan->oaep_name);
		goto out;
	}
	r = soft_unwrap_check(w, k, ct + 256, clen - 256, tokpub, e);
out:
	kr_cleanse(k, sizeof(k));
	if (kek != 0)
		w->eng->f->C_DestroyObject(w->s, kek);
	EVP_PKEY_free(sw);
	return r;
}

static int
test_wrap(struct wctx *w, struct kr_err *e)
{
	CK_MECHANISM m = { w->kwp, NULL, 0 };
	CK_OBJECT_HANDLE pub = 0, priv = 0, aes = 0;
	uint8_t key[32], ct[WRAP_MAX];
	CK_ATTRIBUTE va = { CKA_VALUE, key, sizeof(key) };
	CK_ULONG clen;
	EVP_PKEY *tp = NULL;
	int r;

	if ((r = throwaways(w, &pub, &priv, &aes, e)) != 0)
		goto out;
	tp = p11_pubkey(w->eng, w->s, pub);
	if (w->plan->one_call) {
		r = one_call_check(w, priv, tp, e);
		goto out;
	}
	if (w->eng->f->C_GetAttributeValue(w->s, aes, &va, 1) != CKR_OK ||
	    va.ulValueLen != sizeof(key)) {
		r = kr_errf(e, KR_EFAIL, "the test wrap's AES key cannot be read");
		goto out;
	}
	/* the profile's OAEP hash first, then the KWP known answers, then
	 * the KWP test wrap */
	if ((r = oaep_check(w, aes, key, e)) != 0 ||
	    (r = kat(w, 1, e)) != 0 || (r = kat(w, 2, e)) != 0)
		goto out;
	if ((r = wrap(w, &m, aes, priv, ct, &clen, e)) != 0) {
		kr_err_prefix(e, "%s: the test wrap", w->mname);
		goto out;
	}
	r = soft_unwrap_check(w, key, ct, clen, tp, e);
out:
	kr_cleanse(key, sizeof(key));
	EVP_PKEY_free(tp);
	if (aes != 0)
		w->eng->f->C_DestroyObject(w->s, aes);
	if (priv != 0)
		w->eng->f->C_DestroyObject(w->s, priv);
	if (pub != 0)
		w->eng->f->C_DestroyObject(w->s, pub);
	return r;
}

/* The profile's OAEP and MGF1 hash as PKCS#11 parameters. */
static int
oaep_params(const struct byok_profile *p, struct p11_wrap_plan *plan,
    struct kr_err *e)
{
	memset(&plan->oaep, 0, sizeof(plan->oaep));
	plan->oaep.source = CKZ_DATA_SPECIFIED;
	if (strcmp(p->oaep_md, "SHA1") == 0)
		plan->oaep.hashAlg = CKM_SHA_1;
	else if (strcmp(p->oaep_md, "SHA256") == 0)
		plan->oaep.hashAlg = CKM_SHA256;
	else
		return kr_errf(e, KR_EUSAGE, "profile %s: OAEP hash %s is not one "
		    "the PKCS#11 engine asks for (SHA1, SHA256)", p->name,
		    p->oaep_md);
	if (strcmp(p->mgf1_md, "SHA1") == 0)
		plan->oaep.mgf = CKG_MGF1_SHA1;
	else if (strcmp(p->mgf1_md, "SHA256") == 0)
		plan->oaep.mgf = CKG_MGF1_SHA256;
	else
		return kr_errf(e, KR_EUSAGE, "profile %s: MGF1 hash %s is not one "
		    "the PKCS#11 engine asks for (SHA1, SHA256)", p->name,
		    p->mgf1_md);
	snprintf(plan->oaep_name, sizeof(plan->oaep_name), "OAEP %s, MGF1-%s",
	    plan->oaep.hashAlg == CKM_SHA_1 ? "SHA-1" : "SHA-256",
	    plan->oaep.mgf == CKG_MGF1_SHA1 ? "SHA-1" : "SHA-256");
	return 0;
}

int
p11_wrap_choose(struct p11_engine *eng, const struct byok_profile *p,
    struct p11_wrap_plan *plan, struct kr_err *e)
{
	int r;

	memset(plan, 0, sizeof(*plan));
	if ((r = oaep_params(p, plan, e)) != 0)
		return r;
	if (p11_has_mech(eng, CKM_RSA_AES_KEY_WRAP, CKF_WRAP)) {
		plan->one_call = 1;
		plan->mech = CKM_RSA_AES_KEY_WRAP;
		return 0;
	}
	if (p11_has_mech(eng, CKM_AES_KEY_WRAP_KWP, CKF_WRAP | CKF_UNWRAP))
		plan->mech = CKM_AES_KEY_WRAP_KWP;
	else if (p11_has_mech(eng, CKM_AES_KEY_WRAP_PAD, CKF_WRAP | CKF_UNWRAP))
		plan->mech = CKM_AES_KEY_WRAP_PAD;
	else
		return kr_errf(e, KR_EFAIL, "the token offers neither "
		    "CKM_RSA_AES_KEY_WRAP (0x1054) for wrapping nor "
		    "CKM_AES_KEY_WRAP_KWP (0x210b) or CKM_AES_KEY_WRAP_PAD "
		    "(0x210a) for wrap and unwrap");
	if (!p11_has_mech(eng, CKM_RSA_PKCS_OAEP, CKF_WRAP))
		return kr_errf(e, KR_EFAIL, "the token does not offer "
		    "CKM_RSA_PKCS_OAEP (0x9) for wrapping");
	return 0;
}

int
p11_wrap_check(struct p11_engine *eng, CK_SESSION_HANDLE s,
    const struct byok_profile *p, struct p11_wrap_plan *plan,
    struct kr_err *e)
{
	struct wctx w;
	int r;

	memset(&w, 0, sizeof(w));
	w.eng = eng;
	w.s = s;
	w.plan = plan;
	w.prof = p;
	if ((r = p11_wrap_choose(eng, p, plan, e)) != 0)
		return r;
	w.kwp = plan->mech;
	snprintf(w.mname, sizeof(w.mname), "%s (0x%lx)", p11_mech_name(w.kwp),
	    (unsigned long)w.kwp);
	return test_wrap(&w, e);
}
