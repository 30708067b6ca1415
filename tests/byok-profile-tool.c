/* SPDX-License-Identifier: ISC */
/*
 * byok-profile-tool.c: a test-only program around byok-profile.h, so the
 * shell tests can open every profile's packages with the openssl command
 * line alone.
 *
 *   byok-profile-tool list
 *	one line per profile: name oaep mgf1 kek-sizes form keys
 *   byok-profile-tool wrap PROFILE KEK.pub TARGET OUT [KID]
 *	TARGET is a private key PEM (wrapped as PKCS#8 DER) or, with an
 *	aes: prefix, a file of the 32 raw bytes of an AES-256 key (whose
 *	check value is printed).  Exit 64 for a refusal (KR_EUSAGE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "byok-profile.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "secmem.h"

static const char *
form_name(enum byok_form f)
{
	return f == BYOK_FORM_JSON ? "json" : f == BYOK_FORM_RAW ? "raw" :
	    "base64";
}

static void
list(void)
{
	const struct byok_profile *p;
	char kek[64], keys[200];
	size_t i;

	for (i = 0; (p = byok_profile_at(i)) != NULL; i++) {
		byok_kek_list(p->kek_sizes, kek, sizeof(kek));
		byok_key_list(p->keys, keys, sizeof(keys));
		printf("%s %s %s [%s] %s [%s]\n", p->name, p->oaep_md,
		    p->mgf1_md, kek, form_name(p->form), keys);
	}
}

/* The key material of TARGET and its BYOK_KEY_* bit. */
static int
material(const char *target, uint8_t **mat, size_t *len, unsigned *bit,
    struct kr_err *e)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	EVP_PKEY *pk = NULL;
	char *buf = NULL, curve[32];
	unsigned char *q;
	size_t n = 0;
	int dl, r;

	if (strncmp(target, "aes:", 4) == 0) {
		if ((r = kr_read_file_secure(target + 4, 64, &buf, &n, e)) != 0)
			return r;
		*mat = (uint8_t *)buf;
		*len = n;
		*bit = n == 32 ? BYOK_KEY_AES_256 : 0;
		return 0;
	}
	if ((r = keyio_read_private(target, &pk, e)) != 0)
		return r;
	curve[0] = '\0';
	if (EVP_PKEY_is_a(pk, "EC"))
		EVP_PKEY_get_utf8_string_param(pk, "group", curve,
		    sizeof(curve), NULL);
	*bit = byok_key_bit(EVP_PKEY_is_a(pk, "EC") ? "EC" : "RSA",
	    EVP_PKEY_get_bits(pk), strcmp(curve, "prime256v1") == 0 ?
	    "P-256" : strcmp(curve, "secp384r1") == 0 ? "P-384" :
	    strcmp(curve, "secp521r1") == 0 ? "P-521" : curve);
	if ((p8 = EVP_PKEY2PKCS8(pk)) == NULL ||
	    (dl = i2d_PKCS8_PRIV_KEY_INFO(p8, NULL)) <= 0 ||
	    (*mat = OPENSSL_secure_malloc((size_t)dl)) == NULL) {
		r = kr_errf(e, KR_ECRYPTO, "cannot encode the target as PKCS#8");
		goto out;
	}
	q = *mat;
	i2d_PKCS8_PRIV_KEY_INFO(p8, &q);
	*len = (size_t)dl;
	r = 0;
out:
	PKCS8_PRIV_KEY_INFO_free(p8);
	EVP_PKEY_free(pk);
	return r;
}

int
main(int argc, char **argv)
{
	const struct byok_profile *p;
	EVP_PKEY *kek = NULL;
	uint8_t *mat = NULL, *out = NULL;
	size_t len = 0, outlen = 0;
	unsigned bit = 0;
	char kcv[7];
	struct kr_err e;
	int r = 1;

	kr_err_clear(&e);
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		list();
		return 0;
	}
	if (argc < 6 || argc > 7 || strcmp(argv[1], "wrap") != 0) {
		fprintf(stderr, "usage: byok-profile-tool list | wrap PROFILE "
		    "KEK.pub TARGET OUT [KID]\n");
		return 64;
	}
	if ((p = byok_profile_find(argv[2])) == NULL) {
		fprintf(stderr, "byok-profile-tool: no profile %s\n", argv[2]);
		return 64;
	}
	if ((r = kr_secmem_init(&e)) != 0 ||
	    (r = keyio_read_public(argv[3], &kek, &e)) != 0 ||
	    (r = material(argv[4], &mat, &len, &bit, &e)) != 0 ||
	    (r = byok_profile_wrap(p, kek, bit, mat, len, argc == 7 ? argv[6] :
	    NULL, &out, &outlen, &e)) != 0 ||
	    (r = kr_write_atomic(argv[5], (const char *)out, outlen, 0600,
	    &e)) != 0)
		goto out;
	if (bit == BYOK_KEY_AES_256) {
		if ((r = byok_aes_kcv(mat, len, kcv, &e)) != 0)
			goto out;
		printf("kcv %s\n", kcv);
	}
out:
	if (r != 0)
		fprintf(stderr, "byok-profile-tool: %s\n", e.msg);
	if (mat != NULL)
		OPENSSL_secure_clear_free(mat, len);
	EVP_PKEY_free(kek);
	free(out);
	return r == 0 ? 0 : r == KR_EUSAGE ? 64 : 1;
}
