/* SPDX-License-Identifier: ISC */
/*
 * keyio.h: public and private keys in and out of files and buffers, the
 * way the vault, the packages and the manifest need them.
 *
 * Private keys are read from the secure heap and written as unencrypted
 * PKCS#8 PEM (mode 0600, atomically) through a secure-heap BIO, so their
 * encoding never sits in ordinary memory.  Public keys travel as DER
 * SubjectPublicKeyInfo; parsers insist that the whole buffer is one key.
 * Signatures: Ed25519 and Ed448 sign the message itself, every other key
 * type signs its SHA-256 digest (RSA PKCS#1 v1.5, ECDSA, DSA).
 */
#ifndef KR_KEYIO_H
#define KR_KEYIO_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct kr_err;

#define KEYIO_MAX_PEM	(64 * 1024)	/* a key file larger than this is refused */
#define KEYIO_MAX_SPKI	4096		/* a public key (DER) larger than this is refused */

/* Reads a private key PEM (PKCS#8 or traditional, unencrypted) through the
 * secure heap.  KR_ENOINPUT when missing, KR_EDATA when not a key. */
int	keyio_read_private(const char *path, EVP_PKEY **out, struct kr_err *e);
/* Writes pk as unencrypted PKCS#8 PEM, atomically, mode 0600. */
int	keyio_write_private(const char *path, EVP_PKEY *pk, struct kr_err *e);

/* Reads a public key PEM ("BEGIN PUBLIC KEY"). */
int	keyio_read_public(const char *path, EVP_PKEY **out, struct kr_err *e);
/* The SubjectPublicKeyInfo PEM of pk; *pem is malloc'd, NUL-terminated. */
int	keyio_public_pem(EVP_PKEY *pk, char **pem, size_t *len,
	    struct kr_err *e);

/* Writes pk's SubjectPublicKeyInfo PEM to path atomically with mode. */
int	keyio_write_public(const char *path, EVP_PKEY *pk, int mode,
	    struct kr_err *e);

/* DER SubjectPublicKeyInfo of pk; *der is malloc'd. */
int	keyio_spki_der(EVP_PKEY *pk, uint8_t **der, size_t *len,
	    struct kr_err *e);
/* SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex. */
int	keyio_spki_sha256_hex(EVP_PKEY *pk, char hex[65], struct kr_err *e);
/* Parses DER SubjectPublicKeyInfo; the whole buffer must be the key.
 * Returns 0 or KR_EDATA. */
int	keyio_spki_parse(const uint8_t *der, size_t len, EVP_PKEY **out);

/* Signs msg; *sig is malloc'd. */
int	keyio_sign(EVP_PKEY *k, const void *msg, size_t len, uint8_t **sig,
	    size_t *siglen, struct kr_err *e);
/* Returns 0 when sig is a valid signature of msg under k, KR_EFAIL
 * otherwise (never sets an error message). */
int	keyio_verify(EVP_PKEY *k, const void *msg, size_t len,
	    const uint8_t *sig, size_t siglen);
/* The same for an Ed25519 signature under the raw public key pub (the
 * log's chain keys, the cards' keys). */
int	keyio_ed25519_verify(const uint8_t pub[32], const void *msg, size_t len,
	    const uint8_t sig[64]);

/* Fresh keys. */
int	keyio_gen_rsa(int bits, EVP_PKEY **out, struct kr_err *e);
int	keyio_gen_ed25519(EVP_PKEY **out, struct kr_err *e);
/* An EC key on "P-256", "P-384" or "P-521". */
int	keyio_gen_ec(const char *curve, EVP_PKEY **out, struct kr_err *e);

/* What a key is: kty "RSA" or "EC" (or "ED25519", "DSA"...), its size in
 * bits, and for EC the curve as "P-256" (else "").  Returns 0 or KR_EDATA
 * for a key type we do not describe. */
int	keyio_describe(EVP_PKEY *pk, char *kty, size_t ktysz, int *bits,
	    char *curve, size_t curvesz);

#endif
