/* SPDX-License-Identifier: ISC */
/*
 * byok-profile.c: the wrapping profiles (byok-profile.h) and the wrap and
 * unwrap of a package in a profile's form.
 *
 * The table is the one place where the services' facts live in code; the
 * sources are named in keyrite-profiles(7).  Invariants: a package is only
 * made for a wrapping key whose size the profile allows and a key type the
 * service takes; the unwrapped material exists only in the secure heap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>

#include "byok.h"
#include "byok-profile.h"
#include "codec.h"
#include "err.h"
#include "secmem.h"

#define RSA_ALL	(BYOK_KEY_RSA_2048 | BYOK_KEY_RSA_3072 | BYOK_KEY_RSA_4096)
#define EC_ALL	(BYOK_KEY_EC_P256 | BYOK_KEY_EC_P384 | BYOK_KEY_EC_P521)
#define KEK_ALL	(BYOK_KEK_2048 | BYOK_KEK_3072 | BYOK_KEK_4096)
#define GCP_KEYS (RSA_ALL | BYOK_KEY_EC_P256 | BYOK_KEY_EC_P384 | \
		 BYOK_KEY_AES_256)
#define MAX_PKG	(64 * 1024)

static const struct byok_profile profiles[] = {
	/* AES-256: Managed HSM (oct-HSM) only; Key Vault refuses it. */
	{ "azure-byok", "Azure Key Vault", "CKM_RSA_AES_KEY_WRAP",
	  "SHA1", "SHA1", KEK_ALL, RSA_ALL | EC_ALL | BYOK_KEY_AES_256,
	  BYOK_FORM_JSON, ".byok" },
	{ "aws-kms-sha256", "AWS KMS", "RSA_AES_KEY_WRAP_SHA_256",
	  "SHA256", "SHA256", KEK_ALL, RSA_ALL | EC_ALL | BYOK_KEY_AES_256,
	  BYOK_FORM_RAW, "" },
	{ "aws-kms-sha1", "AWS KMS", "RSA_AES_KEY_WRAP_SHA_1",
	  "SHA1", "SHA1", KEK_ALL, RSA_ALL | EC_ALL | BYOK_KEY_AES_256,
	  BYOK_FORM_RAW, "" },
	{ "gcp-kms-3072-sha256", "Google Cloud KMS",
	  "RSA_OAEP_3072_SHA256_AES_256", "SHA256", "SHA256", BYOK_KEK_3072,
	  GCP_KEYS, BYOK_FORM_RAW, "" },
	{ "gcp-kms-4096-sha256", "Google Cloud KMS",
	  "RSA_OAEP_4096_SHA256_AES_256", "SHA256", "SHA256", BYOK_KEK_4096,
	  GCP_KEYS, BYOK_FORM_RAW, "" },
	{ "gcp-kms-3072-sha1", "Google Cloud KMS",
	  "RSA_OAEP_3072_SHA1_AES_256", "SHA1", "SHA1", BYOK_KEK_3072,
	  GCP_KEYS, BYOK_FORM_RAW, "" },
	{ "gcp-kms-4096-sha1", "Google Cloud KMS",
	  "RSA_OAEP_4096_SHA1_AES_256", "SHA1", "SHA1", BYOK_KEK_4096,
	  GCP_KEYS, BYOK_FORM_RAW, "" },
	{ "vault-transit", "Vault/OpenBao Transit", "hash_function=SHA256",
	  "SHA256", "SHA256", BYOK_KEK_4096, RSA_ALL | EC_ALL |
	  BYOK_KEY_AES_256, BYOK_FORM_BASE64, "" },
	{ "vault-transit-sha1", "Vault/OpenBao Transit", "hash_function=SHA1",
	  "SHA1", "SHA1", BYOK_KEK_4096, RSA_ALL | EC_ALL | BYOK_KEY_AES_256,
	  BYOK_FORM_BASE64, "" },
};
#define NPROFILES (sizeof(profiles) / sizeof(profiles[0]))

static const struct {
	unsigned	 bit;
	const char	*name;
} key_names[] = {
	{ BYOK_KEY_RSA_2048, "RSA-2048" }, { BYOK_KEY_RSA_3072, "RSA-3072" },
	{ BYOK_KEY_RSA_4096, "RSA-4096" }, { BYOK_KEY_EC_P256, "EC-P-256" },
	{ BYOK_KEY_EC_P384, "EC-P-384" }, { BYOK_KEY_EC_P521, "EC-P-521" },
	{ BYOK_KEY_AES_256, "AES-256" },
};
#define NKEYNAMES (sizeof(key_names) / sizeof(key_names[0]))

const struct byok_profile *
byok_profile_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NPROFILES; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const struct byok_profile *
byok_profile_at(size_t i)
{
	return i < NPROFILES ? &profiles[i] : NULL;
}

void
byok_profile_list(char *buf, size_t sz)
{
	size_t i, n = 0;

	if (sz == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < NPROFILES && n < sz; i++)
		n += (size_t)snprintf(buf + n, sz - n, "%s%s", i ? ", " : "",
		    profiles[i].name);
}

unsigned
byok_key_bit(const char *type, int size, const char *curve)
{
	if (type == NULL)
		return 0;
	if (strcasecmp(type, "RSA") == 0)
		return size == 2048 ? BYOK_KEY_RSA_2048 : size == 3072 ?
		    BYOK_KEY_RSA_3072 : size == 4096 ? BYOK_KEY_RSA_4096 : 0;
	if (strcasecmp(type, "AES") == 0)
		return size == 256 ? BYOK_KEY_AES_256 : 0;
	if (strcasecmp(type, "EC") != 0 || curve == NULL)
		return 0;
	if (strcasecmp(curve, "P-256") == 0)
		return BYOK_KEY_EC_P256;
	if (strcasecmp(curve, "P-384") == 0)
		return BYOK_KEY_EC_P384;
	if (strcasecmp(curve, "P-521") == 0)
		return BYOK_KEY_EC_P521;
	return 0;
}

unsigned
byok_key_bit_name(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NKEYNAMES; i++)
		if (strcasecmp(key_names[i].name, name) == 0)
			return key_names[i].bit;
	return 0;
}

const char *
byok_key_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < NKEYNAMES; i++)
		if (key_names[i].bit == bit)
			return key_names[i].name;
	return "";
}

void
byok_key_list(unsigned keys, char *buf, size_t sz)
{
	size_t i, n = 0;

	if (sz == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < NKEYNAMES && n < sz; i++)
		if (keys & key_names[i].bit)
			n += (size_t)snprintf(buf + n, sz - n, "%s%s",
			    n ? ", " : "", key_names[i].name);
}

unsigned
byok_kek_bit(int bits)
{
	return bits == 2048 ? BYOK_KEK_2048 : bits == 3072 ? BYOK_KEK_3072 :
	    bits == 4096 ? BYOK_KEK_4096 : 0;
}

void
byok_kek_list(unsigned sizes, char *buf, size_t sz)
{
	static const int all[] = { 2048, 3072, 4096 };
	size_t i, n = 0, k = 0, count = 0;

	if (sz == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < 3; i++)
		if (sizes & byok_kek_bit(all[i]))
			count++;
	for (i = 0; i < 3 && n < sz; i++) {
		if (!(sizes & byok_kek_bit(all[i])))
			continue;
		k++;
		n += (size_t)snprintf(buf + n, sz - n, "%s%d", k == 1 ? "" :
		    k == count ? " or " : ", ", all[i]);
	}
}

const EVP_MD *
byok_profile_oaep_md(const struct byok_profile *p)
{
	return EVP_get_digestbyname(p->oaep_md);
}

const EVP_MD *
byok_profile_mgf1_md(const struct byok_profile *p)
{
	return EVP_get_digestbyname(p->mgf1_md);
}

/* The wrapping key and the key against the profile. */
static int
check_fit(const struct byok_profile *p, EVP_PKEY *kek, unsigned key,
    struct kr_err *e)
{
	char list[160];
	int bits;

	if (kek == NULL || !EVP_PKEY_is_a(kek, "RSA"))
		return kr_errf(e, KR_EUSAGE, "profile %s: the wrapping key is "
		    "not an RSA key", p->name);
	bits = EVP_PKEY_get_bits(kek);
	if ((byok_kek_bit(bits) & p->kek_sizes) == 0) {
		byok_kek_list(p->kek_sizes, list, sizeof(list));
		return kr_errf(e, KR_EUSAGE, "profile %s: the wrapping key is "
		    "RSA %d; %s takes RSA %s", p->name, bits, p->wire, list);
	}
	if (key != 0 && (key & p->keys) == 0) {
		byok_key_list(p->keys, list, sizeof(list));
		return kr_errf(e, KR_EUSAGE, "profile %s: %s does not take an "
		    "%s key (it takes %s)", p->name, p->service,
		    byok_key_name(key), list);
	}
	return 0;
}

int
byok_profile_check(const struct byok_profile *p, EVP_PKEY *kek, unsigned key,
    struct kr_err *e)
{
	return check_fit(p, kek, key, e);
}

/* byok_wrap with the profile's two digests. */
static int
wrap_ct(const struct byok_profile *p, EVP_PKEY *kek, const uint8_t *mat,
    size_t matlen, uint8_t **ct, size_t *ctlen, struct kr_err *e)
{
	const EVP_MD *md = byok_profile_oaep_md(p);

	if (md == NULL || byok_profile_mgf1_md(p) != md)
		return kr_errf(e, KR_ECRYPTO, "profile %s: digest %s is not "
		    "available", p->name, p->oaep_md);
	return byok_wrap(kek, md, mat, matlen, ct, ctlen, e);
}

int
byok_profile_wrap(const struct byok_profile *p, EVP_PKEY *kek, unsigned key,
    const uint8_t *mat, size_t matlen, const char *kid, uint8_t **out,
    size_t *outlen, struct kr_err *e)
{
	uint8_t *ct = NULL;
	size_t ctlen = 0;
	int r;

	*out = NULL;
	*outlen = 0;
	if ((r = check_fit(p, kek, key, e)) != 0)
		return r;
	if (key == BYOK_KEY_AES_256 && matlen != 32)
		return kr_errf(e, KR_EUSAGE, "profile %s: an AES-256 key is 32 "
		    "bytes, not %zu", p->name, matlen);
	if ((r = wrap_ct(p, kek, mat, matlen, &ct, &ctlen, e)) != 0)
		return r;
	r = byok_profile_encode(p, ct, ctlen, kid, NULL, out, outlen, e);
	free(ct);
	return r;
}

int
byok_profile_encode(const struct byok_profile *p, const uint8_t *ct,
    size_t ctlen, const char *kid, const char *generator, uint8_t **out,
    size_t *outlen, struct kr_err *e)
{
	char *s = NULL;
	size_t n = 0;
	int r;

	*out = NULL;
	*outlen = 0;
	switch (p->form) {
	case BYOK_FORM_JSON:
		if ((r = byok_file_format(kid, ct, ctlen, generator, &s, &n,
		    e)) != 0)
			return r;
		*out = (uint8_t *)s;
		*outlen = n;
		break;
	case BYOK_FORM_RAW:
		if ((*out = malloc(ctlen)) == NULL)
			return kr_errf(e, KR_ENOMEM, "out of memory");
		memcpy(*out, ct, ctlen);
		*outlen = ctlen;
		break;
	case BYOK_FORM_BASE64:
		n = kr_b64_encoded_size(ctlen);
		if ((s = malloc(n)) == NULL)
			return kr_errf(e, KR_ENOMEM, "out of memory");
		kr_b64_encode(ct, ctlen, s, n);
		*out = (uint8_t *)s;
		*outlen = strlen(s);
		break;
	}
	return 0;
}

/* The package's C1 || C2 in *ct (malloc'd). */
static int
decode_pkg(const struct byok_profile *p, const char *name, const uint8_t *pkg,
    size_t pkglen, char *kid, size_t kidsz, uint8_t **ct, size_t *ctlen,
    struct kr_err *e)
{
	struct byok_file f;
	size_t n, sz;
	int r;

	*ct = NULL;
	if (pkglen == 0 || pkglen > MAX_PKG)
		return kr_errf(e, KR_EDATA, "%s: a package of %zu bytes", name,
		    pkglen);
	switch (p->form) {
	case BYOK_FORM_JSON:
		if ((r = byok_file_parse(name, (const char *)pkg, pkglen, &f,
		    e)) != 0)
			return r;
		if (kid != NULL)
			snprintf(kid, kidsz, "%s", f.kid);
		*ct = f.ct;
		*ctlen = f.ctlen;
		return 0;
	case BYOK_FORM_RAW:
		if (pkglen % 8 != 0)
			return kr_errf(e, KR_EDATA, "%s: not raw %s key material "
			    "(%zu bytes, not a multiple of 8)", name, p->wire,
			    pkglen);
		if ((*ct = malloc(pkglen)) == NULL)
			return kr_errf(e, KR_ENOMEM, "out of memory");
		memcpy(*ct, pkg, pkglen);
		*ctlen = pkglen;
		return 0;
	case BYOK_FORM_BASE64:
		for (n = pkglen; n > 0 && (pkg[n - 1] == '\n' ||
		    pkg[n - 1] == '\r'); n--)
			;
		sz = n / 4 * 3 + 3;
		if ((*ct = malloc(sz)) == NULL)
			return kr_errf(e, KR_ENOMEM, "out of memory");
		if (n == 0 || kr_b64_decode((const char *)pkg, n, *ct, sz,
		    ctlen) != 0) {
			free(*ct);
			*ct = NULL;
			return kr_errf(e, KR_EDATA, "%s: not the base64 "
			    "ciphertext %s takes", name, p->service);
		}
		return 0;
	}
	return kr_errf(e, KR_EUSAGE, "profile %s: no form", p->name);
}

int
byok_profile_unwrap(const struct byok_profile *p, EVP_PKEY *kek,
    const char *name, const uint8_t *pkg, size_t pkglen, char *kid,
    size_t kidsz, uint8_t **mat, size_t *matlen, struct kr_err *e)
{
	uint8_t *ct = NULL;
	size_t ctlen = 0;
	int r;

	*mat = NULL;
	*matlen = 0;
	if ((r = check_fit(p, kek, 0, e)) != 0)
		return r;
	if ((r = decode_pkg(p, name, pkg, pkglen, kid, kidsz, &ct, &ctlen,
	    e)) != 0)
		return r;
	if (byok_profile_oaep_md(p) == NULL) {
		free(ct);
		return kr_errf(e, KR_ECRYPTO, "profile %s: digest %s is not "
		    "available", p->name, p->oaep_md);
	}
	r = byok_unwrap(kek, byok_profile_oaep_md(p), ct, ctlen, mat, matlen,
	    e);
	free(ct);
	if (r != 0) {
		if (r == KR_EFAIL && e != NULL)
			snprintf(e->msg + strlen(e->msg), sizeof(e->msg) -
			    strlen(e->msg), "; not a package for %s with this "
			    "wrapping key", p->wire);
		return kr_err_prefix(e, "%s", name);
	}
	return 0;
}

int
byok_aes_kcv(const uint8_t *key, size_t len, char out[7], struct kr_err *e)
{
	static const uint8_t zero[16];
	EVP_CIPHER_CTX *ctx;
	uint8_t block[32];
	int n = 0, ok;

	if (len != 32)
		return kr_errf(e, KR_EUSAGE, "check value: not an AES-256 key");
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_ecb(), NULL, key, NULL) == 1 &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_EncryptUpdate(ctx, block, &n, zero, 16) == 1 && n == 16;
	EVP_CIPHER_CTX_free(ctx);
	ERR_clear_error();
	if (!ok)
		return kr_errf(e, KR_ECRYPTO, "check value: AES failed");
	kr_hex_encode(block, 3, out, 7);
	OPENSSL_cleanse(block, sizeof(block));
	return 0;
}
