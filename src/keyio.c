/* SPDX-License-Identifier: ISC */
/*
 * keyio.c: key files and key encodings (see keyio.h).  Invariant: a private
 * key's encoding only ever lives in the secure heap (a secure-heap BIO on
 * the way out, kr_read_file_secure on the way in).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "secmem.h"

/* Never prompt for a passphrase: keyrite's key files are not encrypted. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

/* A private key PEM in a buffer; name is used in messages. */
static int
parse_private(const char *name, const char *buf, size_t len,
    EVP_PKEY **out, struct kr_err *e)
{
	BIO *b = NULL;
	EVP_PKEY *pk = NULL;
	int r = KR_EDATA;

	*out = NULL;
	if (len == 0 || len > KEYIO_MAX_PEM)
		return kr_errf(e, KR_EDATA, "%s: not a private key (%zu bytes)",
		    name, len);
	if ((b = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "%s: out of memory", name);
		goto out;
	}
	if ((pk = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL)) ==
	    NULL) {
		r = kr_errf(e, KR_EDATA,
		    "%s: not an unencrypted private key in PEM", name);
		goto out;
	}
	*out = pk;
	r = 0;
out:
	ERR_clear_error();
	BIO_free(b);
	return r;
}

int
keyio_read_private(const char *path, EVP_PKEY **out, struct kr_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((r = kr_read_file_secure(path, KEYIO_MAX_PEM, &buf, &len, e)) != 0)
		return r;
	r = parse_private(path, buf, len, out, e);
	kr_secure_free(buf, len + 1);
	return r;
}

int
keyio_write_private(const char *path, EVP_PKEY *pk, struct kr_err *e)
{
	BIO *b = NULL;
	BUF_MEM *bm = NULL;
	int r;

	if ((b = BIO_new(BIO_s_secmem())) == NULL)
		return kr_errf(e, KR_ENOMEM, "%s: out of memory", path);
	if (PEM_write_bio_PKCS8PrivateKey(b, pk, NULL, NULL, 0, NULL,
	    NULL) != 1 || BIO_get_mem_ptr(b, &bm) != 1 || bm == NULL) {
		r = kr_errf(e, KR_ECRYPTO, "%s: cannot encode the private key",
		    path);
		goto out;
	}
	r = kr_write_atomic(path, bm->data, bm->length, 0600, e);
out:
	ERR_clear_error();
	BIO_free(b);	/* a secure-heap BIO clears its buffer */
	return r;
}

int
keyio_read_public(const char *path, EVP_PKEY **out, struct kr_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	BIO *b = NULL;
	int r;

	*out = NULL;
	if ((r = kr_read_file(path, KEYIO_MAX_PEM, &buf, &len, e)) != 0)
		return r;
	r = KR_EDATA;
	if (len == 0 || (b = BIO_new_mem_buf(buf, (int)len)) == NULL ||
	    (*out = PEM_read_bio_PUBKEY(b, NULL, no_passphrase, NULL)) == NULL) {
		kr_errf(e, KR_EDATA, "%s: not a public key in PEM "
		    "(SubjectPublicKeyInfo)", path);
		goto out;
	}
	r = 0;
out:
	ERR_clear_error();
	BIO_free(b);
	free(buf);
	return r;
}

int
keyio_public_pem(EVP_PKEY *pk, char **pem, size_t *len, struct kr_err *e)
{
	BIO *b;
	char *data;
	long n;
	int r = 0;

	*pem = NULL;
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	if (PEM_write_bio_PUBKEY(b, pk) != 1 ||
	    (n = BIO_get_mem_data(b, &data)) <= 0)
		r = kr_errf(e, KR_ECRYPTO, "cannot encode the public key");
	else if ((*pem = strndup(data, (size_t)n)) == NULL)
		r = kr_errf(e, KR_ENOMEM, "out of memory");
	else
		*len = (size_t)n;
	ERR_clear_error();
	BIO_free(b);
	return r;
}

int
keyio_write_public(const char *path, EVP_PKEY *pk, int mode,
    struct kr_err *e)
{
	char *pem;
	size_t len;
	int r;

	if ((r = keyio_public_pem(pk, &pem, &len, e)) != 0)
		return r;
	r = kr_write_atomic(path, pem, len, mode, e);
	free(pem);
	return r;
}

int
keyio_spki_der(EVP_PKEY *pk, uint8_t **der, size_t *len, struct kr_err *e)
{
	unsigned char *p = NULL;
	int n;

	*der = NULL;
	if ((n = i2d_PUBKEY(pk, &p)) <= 0) {
		ERR_clear_error();
		return kr_errf(e, KR_ECRYPTO, "cannot encode the public key");
	}
	if ((*der = malloc((size_t)n)) == NULL) {
		OPENSSL_free(p);
		return kr_errf(e, KR_ENOMEM, "out of memory");
	}
	memcpy(*der, p, (size_t)n);
	OPENSSL_free(p);
	*len = (size_t)n;
	return 0;
}

int
keyio_spki_sha256_hex(EVP_PKEY *pk, char hex[65], struct kr_err *e)
{
	uint8_t *der = NULL;
	size_t len = 0;
	int r;

	if ((r = keyio_spki_der(pk, &der, &len, e)) != 0)
		return r;
	if ((r = kr_sha256_hex(der, len, hex)) != 0)
		kr_errf(e, r, "cannot hash the public key");
	free(der);
	return r;
}

int
keyio_spki_parse(const uint8_t *der, size_t len, EVP_PKEY **out)
{
	const unsigned char *p = der;
	EVP_PKEY *pk;

	*out = NULL;
	if (len == 0 || len > KEYIO_MAX_SPKI)
		return KR_EDATA;
	if ((pk = d2i_PUBKEY(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		return KR_EDATA;
	}
	if (p != der + len) {
		EVP_PKEY_free(pk);
		return KR_EDATA;
	}
	*out = pk;
	return 0;
}

/* Ed25519 and Ed448 sign the message; everything else its SHA-256. */
static const EVP_MD *
sign_md(EVP_PKEY *k)
{
	if (EVP_PKEY_is_a(k, "ED25519") || EVP_PKEY_is_a(k, "ED448"))
		return NULL;
	return EVP_sha256();
}

int
keyio_sign(EVP_PKEY *k, const void *msg, size_t len, uint8_t **sig,
    size_t *siglen, struct kr_err *e)
{
	EVP_MD_CTX *ctx = NULL;
	size_t n = 0;
	int r = KR_ECRYPTO;

	*sig = NULL;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	if (EVP_DigestSignInit(ctx, NULL, sign_md(k), NULL, k) != 1 ||
	    EVP_DigestSign(ctx, NULL, &n, msg, len) != 1 || n == 0) {
		kr_errf(e, KR_ECRYPTO, "cannot sign");
		goto out;
	}
	if ((*sig = malloc(n)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	if (EVP_DigestSign(ctx, *sig, &n, msg, len) != 1) {
		free(*sig);
		*sig = NULL;
		kr_errf(e, KR_ECRYPTO, "cannot sign");
		goto out;
	}
	*siglen = n;
	r = 0;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	return r;
}

int
keyio_verify(EVP_PKEY *k, const void *msg, size_t len, const uint8_t *sig,
    size_t siglen)
{
	EVP_MD_CTX *ctx;
	int ok = 0;

	if (k == NULL || sig == NULL || siglen == 0)
		return KR_EFAIL;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return KR_EFAIL;
	if (EVP_DigestVerifyInit(ctx, NULL, sign_md(k), NULL, k) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen, msg, len) == 1)
		ok = 1;
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : KR_EFAIL;
}

int
keyio_ed25519_verify(const uint8_t pub[32], const void *msg, size_t len,
    const uint8_t sig[64])
{
	EVP_PKEY *k;
	int r;

	if ((k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
	    32)) == NULL) {
		ERR_clear_error();
		return KR_EFAIL;
	}
	r = keyio_verify(k, msg, len, sig, 64);
	EVP_PKEY_free(k);
	return r;
}

int
keyio_gen_rsa(int bits, EVP_PKEY **out, struct kr_err *e)
{
	if ((*out = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits)) ==
	    NULL) {
		ERR_clear_error();
		return kr_errf(e, KR_ECRYPTO, "cannot generate an RSA %d key",
		    bits);
	}
	return 0;
}

int
keyio_gen_ed25519(EVP_PKEY **out, struct kr_err *e)
{
	if ((*out = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL) {
		ERR_clear_error();
		return kr_errf(e, KR_ECRYPTO, "cannot generate an Ed25519 key");
	}
	return 0;
}

int
keyio_gen_ec(const char *curve, EVP_PKEY **out, struct kr_err *e)
{
	if ((*out = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve)) == NULL) {
		ERR_clear_error();
		return kr_errf(e, KR_ECRYPTO, "cannot generate an EC %s key",
		    curve);
	}
	return 0;
}

static const struct {
	const char *ossl, *nist;
} curves[] = {
	{ "prime256v1", "P-256" },
	{ "secp384r1", "P-384" },
	{ "secp521r1", "P-521" },
	{ "secp256k1", "secp256k1" },
};

int
keyio_describe(EVP_PKEY *pk, char *kty, size_t ktysz, int *bits,
    char *curve, size_t curvesz)
{
	char group[64];
	size_t i, glen = 0;

	*bits = EVP_PKEY_get_bits(pk);
	if (curvesz > 0)
		curve[0] = '\0';
	if (EVP_PKEY_is_a(pk, "RSA")) {
		snprintf(kty, ktysz, "RSA");
		return 0;
	}
	if (EVP_PKEY_is_a(pk, "EC")) {
		snprintf(kty, ktysz, "EC");
		if (EVP_PKEY_get_utf8_string_param(pk,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
		    &glen) != 1) {
			ERR_clear_error();
			return KR_EDATA;
		}
		for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
			if (strcmp(group, curves[i].ossl) == 0) {
				snprintf(curve, curvesz, "%s", curves[i].nist);
				return 0;
			}
		snprintf(curve, curvesz, "%s", group);
		return 0;
	}
	if (EVP_PKEY_is_a(pk, "ED25519")) {
		snprintf(kty, ktysz, "ED25519");
		return 0;
	}
	if (EVP_PKEY_is_a(pk, "DSA")) {
		snprintf(kty, ktysz, "DSA");
		return 0;
	}
	snprintf(kty, ktysz, "?");
	return KR_EDATA;
}
