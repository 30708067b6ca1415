/* SPDX-License-Identifier: ISC */
/*
 * byok.h: the current BYOK transfer format (reference: byok-format.md).
 *
 * CKM_RSA_AES_KEY_WRAP: ciphertext = C1 || C2 where C1 is RSAES-OAEP of a
 * fresh 32-byte AES key K under the KEK (OAEP and MGF1 hash = md, empty
 * label) and C2 is the RFC 5649 key wrap with padding of the payload P
 * under K.  P is an unencrypted PKCS#8 PrivateKeyInfo (DER) for RSA and EC.
 * K is cleansed on every path.  The .byok file is a JSON object holding the
 * KEK's kid and the base64url ciphertext.
 */
#ifndef KR_BYOK_H
#define KR_BYOK_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct kr_err;

#define BYOK_MAX_FILE	(64 * 1024)	/* a .byok larger than this is refused */
#define BYOK_KID_MAX	1024

/* Wraps p under the KEK public key; *ct is malloc'd.  md is EVP_sha1() for
 * the cloud key vault format. */
int	byok_wrap(EVP_PKEY *kek, const EVP_MD *md, const uint8_t *p,
	    size_t plen, uint8_t **ct, size_t *ctlen, struct kr_err *e);

/* Unwraps with the KEK private key; *p is in the secure heap: free it with
 * kr_secure_free(*p, *plen). */
int	byok_unwrap(EVP_PKEY *kek, const EVP_MD *md, const uint8_t *ct,
	    size_t ctlen, uint8_t **p, size_t *plen, struct kr_err *e);

/* The RFC 5649 primitive alone (KWP with the default IV). */
int	byok_kwp_wrap(const uint8_t *kek, size_t keklen, const uint8_t *in,
	    size_t inlen, uint8_t *out, size_t outsz, size_t *outlen,
	    struct kr_err *e);
int	byok_kwp_unwrap(const uint8_t *kek, size_t keklen, const uint8_t *in,
	    size_t inlen, uint8_t *out, size_t outsz, size_t *outlen,
	    struct kr_err *e);

/* A parsed .byok file. */
struct byok_file {
	char	 kid[BYOK_KID_MAX];
	char	 generator[256];
	uint8_t	*ct;		/* malloc'd */
	size_t	 ctlen;
};

/* Serialises a .byok (schema_version 1.0.0, alg dir, enc
 * CKM_RSA_AES_KEY_WRAP, unpadded base64url); *json is malloc'd and ends
 * with a newline. */
int	byok_file_format(const char *kid, const uint8_t *ct, size_t ctlen,
	    const char *generator, char **json, size_t *len, struct kr_err *e);

/* Parses and checks a .byok buffer (no I/O).  name is used in messages.
 * Returns 0 or KR_EDATA with "name: what is wrong". */
int	byok_file_parse(const char *name, const char *buf, size_t len,
	    struct byok_file *out, struct kr_err *e);
void	byok_file_free(struct byok_file *f);

#endif
