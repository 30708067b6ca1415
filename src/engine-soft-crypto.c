/* SPDX-License-Identifier: ISC */
/*
 * engine-soft-crypto.c: the few primitives the software module builds on:
 * AES-256-GCM with a fresh random nonce, HMAC-SHA256 with a label, Ed25519
 * from a 32-byte seed, and private keys as PKCS#8 DER sealed under the
 * world key.  Plaintext secrets only ever live in secure-heap buffers and
 * are cleansed before they are freed.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "codec.h"
#include "engine-soft.h"
#include "err.h"
#include "keyio.h"
#include "secmem.h"

int
soft_random(uint8_t *buf, size_t len, struct kr_err *e)
{
	if (RAND_priv_bytes(buf, (int)len) != 1)
		return kr_errf(e, KR_ECRYPTO, "random number generator failed");
	return 0;
}

/* AES-256-GCM under key and nonce over aad, one implementation for both
 * ways: enc 1 encrypts the len bytes of in into out and writes the tag;
 * enc 0 decrypts them and checks the tag (KR_EAUTH and out cleansed when it
 * does not match). */
static int
gcm(int enc, const uint8_t key[SOFT_KEY_LEN],
    const uint8_t nonce[SOFT_NONCE_LEN], const void *aad, size_t aadlen,
    const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[SOFT_TAG_LEN],
    struct kr_err *e)
{
	const char *what = enc ? "encryption" : "decryption";
	EVP_CIPHER_CTX *ctx;
	int n, r = KR_ECRYPTO;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce,
	    enc) != 1 ||
	    (aadlen > 0 &&
	    EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1) ||
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
	    SOFT_TAG_LEN, tag) != 1)) {
		kr_errf(e, KR_ECRYPTO, "AES-GCM %s failed", what);
		goto out;
	}
	if (EVP_CipherFinal_ex(ctx, out + n, &n) != 1) {
		if (!enc) {
			kr_cleanse(out, len);
			r = kr_errf(e, KR_EAUTH, "does not decrypt");
		} else
			kr_errf(e, KR_ECRYPTO, "AES-GCM %s failed", what);
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SOFT_TAG_LEN,
	    tag) != 1) {
		kr_errf(e, KR_ECRYPTO, "AES-GCM %s failed", what);
		goto out;
	}
	r = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int
soft_gcm_seal(const uint8_t key[SOFT_KEY_LEN], const void *aad, size_t aadlen,
    const uint8_t *pt, size_t ptlen, uint8_t nonce[SOFT_NONCE_LEN],
    uint8_t *ct, struct kr_err *e)
{
	int r;

	if (ptlen > INT32_MAX || aadlen > INT32_MAX)
		return kr_errf(e, KR_EUSAGE, "AES-GCM: input too long");
	if ((r = soft_random(nonce, SOFT_NONCE_LEN, e)) != 0)
		return r;
	return gcm(1, key, nonce, aad, aadlen, pt, ptlen, ct, ct + ptlen, e);
}

int
soft_gcm_open(const uint8_t key[SOFT_KEY_LEN], const void *aad, size_t aadlen,
    const uint8_t nonce[SOFT_NONCE_LEN], const uint8_t *ct, size_t ctlen,
    uint8_t *pt, struct kr_err *e)
{
	uint8_t tag[SOFT_TAG_LEN];
	size_t ptlen;

	if (ctlen < SOFT_TAG_LEN || ctlen > INT32_MAX || aadlen > INT32_MAX)
		return kr_errf(e, KR_EAUTH, "does not decrypt");
	ptlen = ctlen - SOFT_TAG_LEN;
	memcpy(tag, ct + ptlen, SOFT_TAG_LEN);
	return gcm(0, key, nonce, aad, aadlen, ct, ptlen, pt, tag, e);
}

int
soft_hmac(const uint8_t *key, size_t keylen, const char *label,
    const void *data, size_t len, uint8_t out[32], struct kr_err *e)
{
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t outlen;
	int r = KR_ECRYPTO;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    EVP_MAC_init(ctx, key, keylen, params) != 1 ||
	    EVP_MAC_update(ctx, (const uint8_t *)label, strlen(label) + 1) != 1 ||
	    (len > 0 && EVP_MAC_update(ctx, data, len) != 1) ||
	    EVP_MAC_final(ctx, out, &outlen, 32) != 1 || outlen != 32) {
		kr_errf(e, KR_ECRYPTO, "HMAC-SHA256 failed");
		goto out;
	}
	r = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return r;
}

int
soft_sha256_hex(const void *buf, size_t len, char out[ENGINE_HEX256])
{
	return kr_sha256_hex(buf, len, out) < 0 ? KR_ECRYPTO : 0;
}

int
soft_pkcs8_der(EVP_PKEY *pk, uint8_t **der, size_t *len, struct kr_err *e)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	uint8_t *buf = NULL, *p;
	int n, r = KR_ECRYPTO;

	if ((p8 = EVP_PKEY2PKCS8(pk)) == NULL ||
	    (n = i2d_PKCS8_PRIV_KEY_INFO(p8, NULL)) <= 0) {
		kr_errf(e, KR_ECRYPTO, "cannot encode the private key");
		goto out;
	}
	if ((buf = kr_secure_malloc((size_t)n)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of secure memory");
		goto out;
	}
	p = buf;
	if (i2d_PKCS8_PRIV_KEY_INFO(p8, &p) != n) {
		kr_secure_free(buf, (size_t)n);
		kr_errf(e, KR_ECRYPTO, "cannot encode the private key");
		goto out;
	}
	*der = buf;
	*len = (size_t)n;
	r = 0;
out:
	PKCS8_PRIV_KEY_INFO_free(p8);	/* clears its key material */
	return r;
}

static int
soft_pkcs8_parse(const uint8_t *der, size_t len, EVP_PKEY **pk,
    struct kr_err *e)
{
	const uint8_t *p = der;
	EVP_PKEY *k;

	if (len > INT32_MAX)
		return kr_errf(e, KR_EDATA, "not a PKCS#8 private key");
	k = d2i_AutoPrivateKey(NULL, &p, (long)len);
	if (k == NULL || p != der + len) {
		EVP_PKEY_free(k);
		return kr_errf(e, KR_EDATA, "not a PKCS#8 private key");
	}
	*pk = k;
	return 0;
}

int
soft_ed25519_pub(const uint8_t seed[32], uint8_t pub[32], struct kr_err *e)
{
	EVP_PKEY *pk;
	size_t n = 32;
	int r = 0;

	if ((pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
	    32)) == NULL || EVP_PKEY_get_raw_public_key(pk, pub, &n) != 1 ||
	    n != 32)
		r = kr_errf(e, KR_ECRYPTO, "Ed25519 key setup failed");
	EVP_PKEY_free(pk);
	return r;
}

int
soft_ed25519_sign(const uint8_t seed[32], const void *msg, size_t len,
    uint8_t sig[64], struct kr_err *e)
{
	EVP_PKEY *pk = NULL;
	EVP_MD_CTX *ctx = NULL;
	size_t n = 64;
	int r = KR_ECRYPTO;

	if ((pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
	    32)) == NULL || (ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, NULL, NULL, pk) != 1 ||
	    EVP_DigestSign(ctx, sig, &n, msg, len) != 1 || n != 64) {
		kr_errf(e, KR_ECRYPTO, "Ed25519 signature failed");
		goto out;
	}
	r = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return r;
}

int
soft_ed25519_verify(const uint8_t pub[32], const void *msg, size_t len,
    const uint8_t sig[64])
{
	return keyio_ed25519_verify(pub, msg, len, sig);
}

int
engine_cosig_verify(const struct engine_cosig *sig, const uint8_t *msg,
    size_t len)
{
	return soft_ed25519_verify(sig->pub, msg, len, sig->sig);
}

int
soft_seal_raw(const uint8_t wk[SOFT_KEY_LEN], const char *aad,
    const uint8_t *mat, size_t len, uint8_t nonce[SOFT_NONCE_LEN],
    uint8_t **ctp, size_t *ctlen, struct kr_err *e)
{
	uint8_t *ct;
	int r;

	if ((ct = OPENSSL_malloc(len + SOFT_TAG_LEN)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	if ((r = soft_gcm_seal(wk, aad, strlen(aad), mat, len, nonce, ct,
	    e)) != 0) {
		OPENSSL_free(ct);
		return r;
	}
	*ctp = ct;
	*ctlen = len + SOFT_TAG_LEN;
	return 0;
}

int
soft_open_raw(const char *name, const uint8_t wk[SOFT_KEY_LEN],
    const char *aad, const uint8_t nonce[SOFT_NONCE_LEN], const uint8_t *ct,
    size_t ctlen, uint8_t **mat, size_t *matlen, struct kr_err *e)
{
	uint8_t *buf;
	size_t len;
	int r;

	if (ctlen <= SOFT_TAG_LEN)
		return kr_errf(e, KR_EDATA, "%s: private key blob too short", name);
	len = ctlen - SOFT_TAG_LEN;
	if ((buf = kr_secure_malloc(len)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of secure memory");
	if ((r = soft_gcm_open(wk, aad, strlen(aad), nonce, ct, ctlen, buf,
	    e)) != 0) {
		kr_secure_free(buf, len);
		if (r == KR_EAUTH)
			r = kr_errf(e, KR_EDATA, "%s: does not decrypt under "
			    "this world's key (tampered, or another world)", name);
		return r;
	}
	*mat = buf;
	*matlen = len;
	return 0;
}

int
soft_seal_pkey(const uint8_t wk[SOFT_KEY_LEN], const char *aad, EVP_PKEY *pk,
    uint8_t nonce[SOFT_NONCE_LEN], uint8_t **ctp, size_t *ctlen,
    struct kr_err *e)
{
	uint8_t *der = NULL;
	size_t len = 0;
	int r;

	if ((r = soft_pkcs8_der(pk, &der, &len, e)) != 0)
		return r;
	r = soft_seal_raw(wk, aad, der, len, nonce, ctp, ctlen, e);
	kr_secure_free(der, len);
	return r;
}

int
soft_open_pkey(const char *name, const uint8_t wk[SOFT_KEY_LEN],
    const char *aad, const uint8_t nonce[SOFT_NONCE_LEN], const uint8_t *ct,
    size_t ctlen, EVP_PKEY **pk, struct kr_err *e)
{
	uint8_t *der = NULL;
	size_t len = 0;
	int r;

	if ((r = soft_open_raw(name, wk, aad, nonce, ct, ctlen, &der, &len,
	    e)) != 0)
		return r;
	if ((r = soft_pkcs8_parse(der, len, pk, e)) != 0)
		kr_err_prefix(e, "%s", name);
	kr_secure_free(der, len);
	return r;
}
