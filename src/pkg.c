/* SPDX-License-Identifier: ISC */
/*
 * pkg.c: reading and verifying the KEK package and the Security World
 * package (format and order of checks in pkg.h).  Parsing checks every
 * member's type, size and alphabet first (KR_EDATA); only then are the
 * links of the chain checked, in order, and the first one that fails is
 * named (KR_EFAIL).  Nothing from a package is reported as trusted unless
 * the whole chain of both packages verified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "codec.h"
#include "err.h"
#include "keyio.h"
#include "pkg.h"
#include "sjson.h"
#include "vault.h"

#define PKG_FORMAT	"keyrite-byok-package"
#define PKG_TYPE_KEK	"kek"
#define PKG_TYPE_WORLD	"security-world"
#define PKG_TYPE_CERT	"module-certificate"

struct pkg_parsed {
	json_t		*doc;
	json_t		*cert;		/* signed statement */
	json_t		*pkg;		/* signed statement */
	EVP_PKEY	*root_key;
	uint8_t		*root_der;
	size_t		 root_derlen;
	EVP_PKEY	*module_key;
	const char	*cert_region;
	const char	*type;
	const char	*pkg_name;
	const char	*region;
	const char	*world_id;
	const char	*kid;		/* KEK package */
	EVP_PKEY	*kek;
	int		 exportable;
	EVP_PKEY	*world_key;	/* world package */
};

static void
parsed_free(struct pkg_parsed *p)
{
	json_decref(p->doc);
	EVP_PKEY_free(p->root_key);
	EVP_PKEY_free(p->module_key);
	EVP_PKEY_free(p->kek);
	EVP_PKEY_free(p->world_key);
	free(p->root_der);
	memset(p, 0, sizeof(*p));
}

/* A package code: 1..16 uppercase letters. */
static int
region_str(const char *name, json_t *o, const char *key, const char **out,
    struct kr_err *e)
{
	const char *s;
	size_t i;
	int r;

	if ((r = sjson_str(name, o, key, 16, 0, &s, e)) != 0)
		return r;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return kr_errf(e, KR_EDATA, "%s: '%s' is not a package "
			    "code", name, key);
	*out = s;
	return 0;
}

static int
parse_package(const char *name, const char *buf, size_t len,
    struct pkg_parsed *p, struct kr_err *e)
{
	static const char *const top[] = { "format", "version", "root_key",
	    "module_certificate", "package", NULL };
	static const char *const cert_keys[] = { "type", "region", "serial",
	    "module_key", NULL };
	static const char *const kek_keys[] = { "type", "name", "region",
	    "world_id", "kid", "kek_key", "exportable", NULL };
	static const char *const world_keys[] = { "type", "name", "region",
	    "world_id", "world_key", "cipher_suite", NULL };
	json_t *cb, *pb;
	const char *s;
	long long n;
	int r;

	memset(p, 0, sizeof(*p));
	if ((r = sjson_load(name, buf, len, PKG_MAX_FILE, &p->doc, e)) != 0)
		return r;
	if ((r = sjson_only(name, NULL, p->doc, top, e)) != 0)
		return r;
	if ((r = sjson_str(name, p->doc, "format", 64, 0, &s, e)) != 0)
		return r;
	if (strcmp(s, PKG_FORMAT) != 0)
		return kr_errf(e, KR_EDATA, "%s: not a BYOK package", name);
	if ((r = sjson_int(name, p->doc, "version", 1, 1, &n, e)) != 0)
		return r;
	if ((r = sjson_b64(name, p->doc, "root_key", KEYIO_MAX_SPKI,
	    &p->root_der, &p->root_derlen, e)) != 0)
		return r;
	if (keyio_spki_parse(p->root_der, p->root_derlen, &p->root_key) != 0)
		return kr_errf(e, KR_EDATA, "%s: 'root_key' is not a public key",
		    name);

	p->cert = json_object_get(p->doc, "module_certificate");
	if ((r = sjson_open(name, p->cert, &cb, e)) != 0)
		return kr_err_prefix(e, "module certificate");
	if ((r = sjson_only(name, "the module certificate", cb, cert_keys,
	    e)) != 0)
		return r;
	if ((r = sjson_str(name, cb, "type", 64, 0, &s, e)) != 0)
		return r;
	if (strcmp(s, PKG_TYPE_CERT) != 0)
		return kr_errf(e, KR_EDATA, "%s: the module certificate is not "
		    "a module certificate", name);
	if ((r = region_str(name, cb, "region", &p->cert_region, e)) != 0 ||
	    (r = sjson_int(name, cb, "serial", 0, 1LL << 53, &n, e)) != 0 ||
	    (r = sjson_pubkey(name, cb, "module_key", &p->module_key, e)) != 0)
		return r;

	p->pkg = json_object_get(p->doc, "package");
	if ((r = sjson_open(name, p->pkg, &pb, e)) != 0)
		return r;
	if ((r = sjson_str(name, pb, "type", 64, 0, &p->type, e)) != 0)
		return r;
	if (strcmp(p->type, PKG_TYPE_KEK) == 0) {
		if ((r = sjson_only(name, "the package", pb, kek_keys, e)) != 0 ||
		    (r = sjson_str(name, pb, "kid", 255, 0, &p->kid, e)) != 0 ||
		    (r = sjson_pubkey(name, pb, "kek_key", &p->kek, e)) != 0 ||
		    (r = sjson_bool(name, pb, "exportable", &p->exportable,
		    e)) != 0)
			return r;
		if (!EVP_PKEY_is_a(p->kek, "RSA"))
			return kr_errf(e, KR_EDATA, "%s: the KEK is not an RSA "
			    "key", name);
	} else if (strcmp(p->type, PKG_TYPE_WORLD) == 0) {
		if ((r = sjson_only(name, "the package", pb, world_keys,
		    e)) != 0 ||
		    (r = sjson_pubkey(name, pb, "world_key", &p->world_key,
		    e)) != 0 ||
		    (r = sjson_str(name, pb, "cipher_suite", 64, 0, &s, e)) != 0)
			return r;
	} else
		return kr_errf(e, KR_EDATA, "%s: unknown package type", name);
	if ((r = sjson_str(name, pb, "name", 64, 0, &p->pkg_name, e)) != 0 ||
	    (r = region_str(name, pb, "region", &p->region, e)) != 0 ||
	    (r = sjson_hex64(name, pb, "world_id", &p->world_id, e)) != 0)
		return r;
	return 0;
}

/* Normalises a pinned root hash (spaces dropped, lowercase) into out
 * (65 bytes); returns 64 or 40 (its digits) or KR_EDATA. */
static int
pin_normalise(const char *pin, char out[65])
{
	size_t i, o = 0;

	if (pin == NULL)
		return KR_EDATA;
	for (i = 0; pin[i] != '\0'; i++) {
		char c = pin[i];
		if (c == ' ' || c == '\t')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) ||
		    o >= 64)
			return KR_EDATA;
		out[o++] = c;
	}
	out[o] = '\0';
	if (o != 64 && o != 40)
		return KR_EDATA;
	return (int)o;
}

/* The root hash of p in the length of the pin (SHA-256 or SHA-1). */
static int
root_matches(const struct pkg_parsed *p, const char *pin, size_t pinlen)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int mdlen = 0;

	if (EVP_Digest(p->root_der, p->root_derlen, md, &mdlen,
	    pinlen == 40 ? EVP_sha1() : EVP_sha256(), NULL) != 1)
		return 0;
	kr_hex_encode(md, mdlen, hex, sizeof(hex));
	return strlen(hex) == pinlen && CRYPTO_memcmp(hex, pin, pinlen) == 0;
}

/* Links 2 to 8 for one package. */
static int
check_chain(const char *name, const struct pkg_parsed *p, const char *pin,
    size_t pinlen, const char *want_type, const char *kind,
    const char *region, struct kr_err *e)
{
	char want_name[64];

	if (!root_matches(p, pin, pinlen))
		return kr_errf(e, KR_EFAIL, "%s: root key hash does not match "
		    "the pinned hash", name);
	if (sjson_verify(p->cert, p->root_key) != 0)
		return kr_errf(e, KR_EFAIL, "%s: module certificate signature "
		    "does not verify under the root key", name);
	if (strcmp(p->cert_region, p->region) != 0)
		return kr_errf(e, KR_EFAIL, "%s: module certificate is for "
		    "region %s, package is for %s", name, p->cert_region,
		    p->region);
	if (sjson_verify(p->pkg, p->module_key) != 0)
		return kr_errf(e, KR_EFAIL, "%s: package signature does not "
		    "verify", name);
	if (strcmp(p->type, want_type) != 0)
		return kr_errf(e, KR_EFAIL, "%s: is a %s package, not a %s "
		    "package", name, p->type, want_type);
	if (vault_pkg_name(want_name, sizeof(want_name), kind, p->region) != 0 ||
	    strcmp(want_name, p->pkg_name) != 0)
		return kr_errf(e, KR_EFAIL, "%s: package name does not match "
		    "its region %s", name, p->region);
	if (p->exportable)
		return kr_errf(e, KR_EFAIL, "%s: KEK is exportable", name);
	if (strcmp(p->region, region) != 0)
		return kr_errf(e, KR_EFAIL, "%s: region is %s, expected %s", name,
		    p->region, region);
	return 0;
}

int
pkg_verify(const char *kek_name, const char *kek_buf, size_t kek_len,
    const char *world_name, const char *world_buf, size_t world_len,
    const char *pinned_root_hash, const char *region, struct pkg_info *info,
    struct kr_err *e)
{
	struct pkg_parsed kp, wp;
	const struct vault_region *vr;
	char pin[65], wid[65];
	int r, pinlen;

	memset(&kp, 0, sizeof(kp));
	memset(&wp, 0, sizeof(wp));
	memset(info, 0, sizeof(*info));
	if ((pinlen = pin_normalise(pinned_root_hash, pin)) < 0)
		return kr_errf(e, KR_EDATA, "pinned root hash: not 64 (SHA-256) "
		    "or 40 (SHA-1) hex digits");
	if ((vr = vault_region_find(region)) == NULL)
		return kr_errf(e, KR_EDATA, "unknown region '%s'",
		    region != NULL ? region : "");
	if ((r = parse_package(kek_name, kek_buf, kek_len, &kp, e)) != 0 ||
	    (r = parse_package(world_name, world_buf, world_len, &wp, e)) != 0)
		goto out;
	if ((r = check_chain(kek_name, &kp, pin, (size_t)pinlen, PKG_TYPE_KEK,
	    "KEK", vr->code, e)) != 0)
		goto out;
	if ((r = check_chain(world_name, &wp, pin, (size_t)pinlen,
	    PKG_TYPE_WORLD, "SecurityWorld", vr->code, e)) != 0)
		goto out;
	if ((r = keyio_spki_sha256_hex(wp.world_key, wid, e)) != 0)
		goto out;
	if (strcmp(wid, wp.world_id) != 0) {
		r = kr_errf(e, KR_EFAIL, "%s: world id does not match the world "
		    "key", world_name);
		goto out;
	}
	if (strcmp(kp.world_id, wp.world_id) != 0) {
		r = kr_errf(e, KR_EFAIL, "%s: KEK package is for world %s, "
		    "Security World package is world %s", kek_name,
		    kp.world_id, wp.world_id);
		goto out;
	}
	snprintf(info->region, sizeof(info->region), "%s", vr->code);
	snprintf(info->world_id, sizeof(info->world_id), "%s", wp.world_id);
	snprintf(info->kid, sizeof(info->kid), "%s", kp.kid);
	if ((r = kr_sha256_hex(kek_buf, kek_len, info->kek_sha256)) != 0 ||
	    (r = kr_sha256_hex(world_buf, world_len, info->world_sha256)) != 0 ||
	    (r = kr_sha256_hex(kp.root_der, kp.root_derlen,
	    info->root_sha256)) != 0) {
		kr_errf(e, r, "cannot hash the packages");
		goto out;
	}
	info->kek = kp.kek;
	info->kek_bits = EVP_PKEY_get_bits(kp.kek);
	kp.kek = NULL;
	r = 0;
out:
	if (r != 0)
		memset(info, 0, sizeof(*info));
	parsed_free(&kp);
	parsed_free(&wp);
	return r;
}

void
pkg_info_free(struct pkg_info *info)
{
	if (info == NULL)
		return;
	EVP_PKEY_free(info->kek);
	memset(info, 0, sizeof(*info));
}
