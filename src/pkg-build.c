/* SPDX-License-Identifier: ISC */
/*
 * pkg-build.c: writing the KEK package and the Security World package
 * (format in pkg.h).  The vault uses it to make its packages; tests use it
 * to make packages signed by a real chain with one field wrong.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "keyio.h"
#include "pkg.h"
#include "sjson.h"
#include "vault.h"

#define PKG_DEFAULT_SUITE "DLf3072s256mRijndael"

/* A package body with the fields both kinds start with: its type, its name
 * (kind "KEK" or "SecurityWorld" and the region's code, vault_pkg_name())
 * and the region. */
static int
body_new(const char *type, const char *kind, const char *region,
    json_t **out, struct kr_err *e)
{
	char name[64];

	*out = NULL;
	if (vault_pkg_name(name, sizeof(name), kind, region) != 0)
		return kr_errf(e, KR_EUSAGE, "package: bad region");
	if ((*out = json_pack("{s:s, s:s, s:s}", "type", type, "name", name,
	    "region", region)) == NULL)
		return kr_errf(e, KR_ENOMEM, "package: out of memory");
	return 0;
}

/* Wraps body into a complete package document and serialises it. */
static int
finish(const struct pkg_chain *c, const char *region, json_t *body,
    char **buf, size_t *len, struct kr_err *e)
{
	json_t *doc = NULL, *cert = NULL, *certbody = NULL, *spkg = NULL;
	json_t *rootv, *modv;
	int r;

	*buf = NULL;
	rootv = sjson_pubkey_value(c->root);
	modv = sjson_pubkey_value(c->module);
	if (rootv == NULL || modv == NULL) {
		r = kr_errf(e, KR_ECRYPTO, "package: cannot encode a key");
		goto out;
	}
	if ((certbody = json_pack("{s:s, s:s, s:I, s:O}",
	    "type", "module-certificate",
	    "region", c->cert_region != NULL ? c->cert_region : region,
	    "serial", (json_int_t)c->serial, "module_key", modv)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "package: out of memory");
		goto out;
	}
	if ((r = sjson_sign(certbody, c->root, &cert, e)) != 0 ||
	    (r = sjson_sign(body, c->module, &spkg, e)) != 0)
		goto out;
	if ((doc = json_pack("{s:s, s:i, s:O, s:O, s:O}",
	    "format", "keyrite-byok-package", "version", 1, "root_key", rootv,
	    "module_certificate", cert, "package", spkg)) == NULL ||
	    sjson_text(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII, 1, buf,
	    len) != 0)
		r = kr_errf(e, KR_ENOMEM, "package: out of memory");
out:
	json_decref(doc);
	json_decref(cert);
	json_decref(certbody);
	json_decref(spkg);
	json_decref(rootv);
	json_decref(modv);
	return r;
}

/* A package: body_new()'s members, then those of its kind (members, NULL
 * when they could not be made), signed by the chain and serialised. */
static int
build(const struct pkg_chain *c, const char *type, const char *kind,
    const char *region, json_t *members, char **buf, size_t *len,
    struct kr_err *e)
{
	json_t *body;
	int r;

	if ((r = body_new(type, kind, region, &body, e)) != 0)
		return r;
	if (members == NULL || json_object_update(body, members) != 0)
		r = kr_errf(e, KR_ENOMEM, "package: out of memory");
	else
		r = finish(c, region, body, buf, len, e);
	json_decref(body);
	return r;
}

int
pkg_build_kek(const struct pkg_chain *c, const struct pkg_kek_spec *s,
    char **buf, size_t *len, struct kr_err *e)
{
	json_t *kv, *m;
	int r;

	if ((kv = sjson_pubkey_value(s->kek)) == NULL)
		return kr_errf(e, KR_ECRYPTO, "package: cannot encode the KEK");
	m = json_pack("{s:s, s:s, s:O, s:b}", "world_id", s->world_id,
	    "kid", s->kid, "kek_key", kv, "exportable", s->exportable != 0);
	r = build(c, "kek", "KEK", s->region, m, buf, len, e);
	json_decref(m);
	json_decref(kv);
	return r;
}

int
pkg_build_world(const struct pkg_chain *c, const struct pkg_world_spec *s,
    char **buf, size_t *len, struct kr_err *e)
{
	json_t *wv, *m;
	char wid[65];
	int r;

	if ((r = keyio_spki_sha256_hex(s->world_key, wid, e)) != 0)
		return r;
	if ((wv = sjson_pubkey_value(s->world_key)) == NULL)
		return kr_errf(e, KR_ECRYPTO, "package: cannot encode the world "
		    "key");
	m = json_pack("{s:s, s:O, s:s}",
	    "world_id", s->world_id != NULL ? s->world_id : wid,
	    "world_key", wv, "cipher_suite", s->cipher_suite != NULL ?
	    s->cipher_suite : PKG_DEFAULT_SUITE);
	r = build(c, "security-world", "SecurityWorld", s->region, m, buf,
	    len, e);
	json_decref(m);
	json_decref(wv);
	return r;
}
