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

static int
set_str(json_t *o, const char *k, const char *v)
{
	return json_object_set_new(o, k, json_string(v));
}

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
	if ((*out = json_object()) == NULL ||
	    set_str(*out, "type", type) != 0 ||
	    set_str(*out, "name", name) != 0 ||
	    set_str(*out, "region", region) != 0) {
		json_decref(*out);
		*out = NULL;
		return kr_errf(e, KR_ENOMEM, "package: out of memory");
	}
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

int
pkg_build_kek(const struct pkg_chain *c, const struct pkg_kek_spec *s,
    char **buf, size_t *len, struct kr_err *e)
{
	json_t *body = NULL, *kv = NULL;
	int r;

	if ((r = body_new("kek", "KEK", s->region, &body, e)) != 0)
		return r;
	if ((kv = sjson_pubkey_value(s->kek)) == NULL) {
		r = kr_errf(e, KR_ECRYPTO, "package: cannot encode the KEK");
		goto out;
	}
	if (set_str(body, "world_id", s->world_id) != 0 ||
	    set_str(body, "kid", s->kid) != 0 ||
	    json_object_set(body, "kek_key", kv) != 0 ||
	    json_object_set_new(body, "exportable",
	    json_boolean(s->exportable)) != 0) {
		r = kr_errf(e, KR_ENOMEM, "package: out of memory");
		goto out;
	}
	r = finish(c, s->region, body, buf, len, e);
out:
	json_decref(body);
	json_decref(kv);
	return r;
}

int
pkg_build_world(const struct pkg_chain *c, const struct pkg_world_spec *s,
    char **buf, size_t *len, struct kr_err *e)
{
	json_t *body = NULL, *wv = NULL;
	char wid[65];
	int r;

	if ((r = body_new("security-world", "SecurityWorld", s->region, &body,
	    e)) != 0)
		return r;
	if ((r = keyio_spki_sha256_hex(s->world_key, wid, e)) != 0)
		goto out;
	if ((wv = sjson_pubkey_value(s->world_key)) == NULL) {
		r = kr_errf(e, KR_ECRYPTO, "package: cannot encode the world "
		    "key");
		goto out;
	}
	if (set_str(body, "world_id", s->world_id != NULL ? s->world_id :
	    wid) != 0 ||
	    json_object_set(body, "world_key", wv) != 0 ||
	    set_str(body, "cipher_suite", s->cipher_suite != NULL ?
	    s->cipher_suite : PKG_DEFAULT_SUITE) != 0) {
		r = kr_errf(e, KR_ENOMEM, "package: out of memory");
		goto out;
	}
	r = finish(c, s->region, body, buf, len, e);
out:
	json_decref(body);
	json_decref(wv);
	return r;
}
