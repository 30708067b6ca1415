/* SPDX-License-Identifier: ISC */
/*
 * test-pkg.c: the KEK and Security World packages and the manifest.
 *
 * A valid pair verifies (SHA-256 and SHA-1 pins); tampering with each field
 * of each package without re-signing makes pkg_verify name the first
 * failing link; packages signed by a real chain with one field wrong
 * (exportable KEK, other region, other world, certificate for another
 * region, uncertified module key, unpinned root) name the right link.
 * Manifests: sign and verify with several key types, tampering with any
 * field breaks the signature, bad fields are refused at signing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "codec.h"
#include "err.h"
#include "keyio.h"
#include "manifest.h"
#include "pkg.h"
#include "secmem.h"
#include "lib/vt-util.h"

#define KID "https://v.vault.azure.net/keys/BYOK-KEK-NA/0123456789abcdef0123456789abcdef"

static EVP_PKEY *root, *module, *world, *kek;
static EVP_PKEY *root2, *module2, *world2, *kek2;
static char pin[65], wid[65], wid2[65];
static char *kbuf, *wbuf;	/* the valid NA pair */
static size_t klen, wlen;

static void
chain(struct pkg_chain *c, EVP_PKEY *r, EVP_PKEY *m, const char *cert_region)
{
	c->root = r;
	c->module = m;
	c->cert_region = cert_region;
	c->serial = 1;
}

static void
build_kek(const struct pkg_chain *c, const char *region, const char *world_id,
    EVP_PKEY *k, int exportable, char **buf, size_t *len)
{
	struct pkg_kek_spec s = { region, world_id, KID, k, exportable };
	struct kr_err e;

	kr_err_clear(&e);
	if (pkg_build_kek(c, &s, buf, len, &e) != 0)
		fail_msg("%s", e.msg);
}

static void
build_world(const struct pkg_chain *c, const char *region, EVP_PKEY *w,
    const char *world_id, char **buf, size_t *len)
{
	struct pkg_world_spec s = { region, w, world_id, NULL };
	struct kr_err e;

	kr_err_clear(&e);
	if (pkg_build_world(c, &s, buf, len, &e) != 0)
		fail_msg("%s", e.msg);
}

static int
setup(void **state)
{
	struct pkg_chain c;
	struct kr_err e;

	if (kr_secmem_init(&e) != 0)
		return -1;
	if (keyio_gen_ed25519(&root, &e) || keyio_gen_ed25519(&module, &e) ||
	    keyio_gen_ed25519(&world, &e) || keyio_gen_rsa(2048, &kek, &e) ||
	    keyio_gen_ed25519(&root2, &e) || keyio_gen_ed25519(&module2, &e) ||
	    keyio_gen_ed25519(&world2, &e) || keyio_gen_rsa(2048, &kek2, &e))
		return -1;
	if (keyio_spki_sha256_hex(root, pin, &e) ||
	    keyio_spki_sha256_hex(world, wid, &e) ||
	    keyio_spki_sha256_hex(world2, wid2, &e))
		return -1;
	chain(&c, root, module, NULL);
	build_kek(&c, "NA", wid, kek, 0, &kbuf, &klen);
	build_world(&c, "NA", world, NULL, &wbuf, &wlen);
	return 0;
}

static int
teardown(void **state)
{
	EVP_PKEY_free(root);
	EVP_PKEY_free(module);
	EVP_PKEY_free(world);
	EVP_PKEY_free(kek);
	EVP_PKEY_free(root2);
	EVP_PKEY_free(module2);
	EVP_PKEY_free(world2);
	EVP_PKEY_free(kek2);
	free(kbuf);
	free(wbuf);
	return 0;
}

static int
verify(const char *k, size_t kl, const char *w, size_t wl, const char *p,
    const char *region, struct kr_err *e)
{
	struct pkg_info info;
	int r;

	kr_err_clear(e);
	r = pkg_verify("BYOK-KEK-pkg-NA-1", k, kl,
	    "BYOK-SecurityWorld-pkg-NA-1", w, wl, p, region, &info, e);
	pkg_info_free(&info);
	return r;
}

static void
expect(int got, int want, const struct kr_err *e, const char *msg)
{
	if (got != want)
		fail_msg("got %d (%s), wanted %d (%s)", got, e->msg, want, msg);
	assert_true(vt_has(e->msg, msg));
}

static void
test_valid(void **state)
{
	struct pkg_info info;
	struct kr_err e;
	char sha1pin[80], h[65];
	uint8_t *der, md[20];
	size_t derlen, i, o = 0;

	kr_err_clear(&e);
	if (pkg_verify("k", kbuf, klen, "w", wbuf, wlen, pin, "NA", &info,
	    &e) != 0)
		fail_msg("%s", e.msg);
	assert_string_equal(info.region, "NA");
	assert_string_equal(info.world_id, wid);
	assert_string_equal(info.root_sha256, pin);
	assert_string_equal(info.kid, KID);
	assert_int_equal(info.kek_bits, 2048);
	kr_sha256_hex(kbuf, klen, h);
	assert_string_equal(info.kek_sha256, h);
	kr_sha256_hex(wbuf, wlen, h);
	assert_string_equal(info.world_sha256, h);
	assert_non_null(info.kek);
	assert_int_equal(EVP_PKEY_eq(info.kek, kek), 1);
	pkg_info_free(&info);
	assert_null(info.kek);

	/* The region id works as well as the code. */
	assert_int_equal(verify(kbuf, klen, wbuf, wlen, pin, "unitedstates",
	    &e), 0);
	/* A SHA-1 pin, uppercase, in groups with spaces. */
	assert_int_equal(keyio_spki_der(root, &der, &derlen, &e), 0);
	EVP_Digest(der, derlen, md, NULL, EVP_sha1(), NULL);
	free(der);
	for (i = 0; i < 20; i++) {
		snprintf(sha1pin + o, sizeof(sha1pin) - o, "%02X%s", md[i],
		    i % 4 == 3 ? " " : "");
		o = strlen(sha1pin);
	}
	assert_int_equal(verify(kbuf, klen, wbuf, wlen, sha1pin, "NA", &e), 0);
	/* Pins that are not a hash; an unknown region. */
	expect(verify(kbuf, klen, wbuf, wlen, "abcd", "NA", &e), KR_EDATA, &e,
	    "pinned root hash");
	expect(verify(kbuf, klen, wbuf, wlen, "", "NA", &e), KR_EDATA, &e,
	    "pinned root hash");
	expect(verify(kbuf, klen, wbuf, wlen, pin, "XX", &e), KR_EDATA, &e,
	    "unknown region");
	/* Not packages at all. */
	expect(verify("{}", 2, wbuf, wlen, pin, "NA", &e), KR_EDATA, &e,
	    "BYOK-KEK-pkg-NA-1: ");
	expect(verify(kbuf, klen, "nope", 4, pin, "NA", &e), KR_EDATA, &e,
	    "BYOK-SecurityWorld-pkg-NA-1: ");
}

static void
test_wrong_pin(void **state)
{
	struct kr_err e;
	char other[65];

	assert_int_equal(keyio_spki_sha256_hex(root2, other, &e), 0);
	expect(verify(kbuf, klen, wbuf, wlen, other, "NA", &e), KR_EFAIL, &e,
	    "BYOK-KEK-pkg-NA-1: root key hash does not match the pinned hash");
}

/* Sets the member at path (NULL-terminated keys) of a package to v. */
static char *
tamper(const char *buf, size_t len, const char *const *path, json_t *v,
    size_t *outlen)
{
	json_error_t jerr;
	json_t *doc, *o;
	char *s;
	size_t i;

	assert_non_null(doc = json_loadb(buf, len, 0, &jerr));
	o = doc;
	for (i = 0; path[i + 1] != NULL; i++)
		assert_non_null(o = json_object_get(o, path[i]));
	assert_non_null(json_object_get(o, path[i]));
	assert_int_equal(json_object_set_new(o, path[i], v), 0);
	assert_non_null(s = json_dumps(doc, JSON_INDENT(2)));
	json_decref(doc);
	*outlen = strlen(s);
	return s;
}

/* A signature with one byte flipped, as base64. */
static json_t *
flipped_sig(const char *buf, size_t len, const char *stmt)
{
	json_error_t jerr;
	json_t *doc, *v;
	uint8_t sig[1024];
	char b64[2048];
	size_t n = 0;
	const char *s;

	assert_non_null(doc = json_loadb(buf, len, 0, &jerr));
	s = json_string_value(json_object_get(json_object_get(doc, stmt),
	    "signature"));
	assert_non_null(s);
	assert_int_equal(kr_b64_decode(s, strlen(s), sig, sizeof(sig), &n), 0);
	sig[n / 2] ^= 0x01;
	kr_b64_encode(sig, n, b64, sizeof(b64));
	v = json_string(b64);
	json_decref(doc);
	return v;
}

static json_t *
spki(EVP_PKEY *k)
{
	uint8_t *der;
	size_t len;
	char b64[4096];

	assert_int_equal(keyio_spki_der(k, &der, &len, NULL), 0);
	kr_b64_encode(der, len, b64, sizeof(b64));
	free(der);
	return json_string(b64);
}

/* Each field of each package, changed without re-signing. */
static void
test_tamper_fields(void **state)
{
	static const char *const p_root[] = { "root_key", NULL };
	static const char *const p_csig[] = { "module_certificate", "signature", NULL };
	static const char *const p_ctype[] = { "module_certificate", "body", "type", NULL };
	static const char *const p_cregion[] = { "module_certificate", "body", "region", NULL };
	static const char *const p_cserial[] = { "module_certificate", "body", "serial", NULL };
	static const char *const p_cmodule[] = { "module_certificate", "body", "module_key", NULL };
	static const char *const p_psig[] = { "package", "signature", NULL };
	static const char *const p_type[] = { "package", "body", "type", NULL };
	static const char *const p_name[] = { "package", "body", "name", NULL };
	static const char *const p_region[] = { "package", "body", "region", NULL };
	static const char *const p_wid[] = { "package", "body", "world_id", NULL };
	static const char *const p_kid[] = { "package", "body", "kid", NULL };
	static const char *const p_kek[] = { "package", "body", "kek_key", NULL };
	static const char *const p_exp[] = { "package", "body", "exportable", NULL };
	static const char *const p_wkey[] = { "package", "body", "world_key", NULL };
	static const char *const p_suite[] = { "package", "body", "cipher_suite", NULL };
	static const char *const p_format[] = { "format", NULL };
	static const char *const p_version[] = { "version", NULL };
	const char *cert_bad = "module certificate signature does not verify "
	    "under the root key";
	const char *pkg_bad = "package signature does not verify";
	struct {
		int		 world;		/* tamper the world package */
		const char *const *path;
		json_t		*v;
		int		 code;
		const char	*msg;
	} t[] = {
		{ 0, p_root, spki(root2), KR_EFAIL, "root key hash does not match" },
		{ 0, p_csig, flipped_sig(kbuf, klen, "module_certificate"),
		  KR_EFAIL, cert_bad },
		{ 0, p_ctype, json_string("root-certificate"), KR_EDATA,
		  "not a module certificate" },
		{ 0, p_cregion, json_string("EU"), KR_EFAIL, cert_bad },
		{ 0, p_cserial, json_integer(2), KR_EFAIL, cert_bad },
		{ 0, p_cmodule, spki(module2), KR_EFAIL, cert_bad },
		{ 0, p_psig, flipped_sig(kbuf, klen, "package"), KR_EFAIL, pkg_bad },
		{ 0, p_type, json_string("security-world"), KR_EDATA,
		  "unknown member" },
		{ 0, p_name, json_string("BYOK-KEK-pkg-EU-1"), KR_EFAIL, pkg_bad },
		{ 0, p_region, json_string("EU"), KR_EFAIL,
		  "module certificate is for region NA, package is for EU" },
		{ 0, p_wid, json_string(wid2), KR_EFAIL, pkg_bad },
		{ 0, p_kid, json_string("https://x.vault.azure.net/keys/a/b"),
		  KR_EFAIL, pkg_bad },
		{ 0, p_kek, spki(kek2), KR_EFAIL, pkg_bad },
		{ 0, p_exp, json_true(), KR_EFAIL, pkg_bad },
		{ 0, p_format, json_string("other"), KR_EDATA, "not a BYOK package" },
		{ 0, p_version, json_integer(2), KR_EDATA, "out of range" },
		{ 1, p_root, spki(root2), KR_EFAIL, "root key hash does not match" },
		{ 1, p_csig, flipped_sig(wbuf, wlen, "module_certificate"),
		  KR_EFAIL, cert_bad },
		{ 1, p_cregion, json_string("EU"), KR_EFAIL, cert_bad },
		{ 1, p_cserial, json_integer(7), KR_EFAIL, cert_bad },
		{ 1, p_cmodule, spki(module2), KR_EFAIL, cert_bad },
		{ 1, p_psig, flipped_sig(wbuf, wlen, "package"), KR_EFAIL, pkg_bad },
		{ 1, p_name, json_string("BYOK-SecurityWorld-pkg-EU-1"), KR_EFAIL,
		  pkg_bad },
		{ 1, p_region, json_string("EU"), KR_EFAIL,
		  "module certificate is for region NA" },
		{ 1, p_wid, json_string(wid2), KR_EFAIL, pkg_bad },
		{ 1, p_wkey, spki(world2), KR_EFAIL, pkg_bad },
		{ 1, p_suite, json_string("DLf1024s160mRijndael"), KR_EFAIL,
		  pkg_bad },
	};
	struct kr_err e;
	char *s;
	size_t i, n;
	int r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].world) {
			s = tamper(wbuf, wlen, t[i].path, t[i].v, &n);
			r = verify(kbuf, klen, s, n, pin, "NA", &e);
			print_message("# world %s: %s\n", t[i].path[0], e.msg);
			expect(r, t[i].code, &e, "BYOK-SecurityWorld-pkg-NA-1: ");
		} else {
			s = tamper(kbuf, klen, t[i].path, t[i].v, &n);
			r = verify(s, n, wbuf, wlen, pin, "NA", &e);
			print_message("# kek %s: %s\n", t[i].path[0], e.msg);
			expect(r, t[i].code, &e, "BYOK-KEK-pkg-NA-1: ");
		}
		expect(r, t[i].code, &e, t[i].msg);
		free(s);
	}
}

/* Packages signed by a real chain, with one thing wrong. */
static void
test_signed_but_wrong(void **state)
{
	struct pkg_chain c;
	struct kr_err e;
	char *k, *w, *s;
	size_t kl, wl, n;
	static const char *const p_root[] = { "root_key", NULL };

	/* An exportable KEK. */
	chain(&c, root, module, NULL);
	build_kek(&c, "NA", wid, kek, 1, &k, &kl);
	expect(verify(k, kl, wbuf, wlen, pin, "NA", &e), KR_EFAIL, &e,
	    "BYOK-KEK-pkg-NA-1: KEK is exportable");
	free(k);

	/* Another region's packages. */
	build_kek(&c, "EU", wid, kek, 0, &k, &kl);
	build_world(&c, "EU", world, NULL, &w, &wl);
	expect(verify(k, kl, w, wl, pin, "NA", &e), KR_EFAIL, &e,
	    "BYOK-KEK-pkg-NA-1: region is EU, expected NA");
	assert_int_equal(verify(k, kl, w, wl, pin, "EU", &e), 0);
	/* ... the KEK package right, the world package of EU. */
	expect(verify(kbuf, klen, w, wl, pin, "NA", &e), KR_EFAIL, &e,
	    "BYOK-SecurityWorld-pkg-NA-1: region is EU, expected NA");
	free(k);
	free(w);

	/* A module certified for another region. */
	chain(&c, root, module, "EU");
	build_kek(&c, "NA", wid, kek, 0, &k, &kl);
	expect(verify(k, kl, wbuf, wlen, pin, "NA", &e), KR_EFAIL, &e,
	    "module certificate is for region EU, package is for NA");
	free(k);

	/* The KEK package for another world. */
	chain(&c, root, module, NULL);
	build_kek(&c, "NA", wid2, kek, 0, &k, &kl);
	expect(verify(k, kl, wbuf, wlen, pin, "NA", &e), KR_EFAIL, &e,
	    "KEK package is for world");
	assert_true(vt_has(e.msg, "Security World package is world"));
	assert_true(vt_has(e.msg, wid2));
	assert_true(vt_has(e.msg, wid));
	free(k);

	/* A world package whose id is not its key's. */
	build_world(&c, "NA", world2, wid, &w, &wl);
	expect(verify(kbuf, klen, w, wl, pin, "NA", &e), KR_EFAIL, &e,
	    "world id does not match the world key");
	free(w);

	/* A whole chain under another root. */
	chain(&c, root2, module, NULL);
	build_kek(&c, "NA", wid, kek, 0, &k, &kl);
	expect(verify(k, kl, wbuf, wlen, pin, "NA", &e), KR_EFAIL, &e,
	    "root key hash does not match the pinned hash");
	/* ... claiming the pinned root: its certificate does not verify. */
	s = tamper(k, kl, p_root, spki(root), &n);
	expect(verify(s, n, wbuf, wlen, pin, "NA", &e), KR_EFAIL, &e,
	    "module certificate signature does not verify under the root key");
	free(s);
	free(k);

	/* The package signed by a module key the root never certified,
	 * carrying the certificate of the real module. */
	chain(&c, root, module2, NULL);
	build_kek(&c, "NA", wid, kek2, 0, &k, &kl);
	{
		static const char *const p_cert[] = { "module_certificate", NULL };
		json_error_t jerr;
		json_t *good = json_loadb(kbuf, klen, 0, &jerr);

		assert_non_null(good);
		s = tamper(k, kl, p_cert, json_incref(json_object_get(good,
		    "module_certificate")), &n);
		json_decref(good);
	}
	expect(verify(s, n, wbuf, wlen, pin, "NA", &e), KR_EFAIL, &e,
	    "BYOK-KEK-pkg-NA-1: package signature does not verify");
	free(s);
	free(k);

	/* The two files swapped. */
	expect(verify(wbuf, wlen, kbuf, klen, pin, "NA", &e), KR_EFAIL, &e,
	    "is a security-world package, not a kek package");
}

static void
fill_manifest(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->subscription_id, "8c3c8f9e-3f3e-4d8b-9a4b-0c1d2e3f4a5b");
	strcpy(m->friendly_name, "Contoso signing key \xc3\xa9");
	strcpy(m->ident, "contosokey");
	strcpy(m->world_id, wid);
	kr_sha256_hex(kbuf, klen, m->kek_pkg_sha256);
	kr_sha256_hex(wbuf, wlen, m->world_pkg_sha256);
	kr_sha256_hex("byok", 4, m->byok_sha256);
	manifest_acl_format(m->acl, sizeof(m->acl), m->kek_pkg_sha256,
	    m->world_pkg_sha256);
	strcpy(m->kty, "RSA");
	strcpy(m->created, "2026-11-27T10:14:03Z");
}

static void
test_manifest_sign_verify(void **state)
{
	EVP_PKEY *signers[3], *got = NULL, *ec;
	struct manifest m, out;
	struct kr_err e;
	char *json = NULL;
	size_t len = 0, i;

	assert_int_equal(keyio_gen_ec("P-256", &ec, NULL), 0);
	signers[0] = world;
	signers[1] = kek;
	signers[2] = ec;
	fill_manifest(&m);
	assert_true(vt_has(m.acl, "export-wrapped kek="));
	for (i = 0; i < 3; i++) {
		kr_err_clear(&e);
		if (manifest_sign(&m, signers[i], &json, &len, &e) != 0)
			fail_msg("%s", e.msg);
		if (manifest_parse_verify("m.json", json, len, &out, &got,
		    &e) != 0)
			fail_msg("%s", e.msg);
		assert_memory_equal(&out, &m, sizeof(m));
		assert_int_equal(EVP_PKEY_eq(got, signers[i]), 1);
		EVP_PKEY_free(got);
		got = NULL;
		free(json);
	}
	/* Fields keyrite would refuse to read are refused when signing. */
	strcpy(m.kty, "DSA");
	assert_int_equal(manifest_sign(&m, world, &json, &len, &e), KR_EUSAGE);
	fill_manifest(&m);
	strcpy(m.ident, "Bad Ident");
	assert_int_equal(manifest_sign(&m, world, &json, &len, &e), KR_EUSAGE);
	fill_manifest(&m);
	strcpy(m.created, "yesterday");
	assert_int_equal(manifest_sign(&m, world, &json, &len, &e), KR_EUSAGE);
	fill_manifest(&m);
	m.byok_sha256[3] = 'G';
	assert_int_equal(manifest_sign(&m, world, &json, &len, &e), KR_EUSAGE);
	EVP_PKEY_free(ec);
}

/* Changing any field of a signed manifest breaks its signature. */
static void
test_manifest_tamper(void **state)
{
	static const struct {
		const char *key, *value;
	} t[] = {
		{ "subscription_id", "9c3c8f9e-3f3e-4d8b-9a4b-0c1d2e3f4a5b" },
		{ "friendly_name", "Contoso signing key" },
		{ "ident", "contosokey2" },
		{ "world_id", "00" },
		{ "kek_pkg_sha256", NULL },
		{ "world_pkg_sha256", NULL },
		{ "byok_sha256", NULL },
		{ "acl", "export-wrapped kek=any world=any" },
		{ "kty", "EC" },
		{ "created", "2026-11-27T10:14:04Z" },
	};
	struct manifest m, out;
	struct kr_err e;
	json_error_t jerr;
	json_t *doc, *b;
	char *json = NULL, *s, hex[65];
	size_t len = 0, i;

	fill_manifest(&m);
	assert_int_equal(manifest_sign(&m, world, &json, &len, &e), 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_non_null(doc = json_loadb(json, len, 0, &jerr));
		b = json_object_get(doc, "body");
		if (t[i].value == NULL) {
			kr_sha256_hex(t[i].key, strlen(t[i].key), hex);
			json_object_set_new(b, t[i].key, json_string(hex));
		} else
			json_object_set_new(b, t[i].key, json_string(t[i].value));
		s = json_dumps(doc, 0);
		json_decref(doc);
		kr_err_clear(&e);
		expect(manifest_parse_verify("m.json", s, strlen(s), &out, NULL,
		    &e), KR_EFAIL, &e, "m.json: signature does not verify");
		free(s);
	}
	/* Another signer's key in place of the real one. */
	assert_non_null(doc = json_loadb(json, len, 0, &jerr));
	json_object_set_new(json_object_get(doc, "body"), "signer_key",
	    spki(world2));
	s = json_dumps(doc, 0);
	json_decref(doc);
	expect(manifest_parse_verify("m.json", s, strlen(s), &out, NULL, &e),
	    KR_EFAIL, &e, "signature does not verify");
	free(s);
	/* Malformed: unknown member, not JSON, bad field. */
	assert_non_null(doc = json_loadb(json, len, 0, &jerr));
	json_object_set_new(json_object_get(doc, "body"), "extra",
	    json_string("x"));
	s = json_dumps(doc, 0);
	json_decref(doc);
	expect(manifest_parse_verify("m.json", s, strlen(s), &out, NULL, &e),
	    KR_EDATA, &e, "unknown member 'extra'");
	free(s);
	expect(manifest_parse_verify("m.json", "[", 1, &out, NULL, &e),
	    KR_EDATA, &e, "m.json: line 1");
	assert_non_null(doc = json_loadb(json, len, 0, &jerr));
	json_object_set_new(json_object_get(doc, "body"), "kty",
	    json_string("DSA"));
	s = json_dumps(doc, 0);
	json_decref(doc);
	expect(manifest_parse_verify("m.json", s, strlen(s), &out, NULL, &e),
	    KR_EDATA, &e, "'kty' is not RSA or EC");
	free(s);
	free(json);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_wrong_pin),
		cmocka_unit_test(test_tamper_fields),
		cmocka_unit_test(test_signed_but_wrong),
		cmocka_unit_test(test_manifest_sign_verify),
		cmocka_unit_test(test_manifest_tamper),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
