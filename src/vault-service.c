/* SPDX-License-Identifier: ISC */
/*
 * vault-service.c: the simulated AWS KMS, Google Cloud KMS and Vault/OpenBao
 * Transit import (vault-service.h).
 *
 * Invariants: a service's record and its private wrapping key are written
 * before its public key, so a public key on disk always has its record;
 * the unwrapped key material exists only in the secure heap; an import
 * refuses before storing anything (the record's profile is the only one
 * tried: a package for another profile fails to unwrap, as it would at the
 * service).  Every check reads the clock with kr_clock_peek(), so a check
 * does not move a rehearsal's fixed clock.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "byok-profile.h"
#include "clock.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "secmem.h"
#include "sjson.h"
#include "vault-int.h"
#include "vault-service.h"

#define SVC_NAME_MAX	64
#define SVC_REC_MAX	(8 * 1024)
#define SVC_TOKEN_LEN	64
#define SVC_PKG_MAX	(64 * 1024)
#define GCP_PARENT	"projects/keyrite-rehearsal/locations/global/" \
			"keyRings/keyrite"

/* What differs between the three services. */
struct svc {
	const char	*prefix;	/* of its profiles' names */
	const char	*service;
	long long	 lifetime;	/* seconds; 0: never expires */
	int		 token;		/* an import token goes with the key */
	const char	*expired;	/* what expires, for the message */
};

static const struct svc services[] = {
	{ "aws-kms-", "AWS KMS", 24 * 3600, 1, "the import token" },
	{ "gcp-kms-", "Google Cloud KMS", 3 * 24 * 3600, 0, "the import job" },
	{ "vault-transit", "Vault/OpenBao Transit", 0, 0, "" },
};

static const struct svc *
svc_of(const char *profile)
{
	size_t i;

	for (i = 0; profile != NULL && i < sizeof(services) /
	    sizeof(services[0]); i++)
		if (strncmp(profile, services[i].prefix,
		    strlen(services[i].prefix)) == 0)
			return &services[i];
	return NULL;
}

struct svc_rec {
	char	 profile[40];
	char	 id[VAULT_SERVICE_ID_MAX];
	char	 created[32];
	char	 expires[32];
	char	 token_sha256[65];
	char	 spki_sha256[65];
	int	 bits;
};

static int
svc_path(char *out, size_t sz, const char *dir, const char *name,
    const char *suffix, int in_services)
{
	char f[SVC_NAME_MAX + 32], sub[PATH_MAX];

	snprintf(f, sizeof(f), "%s%s", name, suffix);
	if (!in_services)
		return kr_path_join(out, sz, dir, f);
	if (kr_path_join(sub, sizeof(sub), dir, "services") != 0)
		return -1;
	return kr_path_join(out, sz, sub, f);
}

static int
rec_write(const char *path, const struct svc_rec *r, struct kr_err *e)
{
	json_t *o;
	int rc;

	if ((o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}",
	    "service", svc_of(r->profile)->service, "profile", r->profile,
	    "id", r->id, "created", r->created, "expires", r->expires,
	    "token_sha256", r->token_sha256, "spki_sha256", r->spki_sha256,
	    "bits", r->bits)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	rc = sjson_write(path, o, JSON_INDENT(2) | JSON_SORT_KEYS, e);
	json_decref(o);
	return rc;
}

static int
rec_field(const char *name, json_t *o, const char *key, char *out, size_t sz,
    struct kr_err *e)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v) || json_string_length(v) >= sz)
		return kr_errf(e, KR_EDATA, "%s: %s is missing or too long",
		    name, key);
	snprintf(out, sz, "%s", json_string_value(v));
	return 0;
}

static int
rec_read(const char *dir, const char *name, struct svc_rec *r,
    struct kr_err *e)
{
	char path[PATH_MAX], *buf = NULL;
	json_t *o = NULL;
	size_t len;
	long long bits = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	if (svc_path(path, sizeof(path), dir, name, ".json", 1) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	if (!kr_path_exists(path))
		return kr_errf(e, KR_EFAIL, "no wrapping key was issued as '%s' "
		    "(no %s)", name, path);
	if ((rc = kr_read_file(path, SVC_REC_MAX, &buf, &len, e)) != 0 ||
	    (rc = sjson_load(path, buf, len, SVC_REC_MAX, &o, e)) != 0)
		goto out;
	if ((rc = rec_field(path, o, "profile", r->profile, sizeof(r->profile),
	    e)) != 0 || (rc = rec_field(path, o, "id", r->id, sizeof(r->id),
	    e)) != 0 || (rc = rec_field(path, o, "created", r->created,
	    sizeof(r->created), e)) != 0 || (rc = rec_field(path, o,
	    "expires", r->expires, sizeof(r->expires), e)) != 0 ||
	    (rc = rec_field(path, o, "token_sha256", r->token_sha256,
	    sizeof(r->token_sha256), e)) != 0 || (rc = rec_field(path, o,
	    "spki_sha256", r->spki_sha256, sizeof(r->spki_sha256), e)) != 0 ||
	    (rc = sjson_int(path, o, "bits", 2048, 4096, &bits, e)) != 0)
		goto out;
	r->bits = (int)bits;
	if (byok_profile_find(r->profile) == NULL ||
	    svc_of(r->profile) == NULL)
		rc = kr_errf(e, KR_EDATA, "%s: unknown profile %s", path,
		    r->profile);
out:
	json_decref(o);
	free(buf);
	return rc;
}

/* "arn:aws:kms:...:key/<uuid>", the import job's name, or the mount's. */
static int
make_id(const struct svc *s, const char *name, char *out, size_t sz,
    struct kr_err *e)
{
	uint8_t u[16];
	char h[33];

	if (s->token) {
		if (RAND_bytes(u, sizeof(u)) != 1)
			return kr_errf(e, KR_ECRYPTO, "no random bytes");
		u[6] = (u[6] & 0x0f) | 0x40;
		u[8] = (u[8] & 0x3f) | 0x80;
		kr_hex_encode(u, sizeof(u), h, sizeof(h));
		snprintf(out, sz, "arn:aws:kms:us-east-1:111122223333:key/"
		    "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16,
		    h + 20);
	} else if (s->lifetime > 0)
		snprintf(out, sz, GCP_PARENT "/importJobs/%s", name);
	else
		snprintf(out, sz, "transit/wrapping_key");
	return 0;
}

/* The wrapping key: imported, or fresh of the size asked (or the
 * profile's largest). */
static int
wrapping_key(const struct byok_profile *p, const struct vault_service_opts *o,
    EVP_PKEY **out, struct kr_err *e)
{
	char list[64];
	int bits = o->bits;
	int r;

	if (o->import_path != NULL) {
		if ((r = keyio_read_private(o->import_path, out, e)) != 0)
			return r;
		bits = EVP_PKEY_get_bits(*out);
	} else if (bits == 0)
		bits = (p->kek_sizes & BYOK_KEK_4096) ? 4096 :
		    (p->kek_sizes & BYOK_KEK_3072) ? 3072 : 2048;
	if (!(byok_kek_bit(bits) & p->kek_sizes) || (*out != NULL &&
	    !EVP_PKEY_is_a(*out, "RSA"))) {
		byok_kek_list(p->kek_sizes, list, sizeof(list));
		EVP_PKEY_free(*out);
		*out = NULL;
		return kr_errf(e, KR_EUSAGE, "%s issues RSA %s wrapping keys "
		    "for %s, not %d", p->service, list, p->wire, bits);
	}
	if (*out == NULL)
		return keyio_gen_rsa(bits, out, e);
	return 0;
}

/* The import token (AWS): random bytes; the record keeps their hash. */
static int
make_token(const char *path, char hex[65], struct kr_err *e)
{
	uint8_t t[SVC_TOKEN_LEN];
	int r;

	if (RAND_bytes(t, sizeof(t)) != 1)
		return kr_errf(e, KR_ECRYPTO, "no random bytes");
	kr_sha256_hex(t, sizeof(t), hex);
	r = kr_write_atomic(path, t, sizeof(t), 0600, e);
	OPENSSL_cleanse(t, sizeof(t));
	return r;
}

static int
issue_files(const char *dir, const struct vault_service_opts *o,
    const struct svc *s, struct svc_rec *rec, EVP_PKEY *k,
    struct vault_service_info *info, struct kr_err *e)
{
	char path[PATH_MAX];
	int r;

	if (svc_path(path, sizeof(path), dir, o->name, ".key", 1) != 0 ||
	    svc_path(info->record_path, sizeof(info->record_path), dir,
	    o->name, ".json", 1) != 0 ||
	    svc_path(info->pem_path, sizeof(info->pem_path), dir, o->name,
	    ".wrapping.pem", 0) != 0 ||
	    (s->token && svc_path(info->token_path, sizeof(info->token_path),
	    dir, o->name, ".token", 0) != 0))
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	if ((r = keyio_write_private(path, k, e)) != 0 ||
	    (s->token && (r = make_token(info->token_path, rec->token_sha256,
	    e)) != 0) ||
	    (r = rec_write(info->record_path, rec, e)) != 0)
		return r;
	if (o->alt_profile != NULL) {
		snprintf(rec->profile, sizeof(rec->profile), "%s",
		    o->alt_profile);
		if (svc_path(info->alt_record_path, sizeof(info->alt_record_path),
		    dir, o->name, ".alt.json", 1) != 0)
			return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
		if ((r = rec_write(info->alt_record_path, rec, e)) != 0)
			return r;
	}
	return keyio_write_public(info->pem_path, k, 0600, e);
}

int
vault_service_issue(const char *dir, const struct vault_service_opts *o,
    struct vault_service_info *info, struct kr_err *e)
{
	const struct byok_profile *p, *alt = NULL;
	const struct svc *s;
	struct svc_rec rec;
	EVP_PKEY *k = NULL;
	char sub[PATH_MAX];
	time_t now;
	int r, lockfd = -1;

	memset(info, 0, sizeof(*info));
	memset(&rec, 0, sizeof(rec));
	if ((p = byok_profile_find(o->profile)) == NULL ||
	    (s = svc_of(o->profile)) == NULL)
		return kr_errf(e, KR_EUSAGE, "profile '%.40s': not one of AWS "
		    "KMS, Google Cloud KMS or Vault Transit",
		    o->profile != NULL ? o->profile : "");
	if (o->alt_profile != NULL && ((alt = byok_profile_find(
	    o->alt_profile)) == NULL || svc_of(o->alt_profile) != s))
		return kr_errf(e, KR_EUSAGE, "profile '%.40s' is not another "
		    "profile of %s", o->alt_profile, s->service);
	if (o->name == NULL || !vault_name_ok(o->name, 1, SVC_NAME_MAX))
		return kr_errf(e, KR_EUSAGE, "name: 1 to %d letters, digits and "
		    "dashes", SVC_NAME_MAX - 1);
	if ((r = kr_mkdir_private(dir, e)) != 0 ||
	    kr_path_join(sub, sizeof(sub), dir, "services") != 0 ||
	    (r = kr_mkdir_private(sub, e)) != 0 ||
	    (r = kr_lock_dir(dir, &lockfd, e)) != 0)
		goto out;
	if ((r = wrapping_key(p, o, &k, e)) != 0)
		goto out;
	snprintf(rec.profile, sizeof(rec.profile), "%s", p->name);
	rec.bits = EVP_PKEY_get_bits(k);
	now = kr_clock_peek();
	kr_rfc3339(now, rec.created, sizeof(rec.created));
	if (s->lifetime > 0)
		kr_rfc3339(now + (time_t)s->lifetime, rec.expires,
		    sizeof(rec.expires));
	if ((r = make_id(s, o->name, rec.id, sizeof(rec.id), e)) != 0 ||
	    (r = keyio_spki_sha256_hex(k, rec.spki_sha256, e)) != 0 ||
	    (r = issue_files(dir, o, s, &rec, k, info, e)) != 0)
		goto out;
	snprintf(info->service, sizeof(info->service), "%s", s->service);
	snprintf(info->id, sizeof(info->id), "%s", rec.id);
	snprintf(info->expires, sizeof(info->expires), "%s", rec.expires);
	info->bits = rec.bits;
	r = 0;
out:
	if (lockfd != -1)
		kr_unlock_dir(lockfd);
	EVP_PKEY_free(k);
	return r;
}

/* Expiry and token: what the service checks before it unwraps. */
static int
check_ticket(const struct svc *s, const struct svc_rec *rec,
    const struct vault_service_import_opts *o, struct kr_err *e)
{
	char *buf = NULL, hex[65], nowtxt[32];
	size_t len = 0;
	time_t exp, now = kr_clock_peek();
	int r;

	if (rec->expires[0] != '\0') {
		if (kr_rfc3339_parse(rec->expires, &exp) != 0)
			return kr_errf(e, KR_EDATA, "%s: bad expiry time",
			    o->name);
		if (now > exp) {
			kr_rfc3339(now, nowtxt, sizeof(nowtxt));
			return kr_errf(e, KR_EFAIL, "%s: %s %s expired at %s "
			    "(now %s); get a new wrapping key and wrap the key "
			    "again", s->service, s->expired, o->name,
			    rec->expires, nowtxt);
		}
	}
	if (!s->token)
		return 0;
	if (o->token == NULL)
		return kr_errf(e, KR_EFAIL, "%s: an import needs the import "
		    "token that came with the wrapping key", s->service);
	if ((r = kr_read_file_given(o->token, o->token_data, o->token_len,
	    4096, &buf, &len, e)) != 0)
		return r;
	kr_sha256_hex(buf, len, hex);
	free(buf);
	if (strcmp(hex, rec->token_sha256) != 0)
		return kr_errf(e, KR_EFAIL, "%s: the import token %s does not "
		    "belong to the wrapping key of %s", s->service, o->token,
		    rec->id);
	return 0;
}

/* What the material is: a PKCS#8 key (*pk set) or a 32-byte AES key. */
static int
classify(const char *name, const uint8_t *m, size_t len, EVP_PKEY **pk,
    unsigned *bit, struct kr_err *e)
{
	const unsigned char *q = m;
	PKCS8_PRIV_KEY_INFO *p8;
	char kty[16], curve[16];
	int bits = 0;

	*pk = NULL;
	*bit = 0;
	if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q, (long)len)) != NULL &&
	    q == m + len)
		*pk = EVP_PKCS82PKEY(p8);
	PKCS8_PRIV_KEY_INFO_free(p8);
	ERR_clear_error();
	if (*pk == NULL) {
		if (len == 32) {
			*bit = BYOK_KEY_AES_256;
			return 0;
		}
		return kr_errf(e, KR_EFAIL, "%s: the unwrapped material is "
		    "neither a PKCS#8 key nor an AES-256 key", name);
	}
	if (keyio_describe(*pk, kty, sizeof(kty), &bits, curve,
	    sizeof(curve)) == 0)
		*bit = byok_key_bit(kty, bits, curve);
	return 0;
}

static int
store(const char *dir, const struct vault_service_import_opts *o,
    EVP_PKEY *pk, const uint8_t *m, size_t len,
    struct vault_service_result *res, struct kr_err *e)
{
	char sub[PATH_MAX];

	if (kr_path_join(sub, sizeof(sub), dir, "keys") != 0 ||
	    svc_path(res->stored, sizeof(res->stored), sub, o->key_name,
	    pk != NULL ? ".pem" : ".aes", 0) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	if (kr_mkdir_private(sub, e) != 0)
		return e->code;
	if (pk != NULL)
		return keyio_write_private(res->stored, pk, e);
	return kr_write_atomic(res->stored, m, len, 0600, e);
}

/* Unwraps, checks what came out, stores it; fills res. */
static int
take(const char *dir, const char *pkg_path, const struct byok_profile *p,
    const struct svc_rec *rec, const struct vault_service_import_opts *o,
    struct vault_service_result *res, struct kr_err *e)
{
	EVP_PKEY *kek = NULL, *pk = NULL;
	uint8_t *mat = NULL;
	char kpath[PATH_MAX], *pkg = NULL, list[200];
	size_t matlen = 0, pkglen = 0;
	unsigned bit = 0;
	int r;

	if (svc_path(kpath, sizeof(kpath), dir, o->name, ".key", 1) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	if ((r = kr_read_file_given(pkg_path, o->pkg_data, o->pkg_len,
	    SVC_PKG_MAX, &pkg, &pkglen, e)) != 0 ||
	    (r = keyio_read_private(kpath, &kek, e)) != 0 ||
	    (r = byok_profile_unwrap(p, kek, pkg_path, (uint8_t *)pkg, pkglen,
	    NULL, 0, &mat, &matlen, e)) != 0 ||
	    (r = classify(pkg_path, mat, matlen, &pk, &bit, e)) != 0)
		goto out;
	if ((bit & p->keys) == 0) {
		byok_key_list(p->keys, list, sizeof(list));
		r = kr_errf(e, KR_EFAIL, "%s: %s does not take %s %s key (it "
		    "takes %s)", pkg_path, p->service, bit ? "an" : "a",
		    bit ? byok_key_name(bit) : "this type of", list);
		goto out;
	}
	snprintf(res->key_type, sizeof(res->key_type), "%s",
	    byok_key_name(bit));
	if (o->key_type != NULL && strcasecmp(o->key_type, res->key_type) != 0) {
		r = kr_errf(e, KR_EFAIL, "%s: the package holds an %s key; the "
		    "key was created as %s", pkg_path, res->key_type,
		    o->key_type);
		goto out;
	}
	if ((r = pk != NULL ? keyio_spki_sha256_hex(pk, res->spki_sha256, e) :
	    byok_aes_kcv(mat, matlen, res->kcv, e)) != 0 ||
	    (r = store(dir, o, pk, mat, matlen, res, e)) != 0)
		goto out;
	snprintf(res->profile, sizeof(res->profile), "%s", rec->profile);
	r = 0;
out:
	kr_secure_free(mat, matlen);
	EVP_PKEY_free(kek);
	EVP_PKEY_free(pk);
	free(pkg);
	return r;
}

/* The key type the import names (the key was created as it: AWS key spec,
 * Cloud KMS algorithm, Transit type) must be one the service takes under
 * this profile; refused before anything is unwrapped. */
static int
check_key_type(const struct byok_profile *p,
    const struct vault_service_import_opts *o, struct kr_err *e)
{
	char list[200];
	unsigned bit;

	if (o->key_type == NULL)
		return 0;
	byok_key_list(p->keys, list, sizeof(list));
	if ((bit = byok_key_bit_name(o->key_type)) == 0)
		return kr_errf(e, KR_EUSAGE, "key type '%.40s' is not one "
		    "keyrite knows (%s takes %s)", o->key_type, p->service, list);
	if ((bit & p->keys) == 0)
		return kr_errf(e, KR_EFAIL, "%s does not take an %s key (it "
		    "takes %s); the import is refused", p->service,
		    byok_key_name(bit), list);
	return 0;
}

int
vault_service_import(const char *dir, const char *pkg_path,
    const struct vault_service_import_opts *o,
    struct vault_service_result *res, struct kr_err *e)
{
	const struct byok_profile *p;
	const struct svc *s;
	struct svc_rec rec;
	int r, lockfd = -1;

	memset(res, 0, sizeof(*res));
	if (o->name == NULL || !vault_name_ok(o->name, 1, SVC_NAME_MAX))
		return kr_errf(e, KR_EUSAGE, "the issued name: 1 to %d letters, "
		    "digits and dashes", SVC_NAME_MAX - 1);
	if (o->key_name == NULL || !vault_name_ok(o->key_name, 1,
	    VAULT_KEK_NAME_MAX))
		return kr_errf(e, KR_EUSAGE, "key name: 1 to %d letters, digits "
		    "and dashes", VAULT_KEK_NAME_MAX - 1);
	if ((r = kr_lock_dir(dir, &lockfd, e)) != 0)
		return r;
	if ((r = rec_read(dir, o->name, &rec, e)) != 0)
		goto out;
	p = byok_profile_find(rec.profile);
	s = svc_of(rec.profile);
	if ((r = check_key_type(p, o, e)) != 0 ||
	    (r = check_ticket(s, &rec, o, e)) != 0 ||
	    (r = take(dir, pkg_path, p, &rec, o, res, e)) != 0)
		goto out;
	if (s->token)
		snprintf(res->key_id, sizeof(res->key_id), "%s", rec.id);
	else if (s->lifetime > 0)
		snprintf(res->key_id, sizeof(res->key_id), GCP_PARENT
		    "/cryptoKeys/%s/cryptoKeyVersions/1", o->key_name);
	else
		snprintf(res->key_id, sizeof(res->key_id), "transit/keys/%s",
		    o->key_name);
	r = 0;
out:
	if (lockfd != -1)
		kr_unlock_dir(lockfd);
	return r;
}
