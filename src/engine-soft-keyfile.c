/* SPDX-License-Identifier: ISC */
/*
 * engine-soft-keyfile.c: the sealed key file of a module-protected key:
 * parsing and loading it, opening what it seals, writing it.  The keys are
 * made by engine-soft-key.c.
 *
 * local/key_<appname>_<ident> holds the key's header in the clear (ident,
 * plainname, type, size, ACL, public key, world id) and the private key as
 * PKCS#8 DER sealed with AES-256-GCM under the world key; the associated
 * data is the canonical header, so changing any of it (the ACL above all)
 * makes the key unusable.  appname "simple" is what generatekey makes;
 * "xferacld" is the reduced-ACL copy reduce-acl makes, which carries the
 * cards' cosignatures.
 *
 * An AES key (type "AES", size 256) is a secret key: it has no "pub" and
 * no public key file; its header carries instead "kcv", its key check
 * value (byok_aes_kcv(): the first 3 bytes of AES-256-ECB of a zero block,
 * 6 hex digits), and its blob seals the 32 raw key bytes, which are
 * checked against the check value whenever they are opened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "byok-profile.h"
#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

#define KEY_FORMAT	"keyrite-key-1"

static const struct soft_curve curves[] = {
	{ "P-256", 256, "P-256" }, { "P-384", 384, "P-384" },
	{ "P-521", 521, "P-521" },
	{ "P-256K", 256, "secp256k1" },	/* Key Vault's name for secp256k1 */
};

const struct soft_curve *
soft_curve_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (strcasecmp(curves[i].name, name) == 0)
			return &curves[i];
	return NULL;
}

/* The OpenSSL NID of a curve named as keyrite names it, or NID_undef. */
static int
curve_nid(const char *name)
{
	const struct soft_curve *cv = soft_curve_find(name);
	int nid;

	if (cv == NULL)
		return NID_undef;
	if ((nid = EC_curve_nist2nid(cv->ossl)) == NID_undef)
		nid = OBJ_sn2nid(cv->ossl);
	return nid;
}

void
soft_key_free(struct soft_key *k)
{
	if (k == NULL)
		return;
	free(k->pub);
	free(k->blob);
	free(k->aad);
	memset(k, 0, sizeof(*k));
}

/* The associated data of the sealed private key: the canonical header,
 * that is the file without nonce, blob, cosig and sum. */
static char *
key_aad(json_t *obj)
{
	json_t *hdr;
	char *s;

	if ((hdr = json_copy(obj)) == NULL)
		return NULL;
	json_object_del(hdr, "cosig");
	json_object_del(hdr, "sum");
	s = soft_json_canon(hdr, "nonce", "blob");
	json_decref(hdr);
	return s;
}

/* The public key must be of the type and size the header says. */
static int
check_pub(const char *name, struct soft_key *k, struct kr_err *e)
{
	const uint8_t *p = k->pub;
	EVP_PKEY *pk;
	char group[32];
	size_t glen;
	int r = KR_EDATA;

	pk = d2i_PUBKEY(NULL, &p, (long)k->pub_len);
	if (pk == NULL || p != k->pub + k->pub_len) {
		kr_errf(e, KR_EDATA, "%s: 'pub' is not a public key", name);
		goto out;
	}
	if (strcmp(k->info.type, "RSA") == 0) {
		if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA ||
		    EVP_PKEY_get_bits(pk) != k->info.size) {
			kr_errf(e, KR_EDATA, "%s: 'pub' is not RSA-%d", name,
			    k->info.size);
			goto out;
		}
	} else {
		if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC ||
		    EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
		    group, sizeof(group), &glen) != 1 ||
		    OBJ_sn2nid(group) == NID_undef ||
		    OBJ_sn2nid(group) != curve_nid(k->info.curve)) {
			kr_errf(e, KR_EDATA, "%s: 'pub' is not on %s", name,
			    k->info.curve);
			goto out;
		}
	}
	r = 0;
out:
	EVP_PKEY_free(pk);
	return r;
}

/* The header's strings: appname, ident, names, world, ACL, hashes. */
static int
parse_header(const char *name, json_t *obj, struct soft_key *k,
    struct kr_err *e)
{
	struct engine_key_info *in = &k->info;
	char norm[ENGINE_IDENT_MAX];
	int r;

	if ((r = soft_get_str(name, obj, "appname", in->appname,
	    sizeof(in->appname), e)) != 0)
		return r;
	if (strcmp(in->appname, "simple") != 0 &&
	    strcmp(in->appname, "xferacld") != 0)
		return kr_errf(e, KR_EDATA, "%s: unknown appname '%s'", name,
		    in->appname);
	if ((r = soft_get_str(name, obj, "ident", in->ident, sizeof(in->ident),
	    e)) != 0)
		return r;
	if (engine_ident_normalize(in->ident, norm, sizeof(norm), NULL) != 0 ||
	    strcmp(norm, in->ident) != 0)
		return kr_errf(e, KR_EDATA, "%s: bad ident", name);
	if ((r = soft_get_str(name, obj, "plainname", in->plainname,
	    sizeof(in->plainname), e)) != 0 ||
	    (r = soft_get_str(name, obj, "world_id", k->world_id,
	    sizeof(k->world_id), e)) != 0 ||
	    (r = soft_get_str(name, obj, "type", in->type, sizeof(in->type),
	    e)) != 0 ||
	    (r = soft_get_str(name, obj, "curve", in->curve, sizeof(in->curve),
	    e)) != 0 ||
	    (r = soft_get_str(name, obj, "protect", in->protect,
	    sizeof(in->protect), e)) != 0 ||
	    (r = soft_get_str(name, obj, "created", in->created,
	    sizeof(in->created), e)) != 0 ||
	    (r = soft_get_str(name, obj, "acl", in->acl, sizeof(in->acl), e)) != 0 ||
	    (r = soft_get_str(name, obj, "kek_pkg_sha256", k->kek_pkg_sha256,
	    sizeof(k->kek_pkg_sha256), e)) != 0 ||
	    (r = soft_get_str(name, obj, "world_pkg_sha256", k->world_pkg_sha256,
	    sizeof(k->world_pkg_sha256), e)) != 0)
		return r;
	if (strlen(k->world_id) != 64 || !soft_is_lower_hex(k->world_id, 64))
		return kr_errf(e, KR_EDATA, "%s: bad world id", name);
	if (strcmp(in->protect, "module") != 0)
		return kr_errf(e, KR_EDATA, "%s: protect=%s is not supported",
		    name, in->protect);
	if (strcmp(in->appname, "xferacld") == 0) {
		if (strlen(k->kek_pkg_sha256) != 64 ||
		    !soft_is_lower_hex(k->kek_pkg_sha256, 64) ||
		    strlen(k->world_pkg_sha256) != 64 ||
		    !soft_is_lower_hex(k->world_pkg_sha256, 64))
			return kr_errf(e, KR_EDATA, "%s: bad package hashes", name);
	} else if (k->kek_pkg_sha256[0] != '\0' || k->world_pkg_sha256[0] != '\0')
		return kr_errf(e, KR_EDATA, "%s: package hashes on a simple key",
		    name);
	return 0;
}

/* Type, size, curve and public exponent, consistent with each other. */
static int
parse_params(const char *name, json_t *obj, struct soft_key *k,
    struct kr_err *e)
{
	struct engine_key_info *in = &k->info;
	const struct soft_curve *cv;
	long long v;
	int r;

	if ((r = soft_get_int(name, obj, "size", 256, 4096, &v, e)) != 0)
		return r;
	in->size = (int)v;
	if ((r = soft_get_int(name, obj, "pubexp", 0, 0xffffffffLL, &v, e)) != 0)
		return r;
	in->pubexp = (unsigned long)v;
	if (strcmp(in->type, "RSA") == 0) {
		if ((in->size != 2048 && in->size != 3072 && in->size != 4096) ||
		    in->curve[0] != '\0' || in->pubexp < 3 ||
		    (in->pubexp & 1) == 0)
			return kr_errf(e, KR_EDATA, "%s: bad RSA parameters", name);
	} else if (strcmp(in->type, "AES") == 0) {
		if (in->size != 256 || in->curve[0] != '\0' || in->pubexp != 0)
			return kr_errf(e, KR_EDATA, "%s: bad AES parameters", name);
	} else if (strcmp(in->type, "EC") == 0) {
		if ((cv = soft_curve_find(in->curve)) == NULL || cv->bits != in->size ||
		    strcmp(cv->name, in->curve) != 0 || in->pubexp != 0)
			return kr_errf(e, KR_EDATA, "%s: bad EC parameters", name);
	} else
		return kr_errf(e, KR_EDATA, "%s: unknown key type '%s'", name,
		    in->type);
	return 0;
}

/* The cards' cosignatures: present exactly when the ACL grants an export
 * (and always on a reduced key); checked against the world at use. */
static int
parse_cosigs(const char *name, json_t *obj, struct soft_key *k,
    struct kr_err *e)
{
	struct engine_key_info *in = &k->info;
	json_t *cos, *c;
	char cname[64];
	long long v;
	size_t i;

	cos = json_object_get(obj, "cosig");
	if (!json_is_array(cos) || json_array_size(cos) > ENGINE_MAX_CARDS)
		return kr_errf(e, KR_EDATA, "%s: 'cosig' must be a list", name);
	json_array_foreach(cos, i, c) {
		snprintf(cname, sizeof(cname), "%s: cosignature %zu", name, i + 1);
		if (!json_is_object(c) || json_object_size(c) != 2 ||
		    soft_get_int(cname, c, "index", 1, ENGINE_MAX_CARDS, &v,
		    e) != 0 ||
		    soft_get_hex(cname, c, "sig", k->cosig[i].sig, 64, e) != 0)
			return kr_errf(e, KR_EDATA, "%s: bad cosignature %zu",
			    name, i + 1);
		k->cosig[i].index = (int)v;
		in->cosigners[i] = (int)v;
	}
	k->ncosig = (int)json_array_size(cos);
	in->ncosigners = k->ncosig;
	if ((strcmp(in->appname, "xferacld") == 0 && k->ncosig == 0) ||
	    (k->ncosig > 0) != soft_acl_grants_export(in->acl))
		return kr_errf(e, KR_EDATA, "%s: cosignatures do not fit the key",
		    name);
	return 0;
}

int
soft_key_is_secret(const struct soft_key *k)
{
	return strcmp(k->info.type, "AES") == 0;
}

/* The key's identity: the public key (RSA, EC) or the check value (AES,
 * which has no "pub"). */
static int
parse_identity(const char *name, json_t *obj, struct soft_key *k,
    struct kr_err *e)
{
	struct engine_key_info *in = &k->info;
	int r;

	if (!soft_key_is_secret(k)) {
		if (json_object_get(obj, "kcv") != NULL)
			return kr_errf(e, KR_EDATA, "%s: 'kcv' on an %s key",
			    name, in->type);
		if ((r = soft_get_b64(name, obj, "pub", 2048, &k->pub,
		    &k->pub_len, e)) != 0 || (r = check_pub(name, k, e)) != 0)
			return r;
		soft_sha256_hex(k->pub, k->pub_len, in->pub_sha256);
		return 0;
	}
	if (json_object_get(obj, "pub") != NULL)
		return kr_errf(e, KR_EDATA, "%s: 'pub' on an AES key", name);
	if ((r = soft_get_str(name, obj, "kcv", in->kcv, sizeof(in->kcv),
	    e)) != 0)
		return r;
	if (strlen(in->kcv) != 6 || !soft_is_lower_hex(in->kcv, 6))
		return kr_errf(e, KR_EDATA, "%s: 'kcv' is not 6 hex digits",
		    name);
	return 0;
}

int
soft_key_parse(const char *name, const char *buf, size_t len,
    struct soft_key *k, struct kr_err *e)
{
	json_t *obj = NULL;
	int r;

	memset(k, 0, sizeof(*k));
	if ((r = soft_json_load(name, buf, len, SOFT_KEY_MAX, KEY_FORMAT, &obj,
	    e)) != 0)
		return r;
	if ((r = parse_header(name, obj, k, e)) != 0 ||
	    (r = parse_params(name, obj, k, e)) != 0)
		goto out;
	if ((r = parse_identity(name, obj, k, e)) != 0 ||
	    (r = soft_get_hex(name, obj, "nonce", k->nonce, sizeof(k->nonce),
	    e)) != 0 ||
	    (r = soft_get_b64(name, obj, "blob", 8192, &k->blob, &k->blob_len,
	    e)) != 0)
		goto out;
	if ((r = parse_cosigs(name, obj, k, e)) != 0)
		goto out;
	if ((k->aad = key_aad(obj)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	r = 0;
out:
	json_decref(obj);
	if (r != 0)
		soft_key_free(k);
	return r;
}

int
soft_key_rel(const char *appname, const char *ident, char *out, size_t sz)
{
	int n = snprintf(out, sz, "local/key_%s_%s", appname, ident);

	return n < 0 || (size_t)n >= sz ? KR_EUSAGE : 0;
}

int
soft_key_load(const struct engine *eng, const char *appname, const char *ident,
    struct soft_key *k, struct kr_err *e)
{
	char rel[128], path[PATH_MAX], *buf = NULL;
	size_t len;
	int r;

	if (soft_key_rel(appname, ident, rel, sizeof(rel)) != 0 ||
	    (r = soft_path(eng, rel, path, sizeof(path), e)) != 0)
		return kr_errf(e, KR_EUSAGE, "ident too long");
	if ((r = kr_read_file(path, SOFT_KEY_MAX, &buf, &len, e)) != 0)
		return r;
	if ((r = soft_key_parse(path, buf, len, k, e)) != 0)
		goto out;
	if (strcmp(k->info.appname, appname) != 0 ||
	    strcmp(k->info.ident, ident) != 0) {
		r = kr_errf(e, KR_EDATA, "%s: holds key_%s_%s", path,
		    k->info.appname, k->info.ident);
		soft_key_free(k);
		goto out;
	}
	if (eng->world != NULL && strcmp(k->world_id, eng->world->world_id) != 0) {
		r = kr_errf(e, KR_EDATA, "%s: belongs to another world (%.8s)",
		    path, k->world_id);
		soft_key_free(k);
		goto out;
	}
	r = 0;
out:
	free(buf);
	return r;
}

int
soft_key_public(const struct soft_key *k, EVP_PKEY **pk, struct kr_err *e)
{
	const uint8_t *p = k->pub;

	if (soft_key_is_secret(k))
		return kr_errf(e, KR_EUSAGE, "key_%s_%s: an AES key has no "
		    "public key (its check value is %s)", k->info.appname,
		    k->info.ident, k->info.kcv);
	if ((*pk = d2i_PUBKEY(NULL, &p, (long)k->pub_len)) == NULL)
		return kr_errf(e, KR_EDATA, "key_%s_%s: bad public key",
		    k->info.appname, k->info.ident);
	return 0;
}

int
soft_key_private(const struct engine *eng, const struct soft_key *k,
    EVP_PKEY **pkp, struct kr_err *e)
{
	EVP_PKEY *pk = NULL, *pub = NULL;
	char name[128];
	int r;

	if ((r = soft_need_world(eng, e)) != 0)
		return r;
	if (soft_key_is_secret(k))
		return soft_key_public(k, &pk, e);	/* says it is AES */
	snprintf(name, sizeof(name), "key_%s_%s", k->info.appname, k->info.ident);
	if ((r = soft_open_pkey(name, eng->world_key, k->aad, k->nonce, k->blob,
	    k->blob_len, &pk, e)) != 0)
		return r;
	if ((r = soft_key_public(k, &pub, e)) != 0)
		goto out;
	if (EVP_PKEY_eq(pk, pub) != 1) {
		r = kr_errf(e, KR_EDATA, "%s: private key does not match its "
		    "public key", name);
		goto out;
	}
	*pkp = pk;
	pk = NULL;
	r = 0;
out:
	EVP_PKEY_free(pk);
	EVP_PKEY_free(pub);
	return r;
}

int
soft_key_secret(const struct engine *eng, const struct soft_key *k,
    uint8_t **mat, size_t *len, struct kr_err *e)
{
	uint8_t *buf = NULL;
	size_t n = 0;
	char name[128], kcv[8];
	int r;

	*mat = NULL;
	*len = 0;
	if ((r = soft_need_world(eng, e)) != 0)
		return r;
	snprintf(name, sizeof(name), "key_%s_%s", k->info.appname, k->info.ident);
	if (!soft_key_is_secret(k))
		return kr_errf(e, KR_EUSAGE, "%s: an %s key is not a secret key",
		    name, k->info.type);
	if ((r = soft_open_raw(name, eng->world_key, k->aad, k->nonce, k->blob,
	    k->blob_len, &buf, &n, e)) != 0)
		return r;
	if (n != SOFT_KEY_LEN || byok_aes_kcv(buf, n, kcv, NULL) != 0 ||
	    strcmp(kcv, k->info.kcv) != 0) {
		kr_secure_free(buf, n);
		return kr_errf(e, KR_EDATA, "%s: the key does not match its "
		    "check value", name);
	}
	*mat = buf;
	*len = n;
	return 0;
}

int
soft_key_material(const struct engine *eng, const struct soft_key *k,
    uint8_t **mat, size_t *len, struct kr_err *e)
{
	EVP_PKEY *pk = NULL;
	int r;

	if (soft_key_is_secret(k))
		return soft_key_secret(eng, k, mat, len, e);
	if ((r = soft_key_private(eng, k, &pk, e)) != 0)
		return r;
	r = soft_pkcs8_der(pk, mat, len, e);
	EVP_PKEY_free(pk);
	return r;
}

/* The header as JSON: "pub" for RSA and EC, "kcv" for AES. */
static json_t *
key_header(const struct soft_key *k)
{
	const struct engine_key_info *in = &k->info;
	json_t *obj;

	if ((obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:I, "
	    "s:s, s:s, s:s, s:s, s:s}",
	    "format", KEY_FORMAT, "appname", in->appname, "ident", in->ident,
	    "plainname", in->plainname, "world_id", k->world_id,
	    "type", in->type, "size", in->size, "curve", in->curve,
	    "pubexp", (json_int_t)in->pubexp, "protect", in->protect,
	    "created", in->created, "acl", in->acl,
	    "kek_pkg_sha256", k->kek_pkg_sha256,
	    "world_pkg_sha256", k->world_pkg_sha256)) == NULL)
		return NULL;
	if (soft_key_is_secret(k) ?
	    json_object_set_new(obj, "kcv", json_string(in->kcv)) != 0 :
	    soft_set_b64(obj, "pub", k->pub, k->pub_len) != 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* Writes k (header filled, cosignatures set) with its key sealed under the
 * world key to local/key_<appname>_<ident>: pk as PKCS#8 DER, or (pk NULL)
 * the len bytes of mat; fills k->aad, nonce, blob. */
static int
key_write(const struct engine *eng, struct soft_key *k, EVP_PKEY *pk,
    const uint8_t *mat, size_t len, struct kr_err *e)
{
	struct engine_key_info *in = &k->info;
	json_t *obj = NULL, *cos = NULL, *c;
	char rel[128], path[PATH_MAX];
	int i, r;

	if ((r = soft_need_world(eng, e)) != 0)
		return r;
	if (soft_key_rel(in->appname, in->ident, rel, sizeof(rel)) != 0 ||
	    (r = soft_path(eng, rel, path, sizeof(path), e)) != 0)
		return kr_errf(e, KR_EUSAGE, "ident too long");
	if ((obj = key_header(k)) == NULL ||
	    (k->aad = key_aad(obj)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	if ((r = pk != NULL ?
	    soft_seal_pkey(eng->world_key, k->aad, pk, k->nonce, &k->blob,
	    &k->blob_len, e) :
	    soft_seal_raw(eng->world_key, k->aad, mat, len, k->nonce, &k->blob,
	    &k->blob_len, e)) != 0)
		goto out;
	if ((cos = json_array()) == NULL ||
	    json_object_set(obj, "cosig", cos) != 0 ||
	    soft_set_hex(obj, "nonce", k->nonce, sizeof(k->nonce)) != 0 ||
	    soft_set_b64(obj, "blob", k->blob, k->blob_len) != 0) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < k->ncosig; i++) {
		if ((c = json_pack("{s:i}", "index", k->cosig[i].index)) == NULL ||
		    json_array_append_new(cos, c) != 0 ||
		    soft_set_hex(c, "sig", k->cosig[i].sig, 64) != 0) {
			r = kr_errf(e, KR_ENOMEM, "out of memory");
			goto out;
		}
	}
	r = soft_write_json(path, obj, e);
out:
	json_decref(cos);
	json_decref(obj);
	return r;
}

int
soft_key_write(const struct engine *eng, struct soft_key *k, EVP_PKEY *pk,
    struct kr_err *e)
{
	return key_write(eng, k, pk, NULL, 0, e);
}

int
soft_key_write_mat(const struct engine *eng, struct soft_key *k,
    const uint8_t *mat, size_t len, struct kr_err *e)
{
	return key_write(eng, k, NULL, mat, len, e);
}
