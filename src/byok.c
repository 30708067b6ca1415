/* SPDX-License-Identifier: ISC */
/*
 * byok.c: CKM_RSA_AES_KEY_WRAP (see byok.h and reference byok-format.md).
 *
 *   ciphertext = C1 || C2
 *   C1 = RSAES-OAEP(KEK, K), OAEP and MGF1 hash = md, empty label
 *   C2 = RFC 5649 KWP(K, P), default IV A65959A6 || MLI
 *
 * Invariants: K is a fresh 32-byte key from RAND_priv_bytes, kept in the
 * secure heap and cleared on every path; the unwrapped payload P only ever
 * exists in the secure heap; every length is checked before a byte of the
 * ciphertext is trusted.  An unwrap that fails the OAEP decoding or the
 * KWP integrity check is KR_EFAIL (wrong KEK or damaged ciphertext); a
 * ciphertext whose lengths cannot be right is KR_EDATA.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "byok.h"
#include "err.h"
#include "secmem.h"

#define BYOK_K_LEN	32
#define BYOK_MAX_PAYLOAD (32 * 1024)	/* far above any RSA-4096 PKCS#8 */
#define KWP_SLACK	16		/* the provider wants room for a block */

static const EVP_CIPHER *
kwp_cipher(size_t keklen)
{
	switch (keklen) {
	case 16:
		return EVP_aes_128_wrap_pad();
	case 24:
		return EVP_aes_192_wrap_pad();
	case 32:
		return EVP_aes_256_wrap_pad();
	default:
		return NULL;
	}
}

static int
kwp(int enc, const uint8_t *kek, size_t keklen, const uint8_t *in,
    size_t inlen, uint8_t *out, size_t outsz, size_t *outlen,
    struct kr_err *e)
{
	const EVP_CIPHER *c;
	EVP_CIPHER_CTX *ctx = NULL;
	int n = 0, fin = 0, r;

	if ((c = kwp_cipher(keklen)) == NULL)
		return kr_errf(e, KR_EUSAGE, "key wrap: a %zu-byte key is not "
		    "an AES key", keklen);
	if (inlen == 0 || inlen > BYOK_MAX_PAYLOAD + 16)
		return kr_errf(e, KR_EDATA, "key wrap: input of %zu bytes",
		    inlen);
	if (!enc && (inlen < 16 || inlen % 8 != 0))
		return kr_errf(e, KR_EDATA, "key wrap: a wrapped key of %zu "
		    "bytes is not a multiple of 8 of at least 16", inlen);
	/* KWP output: 8 * ceil(inlen / 8) + 8; unwrap: at most inlen - 8. */
	if (outsz < inlen + KWP_SLACK)
		return kr_errf(e, KR_EUSAGE, "key wrap: output buffer too small");
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (EVP_CipherInit_ex(ctx, c, NULL, kek, NULL, enc) != 1) {
		r = kr_errf(e, KR_ECRYPTO, "key wrap: cannot set up AES-KWP");
		goto out;
	}
	if (EVP_CipherUpdate(ctx, out, &n, in, (int)inlen) != 1 || n <= 0 ||
	    EVP_CipherFinal_ex(ctx, out + n, &fin) != 1) {
		if (enc)
			r = kr_errf(e, KR_ECRYPTO, "key wrap failed");
		else
			r = kr_errf(e, KR_EFAIL, "key unwrap failed: the "
			    "integrity check does not pass (wrong key or "
			    "damaged ciphertext)");
		kr_cleanse(out, outsz);
		goto out;
	}
	*outlen = (size_t)n + (size_t)fin;
	r = 0;
out:
	ERR_clear_error();
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int
byok_kwp_wrap(const uint8_t *kek, size_t keklen, const uint8_t *in,
    size_t inlen, uint8_t *out, size_t outsz, size_t *outlen,
    struct kr_err *e)
{
	return kwp(1, kek, keklen, in, inlen, out, outsz, outlen, e);
}

int
byok_kwp_unwrap(const uint8_t *kek, size_t keklen, const uint8_t *in,
    size_t inlen, uint8_t *out, size_t outsz, size_t *outlen,
    struct kr_err *e)
{
	return kwp(0, kek, keklen, in, inlen, out, outsz, outlen, e);
}

/* An RSA KEK of 2048 to 16384 bits and a hash for OAEP; the KEK's modulus
 * length in bytes. */
static int
kek_len(EVP_PKEY *kek, const EVP_MD *md, size_t *len, struct kr_err *e)
{
	int bits;

	if (kek == NULL || !EVP_PKEY_is_a(kek, "RSA"))
		return kr_errf(e, KR_EUSAGE, "the KEK is not an RSA key");
	bits = EVP_PKEY_get_bits(kek);
	if (bits < 2048 || bits > 16384)
		return kr_errf(e, KR_EUSAGE, "the KEK is RSA %d; 2048 bits or "
		    "more are needed", bits);
	if (md == NULL)
		return kr_errf(e, KR_EUSAGE, "byok: no hash given for OAEP");
	*len = (size_t)EVP_PKEY_get_size(kek);
	return 0;
}

/* An RSA-OAEP context (enc 1: encrypt, 0: decrypt) with md for OAEP and
 * MGF1, or NULL with e filled. */
static EVP_PKEY_CTX *
oaep_ctx(EVP_PKEY *kek, const EVP_MD *md, int enc, struct kr_err *e)
{
	EVP_PKEY_CTX *pctx;

	if ((pctx = EVP_PKEY_CTX_new(kek, NULL)) == NULL)
		goto fail;
	if ((enc ? EVP_PKEY_encrypt_init(pctx) : EVP_PKEY_decrypt_init(pctx))
	    != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(pctx, md) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)
		goto fail;
	return pctx;
fail:
	EVP_PKEY_CTX_free(pctx);
	kr_errf(e, KR_ECRYPTO, "byok: cannot set up RSA-OAEP");
	return NULL;
}

int
byok_wrap(EVP_PKEY *kek, const EVP_MD *md, const uint8_t *p, size_t plen,
    uint8_t **ct, size_t *ctlen, struct kr_err *e)
{
	EVP_PKEY_CTX *pctx = NULL;
	uint8_t *k = NULL, *buf = NULL;
	size_t klen = 0, c1len, c2len = 0, bufsz;
	int r;

	*ct = NULL;
	*ctlen = 0;
	if ((r = kek_len(kek, md, &klen, e)) != 0)
		return r;
	if (p == NULL || plen == 0 || plen > BYOK_MAX_PAYLOAD)
		return kr_errf(e, KR_EUSAGE, "byok: a payload of %zu bytes "
		    "cannot be wrapped", plen);
	bufsz = klen + plen + 8 + KWP_SLACK;
	if ((buf = malloc(bufsz)) == NULL ||
	    (k = kr_secure_malloc(BYOK_K_LEN)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	if (RAND_priv_bytes(k, BYOK_K_LEN) != 1) {
		r = kr_errf(e, KR_ECRYPTO, "byok: no random bytes for the AES key");
		goto out;
	}
	if ((pctx = oaep_ctx(kek, md, 1, e)) == NULL) {
		r = KR_ECRYPTO;
		goto out;
	}
	c1len = klen;
	if (EVP_PKEY_encrypt(pctx, buf, &c1len, k, BYOK_K_LEN) != 1 ||
	    c1len != klen) {
		r = kr_errf(e, KR_ECRYPTO, "byok: RSA-OAEP encryption failed");
		goto out;
	}
	if ((r = byok_kwp_wrap(k, BYOK_K_LEN, p, plen, buf + klen,
	    bufsz - klen, &c2len, e)) != 0)
		goto out;
	if (c2len != 8 * ((plen + 7) / 8) + 8) {
		r = kr_errf(e, KR_ECRYPTO, "byok: key wrap gave %zu bytes",
		    c2len);
		goto out;
	}
	*ct = buf;
	*ctlen = klen + c2len;
	buf = NULL;
	r = 0;
out:
	ERR_clear_error();
	EVP_PKEY_CTX_free(pctx);
	kr_secure_free(k, BYOK_K_LEN);
	free(buf);
	return r;
}

int
byok_unwrap(EVP_PKEY *kek, const EVP_MD *md, const uint8_t *ct, size_t ctlen,
    uint8_t **p, size_t *plen, struct kr_err *e)
{
	EVP_PKEY_CTX *pctx = NULL;
	uint8_t *k = NULL, *out = NULL;
	size_t klen = 0, kgot, c2len, outsz = 0, n = 0;
	int r;

	*p = NULL;
	*plen = 0;
	if ((r = kek_len(kek, md, &klen, e)) != 0)
		return r;
	if (ct == NULL || ctlen < klen + 16)
		return kr_errf(e, KR_EDATA, "ciphertext of %zu bytes is too "
		    "short for an RSA %d KEK (at least %zu)", ctlen,
		    EVP_PKEY_get_bits(kek), klen + 16);
	c2len = ctlen - klen;
	if (c2len % 8 != 0 || c2len > BYOK_MAX_PAYLOAD + 16)
		return kr_errf(e, KR_EDATA, "ciphertext of %zu bytes does not "
		    "fit an RSA %d KEK (the wrapped key is %zu bytes, not a "
		    "multiple of 8)", ctlen, EVP_PKEY_get_bits(kek), c2len);
	/* OAEP output never exceeds the modulus length. */
	if ((k = kr_secure_malloc(klen)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	if ((pctx = oaep_ctx(kek, md, 0, e)) == NULL) {
		r = KR_ECRYPTO;
		goto out;
	}
	kgot = klen;
	if (EVP_PKEY_decrypt(pctx, k, &kgot, ct, klen) != 1) {
		r = kr_errf(e, KR_EFAIL, "cannot decrypt the wrapped AES key "
		    "(wrong KEK or damaged ciphertext)");
		goto out;
	}
	if (kgot != BYOK_K_LEN) {
		r = kr_errf(e, KR_EFAIL, "the wrapped AES key is %zu bytes, "
		    "not 32", kgot);
		goto out;
	}
	outsz = c2len + KWP_SLACK;
	if ((out = kr_secure_malloc(outsz)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	if ((r = byok_kwp_unwrap(k, BYOK_K_LEN, ct + klen, c2len, out, outsz,
	    &n, e)) != 0)
		goto out;
	if (n == 0 || n > c2len - 8) {
		r = kr_errf(e, KR_EFAIL, "key unwrap gave %zu bytes", n);
		goto out;
	}
	*p = out;
	*plen = n;
	out = NULL;
	r = 0;
out:
	ERR_clear_error();
	EVP_PKEY_CTX_free(pctx);
	kr_secure_free(k, klen);
	kr_secure_free(out, outsz);
	return r;
}
