/* SPDX-License-Identifier: ISC */
/*
 * engine-soft-key.c: generatekey and export-public, the operations on
 * module-protected keys.  generatekey checks the request, makes the key
 * (RSA, EC on a named curve, or AES-256 made by the module's random
 * generator straight into the secure heap), has the cards cosign its ACL
 * when it names a KEK, and writes the public key as
 * local/pub_simple_<ident>.pem beside the sealed key file
 * (engine-soft-keyfile.c, which describes its format).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "byok-profile.h"
#include "clock.h"
#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "secmem.h"



static int
rsa_keygen(int bits, unsigned long pubexp, EVP_PKEY **out, struct kr_err *e)
{
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *bn = NULL;
	int r = KR_ECRYPTO;

	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    (bn = BN_new()) == NULL || BN_set_word(bn, pubexp) != 1 ||
	    EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) != 1 ||
	    EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, bn) != 1 ||
	    EVP_PKEY_generate(ctx, out) != 1) {
		kr_errf(e, KR_ECRYPTO, "RSA-%d key generation failed", bits);
		goto out;
	}
	r = 0;
out:
	BN_free(bn);
	EVP_PKEY_CTX_free(ctx);
	return r;
}

static int
ec_keygen(const char *curve, EVP_PKEY **out, struct kr_err *e)
{
	if ((*out = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve)) == NULL)
		return kr_errf(e, KR_ECRYPTO, "EC %s key generation failed", curve);
	return 0;
}

/* Checks the request and fills k's header (ACL without a KEK). */
static int
keygen_header(struct engine *eng, const struct engine_key_req *req,
    struct soft_key *k, const struct soft_curve **cvp, struct kr_err *e)
{
	struct engine_key_info *in = &k->info;
	const struct soft_curve *cv = NULL;
	size_t i;
	int r;

	if (req->protect != NULL && strcasecmp(req->protect, "module") != 0)
		return kr_errf(e, KR_EUSAGE, "generatekey: protect=%s refused: the "
		    "BYOK toolset does not support OCS-protected keys; use "
		    "protect=module", strcasecmp(req->protect, "token") == 0 ||
		    strcasecmp(req->protect, "ocs") == 0 ||
		    strcasecmp(req->protect, "softcard") == 0 ? req->protect :
		    "(other)");
	if ((r = engine_ident_normalize(req->ident, in->ident,
	    sizeof(in->ident), e)) != 0)
		return r;
	snprintf(in->plainname, sizeof(in->plainname), "%s",
	    req->plainname != NULL ? req->plainname : in->ident);
	if (req->plainname != NULL &&
	    (strlen(req->plainname) == 0 ||
	    strlen(req->plainname) >= sizeof(in->plainname)))
		return kr_errf(e, KR_EUSAGE, "plainname: empty or longer than %zu "
		    "characters", sizeof(in->plainname) - 1);
	for (i = 0; in->plainname[i] != '\0'; i++)
		if ((unsigned char)in->plainname[i] < 0x20 ||
		    in->plainname[i] == 0x7f)
			return kr_errf(e, KR_EUSAGE, "plainname: control character");
	if (req->type == NULL)
		return kr_errf(e, KR_EUSAGE, "generatekey: no key type");
	if (strcasecmp(req->type, "RSA") == 0) {
		if (req->size != 2048 && req->size != 3072 && req->size != 4096)
			return kr_errf(e, KR_EUSAGE, "generatekey: RSA size %d "
			    "(2048, 3072 or 4096)", req->size);
		in->pubexp = req->pubexp != 0 ? req->pubexp : 65537;
		if (in->pubexp < 3 || (in->pubexp & 1) == 0 ||
		    in->pubexp > 0xffffffffUL)
			return kr_errf(e, KR_EUSAGE, "generatekey: pubexp %lu "
			    "(an odd number from 3 to 2^32-1)", in->pubexp);
		snprintf(in->type, sizeof(in->type), "RSA");
		in->size = req->size;
	} else if (strcasecmp(req->type, "EC") == 0) {
		if (req->curve == NULL || (cv = soft_curve_find(req->curve)) == NULL)
			return kr_errf(e, KR_EUSAGE, "generatekey: curve %s "
			    "(P-256, P-384, P-521 or P-256K)",
			    req->curve != NULL ? req->curve : "missing");
		snprintf(in->type, sizeof(in->type), "EC");
		snprintf(in->curve, sizeof(in->curve), "%s", cv->name);
		in->size = cv->bits;
	} else if (strcasecmp(req->type, "AES") == 0) {
		if (req->size != 0 && req->size != 256)
			return kr_errf(e, KR_EUSAGE, "generatekey: AES size %d "
			    "(256)", req->size);
		if (req->curve != NULL || req->pubexp != 0)
			return kr_errf(e, KR_EUSAGE, "generatekey: an AES key has "
			    "no curve and no public exponent");
		snprintf(in->type, sizeof(in->type), "AES");
		in->size = 256;
	} else
		return kr_errf(e, KR_EUSAGE, "generatekey: type %s (RSA, EC or "
		    "AES)", req->type);
	snprintf(in->appname, sizeof(in->appname), "simple");
	snprintf(in->protect, sizeof(in->protect), "module");
	snprintf(k->world_id, sizeof(k->world_id), "%s", eng->world->world_id);
	kr_rfc3339(kr_now(), in->created, sizeof(in->created));
	*cvp = cv;
	return soft_acl_simple(in->acl, sizeof(in->acl), in->type, NULL);
}

/* A KEK named in the request: the ACL allows export to it, under the
 * request's quorum (checked before any key is made). */
static int
keygen_kek(struct engine *eng, const struct engine_key_req *req,
    struct soft_key *k, char spki[ENGINE_HEX256], struct kr_err *e)
{
	int r;

	if (req->kek_pem == NULL)
		return 0;
	if ((r = soft_quorum_authorized(req->quorum, eng, e)) != 0) {
		kr_err_prefix(e, "generatekey: a key exportable to a KEK is "
		    "made under the quorum");
		return r;
	}
	if ((r = soft_acl_kek_pem(req->kek_pem, req->kek_pem_data,
	    req->kek_pem_len, NULL, NULL, spki, e)) != 0)
		return r;
	if (soft_acl_simple(k->info.acl, sizeof(k->info.acl), k->info.type,
	    spki) != 0)
		return kr_errf(e, KR_EUSAGE, "ACL too long");
	return 0;
}

/* An AES-256 key: 32 bytes from the module's random generator, made in
 * the secure heap and cleansed there; only its check value leaves. */
static int
keygen_aes(struct engine *eng, const struct engine_key_req *req,
    struct soft_key *k, struct kr_err *e)
{
	uint8_t *key;
	int r;

	if ((key = kr_secure_malloc(SOFT_KEY_LEN)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of secure memory");
	if ((r = soft_random(key, SOFT_KEY_LEN, e)) != 0 ||
	    (r = byok_aes_kcv(key, SOFT_KEY_LEN, k->info.kcv, e)) != 0)
		goto out;
	if (req->kek_pem != NULL &&
	    (r = soft_acl_cosign(eng, req->quorum, k, e)) != 0)
		goto out;
	r = soft_key_write_mat(eng, k, key, SOFT_KEY_LEN, e);
out:
	kr_secure_free(key, SOFT_KEY_LEN);
	return r;
}

int
soft_generate_key(struct engine *eng, const struct engine_key_req *req,
    struct engine_key_info *out, struct kr_err *e)
{
	struct soft_key k;
	struct engine_key_info *in = &k.info;
	const struct soft_curve *cv = NULL;
	EVP_PKEY *pk = NULL;
	char rel[128], path[PATH_MAX], spki[ENGINE_HEX256];
	int r;

	memset(&k, 0, sizeof(k));
	if ((r = soft_need_mode(eng, ENGINE_OP_GENERATE_KEY, e)) != 0 ||
	    (r = soft_need_world(eng, e)) != 0 ||
	    (r = keygen_header(eng, req, &k, &cv, e)) != 0 ||
	    (r = keygen_kek(eng, req, &k, spki, e)) != 0)
		return r;
	if (soft_key_rel("simple", in->ident, rel, sizeof(rel)) != 0 ||
	    soft_path(eng, rel, path, sizeof(path), e) != 0)
		return kr_errf(e, KR_EUSAGE, "ident too long");
	if (kr_path_exists(path))
		return kr_errf(e, KR_EFAIL, "%s: a key with ident '%s' exists "
		    "already", path, in->ident);

	if (strcmp(in->type, "AES") == 0) {
		r = keygen_aes(eng, req, &k, e);
		goto out;
	}
	if (cv != NULL)
		r = ec_keygen(cv->ossl, &pk, e);
	else
		r = rsa_keygen(in->size, in->pubexp, &pk, e);
	if (r != 0)
		goto out;
	if ((r = keyio_spki_der(pk, &k.pub, &k.pub_len, e)) != 0)
		goto out;
	soft_sha256_hex(k.pub, k.pub_len, in->pub_sha256);
	if (req->kek_pem != NULL &&
	    (r = soft_acl_cosign(eng, req->quorum, &k, e)) != 0)
		goto out;
	snprintf(rel, sizeof(rel), "local/pub_simple_%s.pem", in->ident);
	if ((r = soft_path(eng, rel, path, sizeof(path), e)) != 0 ||
	    (r = keyio_write_public(path, pk, 0600, e)) != 0)
		goto out;
	if ((r = soft_key_write(eng, &k, pk, e)) != 0) {
		unlink(path);
		goto out;
	}
	r = 0;
out:
	if (r == 0 && out != NULL)
		*out = k.info;
	EVP_PKEY_free(pk);
	soft_key_free(&k);
	return r;
}

int
soft_export_public(struct engine *eng, const char *ident, const char *out_path,
    char sha256[ENGINE_HEX256], struct kr_err *e)
{
	struct soft_key k;
	EVP_PKEY *pk = NULL;
	char id[ENGINE_IDENT_MAX];
	int r;

	memset(&k, 0, sizeof(k));
	if ((r = soft_need_mode(eng, ENGINE_OP_EXPORT_PUBLIC, e)) != 0 ||
	    (r = soft_need_world(eng, e)) != 0 ||
	    (r = engine_ident_normalize(ident, id, sizeof(id), e)) != 0 ||
	    (r = soft_key_load(eng, "simple", id, &k, e)) != 0)
		return r;
	if ((r = soft_key_public(&k, &pk, e)) == 0 &&
	    (r = keyio_write_public(out_path, pk, 0600, e)) == 0 &&
	    sha256 != NULL)
		snprintf(sha256, ENGINE_HEX256, "%s", k.info.pub_sha256);
	EVP_PKEY_free(pk);
	soft_key_free(&k);
	return r;
}
