/* SPDX-License-Identifier: ISC */
/*
 * byok-profile.h: wrapping profiles.  Every key service that takes a key
 * made elsewhere uses the PKCS#11 CKM_RSA_AES_KEY_WRAP construction
 * (byok.h); they differ in the OAEP and MGF1 hash, the wrapping-key sizes
 * they issue, the key types they take, the encoding of the key material and
 * the form of the package.  A profile names all of that; its name is a plain
 * value (a ceremony, an ACL and the log can carry it).
 *
 * Facts and sources: keyrite-profiles(7).
 */
#ifndef KR_BYOK_PROFILE_H
#define KR_BYOK_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct kr_err;

/* The package around C1 || C2. */
enum byok_form {
	BYOK_FORM_JSON = 1,	/* the .byok JSON file (byok.h), kid inside */
	BYOK_FORM_RAW,		/* the bytes C1 || C2 as they are */
	BYOK_FORM_BASE64,	/* standard base64 of C1 || C2, padded, no newline */
};

/* Key types, as bits of byok_profile.keys. */
#define BYOK_KEY_RSA_2048	0x01
#define BYOK_KEY_RSA_3072	0x02
#define BYOK_KEY_RSA_4096	0x04
#define BYOK_KEY_EC_P256	0x08
#define BYOK_KEY_EC_P384	0x10
#define BYOK_KEY_EC_P521	0x20
#define BYOK_KEY_AES_256	0x40

/* Wrapping-key sizes, as bits of byok_profile.kek_sizes. */
#define BYOK_KEK_2048		0x1
#define BYOK_KEK_3072		0x2
#define BYOK_KEK_4096		0x4

struct byok_profile {
	const char	*name;		/* "aws-kms-sha256": what ceremonies write */
	const char	*service;	/* "AWS KMS" */
	const char	*wire;		/* the service's own name for it */
	const char	*oaep_md;	/* "SHA1", "SHA256" (OpenSSL names) */
	const char	*mgf1_md;
	unsigned	 kek_sizes;	/* BYOK_KEK_* */
	unsigned	 keys;		/* BYOK_KEY_* */
	enum byok_form	 form;
	const char	*suffix;	/* the package file name's ending, or "" */
};

/* The profile named name (exact), or NULL. */
const struct byok_profile *byok_profile_find(const char *name);
/* The i-th profile (0..), NULL past the end. */
const struct byok_profile *byok_profile_at(size_t i);
/* "azure-byok, aws-kms-sha256, ..." into buf (for messages). */
void	byok_profile_list(char *buf, size_t sz);

/* "RSA-2048", "EC-P-256", "AES-256" to its BYOK_KEY_* bit, 0 if unknown.
 * type is "RSA", "EC" or "AES" (any case); size is the RSA or AES size in
 * bits (ignored for EC); curve is "P-256" etc. (EC only). */
unsigned	byok_key_bit(const char *type, int size, const char *curve);
/* "RSA-2048", "EC-P-256", "AES-256" (any case) to its bit, 0 if unknown. */
unsigned	byok_key_bit_name(const char *name);
/* The name of one BYOK_KEY_* bit ("RSA-2048"), "" for none. */
const char	*byok_key_name(unsigned bit);
/* "RSA-2048, RSA-3072, ..." of a set of bits. */
void	byok_key_list(unsigned keys, char *buf, size_t sz);
/* The BYOK_KEK_* bit of a modulus size, 0 when not 2048/3072/4096. */
unsigned	byok_kek_bit(int bits);
/* "2048, 3072 or 4096" of a set. */
void	byok_kek_list(unsigned sizes, char *buf, size_t sz);

/* The OAEP and MGF1 digests; NULL only if OpenSSL lacks them. */
const EVP_MD	*byok_profile_oaep_md(const struct byok_profile *p);
const EVP_MD	*byok_profile_mgf1_md(const struct byok_profile *p);

/* 0 when the profile takes the wrapping key kek (its size) and a key of
 * type key (a BYOK_KEY_* bit; 0: not checked); else KR_EUSAGE naming what
 * the profile allows.  byok_profile_wrap() checks the same. */
int	byok_profile_check(const struct byok_profile *p, EVP_PKEY *kek,
	    unsigned key, struct kr_err *e);

/*
 * Wraps the key material (PKCS#8 DER for RSA and EC, the raw bytes for
 * AES) to the wrapping key kek after checking kek's size and key against
 * the profile (KR_EUSAGE naming what the profile allows), and encodes it in
 * the profile's form; kid is needed for BYOK_FORM_JSON only.  *out is
 * malloc'd (no secret in it).
 */
int	byok_profile_wrap(const struct byok_profile *p, EVP_PKEY *kek,
	    unsigned key, const uint8_t *mat, size_t matlen, const char *kid,
	    uint8_t **out, size_t *outlen, struct kr_err *e);

/* C1 || C2 (made elsewhere: a PKCS#11 token) in the profile's form into
 * *out (malloc'd); kid (and generator, NULL: none) for BYOK_FORM_JSON. */
int	byok_profile_encode(const struct byok_profile *p, const uint8_t *ct,
	    size_t ctlen, const char *kid, const char *generator, uint8_t **out,
	    size_t *outlen, struct kr_err *e);

/*
 * The receiving side: decodes a package of the profile's form (name is for
 * messages) and unwraps it with the wrapping key's private half; *mat is
 * in the secure heap (kr_secure_free(*mat, *matlen)).  KR_EDATA for a
 * package that is not of the profile's form, KR_EFAIL for one that does not
 * unwrap (another profile, another wrapping key, damaged).  *kid (JSON
 * form only; may be NULL) receives the kid in the file.
 */
int	byok_profile_unwrap(const struct byok_profile *p, EVP_PKEY *kek,
	    const char *name, const uint8_t *pkg, size_t pkglen,
	    char *kid, size_t kidsz, uint8_t **mat, size_t *matlen,
	    struct kr_err *e);

/* The key check value of an AES key: the first 3 bytes of AES-ECB of a
 * zero block, as 6 lowercase hex digits. */
int	byok_aes_kcv(const uint8_t *key, size_t len, char out[7],
	    struct kr_err *e);

#endif
