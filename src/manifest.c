/* SPDX-License-Identifier: ISC */
/*
 * manifest.c: the signed manifest beside a legacy-flow .byok (format in
 * manifest.h).  The same field rules apply when signing and when parsing,
 * so keyrite never signs a manifest it would refuse to read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "clock.h"
#include "err.h"
#include "keyio.h"
#include "manifest.h"
#include "sjson.h"

#define MANIFEST_FORMAT "keyrite-byok-manifest"

static const char *const body_keys[] = { "format", "version",
    "subscription_id", "friendly_name", "ident", "world_id",
    "kek_pkg_sha256", "world_pkg_sha256", "byok_sha256", "acl", "kty",
    "created", "signer_key", NULL };

int
manifest_acl_format(char *out, size_t outsz, const char *kek_pkg_sha256,
    const char *world_pkg_sha256)
{
	int n;

	n = snprintf(out, outsz, "export-wrapped kek=%s world=%s",
	    kek_pkg_sha256, world_pkg_sha256);
	if (n < 0 || (size_t)n >= outsz)
		return KR_EUSAGE;
	return 0;
}

static int
copy(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstsz)
		return KR_EDATA;
	memcpy(dst, src, n + 1);
	return 0;
}

/* Checks body's members and copies them into *m. */
static int
read_body(const char *name, json_t *b, struct manifest *m, struct kr_err *e)
{
	const char *s;
	long long n;
	time_t t;
	size_t i, len;
	int r;

	memset(m, 0, sizeof(*m));
	if ((r = sjson_only(name, NULL, b, body_keys, e)) != 0)
		return r;
	if ((r = sjson_str(name, b, "format", 64, 0, &s, e)) != 0)
		return r;
	if (strcmp(s, MANIFEST_FORMAT) != 0)
		return kr_errf(e, KR_EDATA, "%s: not a BYOK manifest", name);
	if ((r = sjson_int(name, b, "version", 1, 1, &n, e)) != 0)
		return r;
	if ((r = sjson_str(name, b, "subscription_id",
	    sizeof(m->subscription_id) - 1, 0, &s, e)) != 0)
		return r;
	copy(m->subscription_id, sizeof(m->subscription_id), s);
	if ((r = sjson_str(name, b, "friendly_name",
	    sizeof(m->friendly_name) - 1, 1, &s, e)) != 0)
		return r;
	copy(m->friendly_name, sizeof(m->friendly_name), s);
	if ((r = sjson_str(name, b, "ident", sizeof(m->ident) - 1, 0, &s,
	    e)) != 0)
		return r;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return kr_errf(e, KR_EDATA, "%s: 'ident' holds a "
			    "character other than a-z, 0-9 and '-'", name);
	copy(m->ident, sizeof(m->ident), s);
	if ((r = sjson_str(name, b, "world_id", 64, 0, &s, e)) != 0)
		return r;
	len = strlen(s);
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			break;
	if (i != len || len < 2 || len % 2 != 0)
		return kr_errf(e, KR_EDATA, "%s: 'world_id' is not lowercase "
		    "hex", name);
	copy(m->world_id, sizeof(m->world_id), s);
	if ((r = sjson_hex64(name, b, "kek_pkg_sha256", &s, e)) != 0)
		return r;
	copy(m->kek_pkg_sha256, sizeof(m->kek_pkg_sha256), s);
	if ((r = sjson_hex64(name, b, "world_pkg_sha256", &s, e)) != 0)
		return r;
	copy(m->world_pkg_sha256, sizeof(m->world_pkg_sha256), s);
	if ((r = sjson_hex64(name, b, "byok_sha256", &s, e)) != 0)
		return r;
	copy(m->byok_sha256, sizeof(m->byok_sha256), s);
	if ((r = sjson_str(name, b, "acl", sizeof(m->acl) - 1, 0, &s, e)) != 0)
		return r;
	copy(m->acl, sizeof(m->acl), s);
	if ((r = sjson_str(name, b, "kty", sizeof(m->kty) - 1, 0, &s, e)) != 0)
		return r;
	if (strcmp(s, "RSA") != 0 && strcmp(s, "EC") != 0)
		return kr_errf(e, KR_EDATA, "%s: 'kty' is not RSA or EC", name);
	copy(m->kty, sizeof(m->kty), s);
	if ((r = sjson_str(name, b, "created", sizeof(m->created) - 1, 0, &s,
	    e)) != 0)
		return r;
	if (kr_rfc3339_parse(s, &t) != 0)
		return kr_errf(e, KR_EDATA, "%s: 'created' is not an RFC 3339 "
		    "UTC time", name);
	copy(m->created, sizeof(m->created), s);
	return 0;
}

int
manifest_sign(const struct manifest *m, EVP_PKEY *signer, char **json,
    size_t *len, struct kr_err *e)
{
	struct manifest check;
	json_t *b = NULL, *sk = NULL, *signed_obj = NULL;
	int r = KR_ENOMEM;

	*json = NULL;
	if ((sk = sjson_pubkey_value(signer)) == NULL)
		return kr_errf(e, KR_ECRYPTO, "manifest: cannot encode the "
		    "signer's key");
	if ((b = json_object()) == NULL ||
	    json_object_set_new(b, "format", json_string(MANIFEST_FORMAT)) ||
	    json_object_set_new(b, "version", json_integer(1)) ||
	    json_object_set_new(b, "subscription_id",
	    json_string(m->subscription_id)) ||
	    json_object_set_new(b, "friendly_name",
	    json_string(m->friendly_name)) ||
	    json_object_set_new(b, "ident", json_string(m->ident)) ||
	    json_object_set_new(b, "world_id", json_string(m->world_id)) ||
	    json_object_set_new(b, "kek_pkg_sha256",
	    json_string(m->kek_pkg_sha256)) ||
	    json_object_set_new(b, "world_pkg_sha256",
	    json_string(m->world_pkg_sha256)) ||
	    json_object_set_new(b, "byok_sha256", json_string(m->byok_sha256)) ||
	    json_object_set_new(b, "acl", json_string(m->acl)) ||
	    json_object_set_new(b, "kty", json_string(m->kty)) ||
	    json_object_set_new(b, "created", json_string(m->created)) ||
	    json_object_set(b, "signer_key", sk)) {
		/* json_string() of invalid UTF-8 is NULL: a bad field. */
		r = kr_errf(e, KR_EUSAGE, "manifest: a field is not valid text");
		goto out;
	}
	if ((r = read_body("manifest", b, &check, e)) != 0) {
		if (e != NULL)
			e->code = KR_EUSAGE;
		r = KR_EUSAGE;
		goto out;
	}
	if ((r = sjson_sign(b, signer, &signed_obj, e)) != 0)
		goto out;
	if (sjson_text(signed_obj, JSON_INDENT(2) | JSON_ENSURE_ASCII, 1,
	    json, len) != 0) {
		r = kr_errf(e, KR_ENOMEM, "manifest: out of memory");
		goto out;
	}
	r = 0;
out:
	json_decref(signed_obj);
	json_decref(b);
	json_decref(sk);
	return r;
}

int
manifest_parse_verify(const char *name, const char *buf, size_t len,
    struct manifest *m, EVP_PKEY **signer_out, struct kr_err *e)
{
	struct manifest tmp;
	json_t *doc = NULL, *b;
	EVP_PKEY *signer = NULL;
	int r;

	if (signer_out != NULL)
		*signer_out = NULL;
	memset(m, 0, sizeof(*m));
	if ((r = sjson_load(name, buf, len, MANIFEST_MAX_FILE, &doc, e)) != 0)
		return r;
	if ((r = sjson_open(name, doc, &b, e)) != 0)
		goto out;
	if ((r = read_body(name, b, &tmp, e)) != 0)
		goto out;
	if ((r = sjson_pubkey(name, b, "signer_key", &signer, e)) != 0)
		goto out;
	if (sjson_verify(doc, signer) != 0) {
		r = kr_errf(e, KR_EFAIL, "%s: signature does not verify", name);
		goto out;
	}
	*m = tmp;
	if (signer_out != NULL) {
		*signer_out = signer;
		signer = NULL;
	}
	r = 0;
out:
	EVP_PKEY_free(signer);
	json_decref(doc);
	return r;
}
