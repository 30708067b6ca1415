/* SPDX-License-Identifier: ISC */
/*
 * test-engine-key.c: generatekey (each type and size, ident rules, refused
 * requests), key files (every flipped byte refused, an edited ACL makes
 * the key unusable), reduce-acl (needs the quorum, cosigned), and package
 * end to end with the receiving vault: legacy (xferacld key, KEK and
 * Security World packages, manifest) and current (KEK PEM and kid), for
 * RSA and EC targets; the .byok unwraps with the KEK private key alone
 * (byok_unwrap) and imports into the vault with the same public key.
 * AES-256 keys: made in the module with a check value and no public key,
 * ACL like the others, the secret nowhere in the key file, packaged under
 * a profile and unwrapped to the same check value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "byok.h"
#include "byok-profile.h"
#include "codec.h"
#include "engine-soft.h"
#include "keyio.h"
#include "manifest.h"
#include "test-engine.h"
#include "vault.h"

static void
path_in(const struct fixture *f, const char *rel, char *out, size_t sz)
{
	assert_int_equal(kr_path_join(out, sz, f->dir, rel), 0);
}

static void
vault_dir(const struct fixture *f, char *out, size_t sz)
{
	char *slash;

	snprintf(out, sz, "%s", f->dir);
	slash = strrchr(out, '/');
	assert_non_null(slash);
	snprintf(slash, sz - (size_t)(slash - out), "/vault");
}

static void
test_ident(void **state)
{
	char out[ENGINE_IDENT_MAX], long_id[80];
	struct kr_err e;

	assert_int_equal(engine_ident_normalize("contosokey", out, sizeof(out),
	    &e), 0);
	assert_string_equal(out, "contosokey");
	assert_int_equal(engine_ident_normalize("ContosoKey-2", out, sizeof(out),
	    &e), 0);
	assert_string_equal(out, "contosokey-2");
	assert_int_equal(engine_ident_normalize("a_b", out, sizeof(out), &e),
	    KR_EUSAGE);
	assert_non_null(strstr(e.msg, "character 2"));
	assert_int_equal(engine_ident_normalize("a b", out, sizeof(out), &e),
	    KR_EUSAGE);
	assert_int_equal(engine_ident_normalize("a/b", out, sizeof(out), &e),
	    KR_EUSAGE);
	assert_int_equal(engine_ident_normalize("\xc3\xa9t\xc3\xa9", out,
	    sizeof(out), &e), KR_EUSAGE);
	assert_int_equal(engine_ident_normalize("", out, sizeof(out), &e),
	    KR_EUSAGE);
	memset(long_id, 'a', 64);
	long_id[64] = '\0';
	assert_int_equal(engine_ident_normalize(long_id, out, sizeof(out), &e),
	    KR_EUSAGE);
	long_id[63] = '\0';
	assert_int_equal(engine_ident_normalize(long_id, out, sizeof(out), &e), 0);
}

static void
check_key(struct fixture *f, const struct engine_key_info *ki)
{
	struct soft_key k;
	struct kr_err e;
	EVP_PKEY *priv = NULL, *pub = NULL;
	char path[PATH_MAX], rel[128], sha[65];
	uint8_t *der = NULL;
	FILE *fp;
	int n;

	snprintf(rel, sizeof(rel), "local/pub_simple_%s.pem", ki->ident);
	path_in(f, rel, path, sizeof(path));
	assert_non_null(fp = fopen(path, "r"));
	assert_non_null(pub = PEM_read_PUBKEY(fp, NULL, NULL, NULL));
	fclose(fp);
	assert_true((n = i2d_PUBKEY(pub, &der)) > 0);
	assert_true(kr_sha256_hex(der, (size_t)n, sha) >= 0);
	assert_string_equal(sha, ki->pub_sha256);
	OPENSSL_free(der);
	assert_int_equal(soft_key_load(f->eng, "simple", ki->ident, &k, &e), 0);
	assert_string_equal(k.info.acl, ki->acl);
	assert_int_equal(soft_key_private(f->eng, &k, &priv, &e), 0);
	assert_int_equal(EVP_PKEY_eq(priv, pub), 1);
	assert_int_equal(EVP_PKEY_get_bits(priv), ki->size);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	soft_key_free(&k);
}

static void
test_key_types(void **state)
{
	static const struct {
		const char *type;
		int size;
		const char *curve;
		unsigned long pubexp;
		const char *ident;
	} cases[] = {
		{ "RSA", 2048, NULL, 0, "Rsa2048" },
		{ "rsa", 3072, NULL, 3, "rsa3072" },
		{ "RSA", 4096, NULL, 0, "rsa4096" },	/* slow: once */
		{ "EC", 0, "P-256", 0, "ec256" },
		{ "EC", 0, "p-384", 0, "ec384" },
		{ "EC", 0, "P-521", 0, "ec521" },
	};
	struct fixture f;
	struct engine_key_req req;
	struct engine_key_info ki;
	struct engine_status st;
	struct kr_err e;
	size_t i;

	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 2, 3, &e), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&req, 0, sizeof(req));
		req.type = cases[i].type;
		req.size = cases[i].size;
		req.curve = cases[i].curve;
		req.pubexp = cases[i].pubexp;
		req.ident = cases[i].ident;
		req.plainname = i == 0 ? "My RSA key" : NULL;
		assert_int_equal(f.ops->generate_key(f.eng, &req, &ki, &e), 0);
		assert_string_equal(ki.appname, "simple");
		assert_string_equal(ki.protect, "module");
		if (cases[i].curve == NULL) {
			assert_string_equal(ki.type, "RSA");
			assert_int_equal(ki.size, cases[i].size);
			assert_int_equal(ki.pubexp, cases[i].pubexp ? cases[i].pubexp :
			    65537);
			assert_string_equal(ki.acl, "sign decrypt modify-acl(quorum)");
		} else {
			assert_string_equal(ki.type, "EC");
			assert_int_equal(strcasecmp(ki.curve, cases[i].curve), 0);
			assert_string_equal(ki.acl, "sign modify-acl(quorum)");
		}
		check_key(&f, &ki);
	}
	assert_string_equal(ki.plainname, "ec521");
	assert_int_equal(f.ops->status(f.eng, &st, &e), 0);
	assert_int_equal(st.nkeys, 6);
	assert_string_equal(st.keys[0].ident, "ec256");
	assert_string_equal(st.keys[3].ident, "rsa2048");
	assert_string_equal(st.keys[3].plainname, "My RSA key");
	f.ops->status_free(&st);
	fx_close(&f);
}

static void
test_key_refused(void **state)
{
	struct fixture f;
	struct engine_key_req req;
	struct kr_err e;
	char path[PATH_MAX];

	assert_int_equal(fx_open(&f, &e), 0);
	/* no world yet */
	memset(&req, 0, sizeof(req));
	req.type = "EC";
	req.curve = "P-256";
	req.ident = "k";
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), KR_EFAIL);
	assert_non_null(strstr(e.msg, "no security world"));
	assert_int_equal(fx_world(&f, NULL, 1, 1, &e), 0);
	req.protect = "token";
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), KR_EUSAGE);
	assert_non_null(strstr(e.msg, "does not support OCS-protected keys"));
	req.protect = "module";
	req.curve = "secp256k1";
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), KR_EUSAGE);
	req.type = "RSA";
	req.size = 1024;
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), KR_EUSAGE);
	req.size = 2048;
	req.pubexp = 4;
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), KR_EUSAGE);
	req.pubexp = 0;
	req.type = "DSA";
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), KR_EUSAGE);
	req.type = "EC";
	req.curve = "P-256";
	req.ident = "bad ident";
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), KR_EUSAGE);
	req.ident = "k";
	req.plainname = "a\nb";
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), KR_EUSAGE);
	req.plainname = NULL;
	/* nothing was written by the refusals */
	path_in(&f, "local/key_simple_k", path, sizeof(path));
	assert_false(kr_path_exists(path));
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), 0);
	assert_true(kr_path_exists(path));
	req.ident = "K";	/* folded: the same ident */
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), KR_EFAIL);
	assert_non_null(strstr(e.msg, "exists already"));
	fx_close(&f);
}

static void
test_key_file_tamper(void **state)
{
	struct fixture f;
	struct engine_key_req req;
	struct soft_key k;
	struct kr_err e;
	EVP_PKEY *pk = NULL;
	char path[PATH_MAX], *buf = NULL, *out = NULL;
	size_t len, olen, i;
	json_t *obj;

	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 1, 1, &e), 0);
	memset(&req, 0, sizeof(req));
	req.type = "EC";
	req.curve = "P-256";
	req.ident = "t";
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), 0);
	path_in(&f, "local/key_simple_t", path, sizeof(path));
	assert_int_equal(kr_read_file(path, SOFT_KEY_MAX, &buf, &len, NULL), 0);
	for (i = 0; i < len; i++) {
		buf[i] ^= (char)(1 << (i % 8));
		if (soft_key_parse("key", buf, len, &k, &e) == 0)
			fail_msg("flipped bit in byte %zu went unnoticed", i);
		buf[i] ^= (char)(1 << (i % 8));
	}
	assert_int_equal(soft_key_parse("key", buf, len, &k, &e), 0);
	soft_key_free(&k);
	/* a consistent edit of the ACL: the key no longer opens */
	assert_int_equal(soft_json_load("key", buf, len, SOFT_KEY_MAX,
	    "keyrite-key-1", &obj, &e), 0);
	json_object_set_new(obj, "acl", json_string("export-plain"));
	assert_int_equal(soft_json_dump(obj, &out, &olen, &e), 0);
	json_decref(obj);
	assert_int_equal(kr_write_atomic(path, out, olen, 0600, NULL), 0);
	assert_int_equal(soft_key_load(f.eng, "simple", "t", &k, &e), 0);
	assert_int_equal(soft_key_private(f.eng, &k, &pk, &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "does not decrypt"));
	soft_key_free(&k);
	free(out);
	free(buf);
	fx_close(&f);
}

struct vfx {
	char	dir[PATH_MAX];
	char	root[65];
	char	kek_na[PATH_MAX], world_na[PATH_MAX];
	char	kek_eu[PATH_MAX], world_eu[PATH_MAX];
};

static void
make_vault(struct fixture *f, struct vfx *v)
{
	static const char *const regions[] = { "NA", "EU" };
	struct vault_init_opts o = { regions, 2, 2048, NULL };
	struct vault_init_info vi;
	struct kr_err e;

	vault_dir(f, v->dir, sizeof(v->dir));
	if (vault_init(v->dir, &o, &vi, &e) != 0)
		fail_msg("vault_init: %s", e.msg);
	snprintf(v->root, sizeof(v->root), "%s", vi.root_sha256);
	assert_int_equal(vault_package_paths(v->dir, "NA", v->kek_na,
	    sizeof(v->kek_na), v->world_na, sizeof(v->world_na), &e), 0);
	assert_int_equal(vault_package_paths(v->dir, "EU", v->kek_eu,
	    sizeof(v->kek_eu), v->world_eu, sizeof(v->world_eu), &e), 0);
}

/* The .byok unwraps with the KEK private key alone to the key's PKCS#8. */
static void
unwrap_check(const char *kek_key, const char *byok_path, const char *pub_sha)
{
	struct byok_file bf;
	struct kr_err e;
	EVP_PKEY *kek = NULL, *pk = NULL;
	const uint8_t *q;
	uint8_t *p8 = NULL, *der = NULL;
	size_t p8len = 0;
	char *buf = NULL, sha[65];
	size_t len;
	int n;

	assert_int_equal(keyio_read_private(kek_key, &kek, &e), 0);
	assert_int_equal(kr_read_file(byok_path, BYOK_MAX_FILE, &buf, &len, &e), 0);
	assert_int_equal(byok_file_parse(byok_path, buf, len, &bf, &e), 0);
	if (byok_unwrap(kek, EVP_sha1(), bf.ct, bf.ctlen, &p8, &p8len, &e) != 0)
		fail_msg("byok_unwrap: %s", e.msg);
	q = p8;
	assert_non_null(pk = d2i_AutoPrivateKey(NULL, &q, (long)p8len));
	assert_ptr_equal(q, p8 + p8len);
	assert_true((n = i2d_PUBKEY(pk, &der)) > 0);
	assert_true(kr_sha256_hex(der, (size_t)n, sha) >= 0);
	assert_string_equal(sha, pub_sha);
	OPENSSL_free(der);
	EVP_PKEY_free(pk);
	kr_secure_free(p8, p8len);
	byok_file_free(&bf);
	free(buf);
	EVP_PKEY_free(kek);
}

static void
legacy_round_trip(const char *type, int size, const char *curve)
{
	struct fixture f;
	struct vfx v;
	struct engine_key_req req;
	struct engine_key_info ki, xi;
	struct engine_acl_req ar;
	struct engine_package_req pr;
	struct engine_package_result res;
	struct engine_pkg_result vres, good;
	struct engine_status st;
	struct engine_quorum *q = NULL;
	struct vault_import_opts io;
	struct vault_import_info ii;
	struct manifest m;
	struct soft_key k;
	struct kr_err e;
	char outdir[PATH_MAX], path[PATH_MAX], kek_key[PATH_MAX + 64];
	char *buf = NULL, *out = NULL;
	size_t len, olen;
	json_t *obj;

	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 2, 3, &e), 0);
	make_vault(&f, &v);
	memset(&req, 0, sizeof(req));
	req.type = type;
	req.size = size;
	req.curve = curve;
	req.ident = "contosokey";
	assert_int_equal(f.ops->generate_key(f.eng, &req, &ki, &e), 0);

	/* verify-packages */
	memset(&ar, 0, sizeof(ar));
	ar.ident = "contosokey";
	ar.pkg.kek_pkg = v.kek_na;
	ar.pkg.world_pkg = v.world_na;
	ar.pkg.pinned_root = v.root;
	ar.pkg.region = "NA";
	if (f.ops->verify_packages(f.eng, &ar.pkg, &vres, &e) != 0)
		fail_msg("verify_packages: %s", e.msg);
	assert_string_equal(vres.region, "NA");
	good = vres;
	ar.pkg.pinned_root = "59178a47de508c3f291277ee184f46c4f1d9c639";
	assert_int_not_equal(f.ops->verify_packages(f.eng, &ar.pkg, &vres, &e), 0);
	ar.pkg.pinned_root = v.root;
	ar.pkg.region = "EU";
	assert_int_not_equal(f.ops->verify_packages(f.eng, &ar.pkg, &vres, &e), 0);
	ar.pkg.region = "NA";
	vres = good;

	/* package before reduce-acl: the simple key's ACL does not allow it */
	memset(&pr, 0, sizeof(pr));
	snprintf(outdir, sizeof(outdir), "%s", v.dir);
	pr.format = ENGINE_PACKAGE_LEGACY;
	pr.ident = "contosokey";
	pr.out_dir = outdir;
	pr.pkg = ar.pkg;
	pr.subscription_id = "00000000-1111-2222-3333-444444444444";
	pr.friendly_name = "ContosoFirstHSMkey";
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), KR_EAUTH);
	assert_non_null(strstr(e.msg, "reduce the ACL first"));
	assert_non_null(strstr(e.msg, "key_simple_contosokey: ACL 'sign"));
	assert_non_null(strstr(e.msg, "does not allow export-wrapped(format=legacy"));

	/* reduce-acl needs the quorum */
	assert_int_equal(f.ops->reduce_acl(f.eng, NULL, &ar, NULL, &e), KR_EAUTH);
	assert_int_equal(f.ops->card_begin(f.eng, &q, &e), 0);
	assert_int_equal(fx_present(&f, q, 3, NULL, &e), 0);
	assert_int_equal(f.ops->reduce_acl(f.eng, q, &ar, NULL, &e), KR_EAUTH);
	assert_int_equal(fx_present(&f, q, 1, NULL, &e), 0);
	/* packages that do not verify: refused, nothing written */
	ar.pkg.pinned_root = "59178a47de508c3f291277ee184f46c4f1d9c639";
	assert_int_not_equal(f.ops->reduce_acl(f.eng, q, &ar, NULL, &e), 0);
	path_in(&f, "local/key_xferacld_contosokey", path, sizeof(path));
	assert_false(kr_path_exists(path));
	ar.pkg.pinned_root = v.root;
	if (f.ops->reduce_acl(f.eng, q, &ar, &xi, &e) != 0)
		fail_msg("reduce_acl: %s", e.msg);
	f.ops->card_end(q);
	assert_string_equal(xi.appname, "xferacld");
	assert_string_equal(xi.pub_sha256, ki.pub_sha256);
	assert_int_equal(xi.ncosigners, 2);
	assert_int_equal(xi.cosigners[0], 3);
	assert_int_equal(xi.cosigners[1], 1);
	assert_non_null(strstr(xi.acl, vres.kek_sha256));
	assert_non_null(strstr(xi.acl, vres.world_sha256));
	assert_int_equal(strncmp(xi.acl, "export-wrapped(format=legacy,kek-spki=",
	    38), 0);
	assert_int_equal(f.ops->status(f.eng, &st, &e), 0);
	assert_int_equal(st.nkeys, 2);
	assert_string_equal(st.keys[1].appname, "xferacld");
	f.ops->status_free(&st);

	/* the wrong KEK package (another region's) is refused */
	pr.pkg.kek_pkg = v.kek_eu;
	pr.pkg.world_pkg = v.world_eu;
	pr.pkg.region = "EU";
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), KR_EAUTH);
	assert_non_null(strstr(e.msg, "another KEK"));
	/* another format: the simple key allows no export, the xferacld key
	 * only the legacy format */
	{
		struct engine_package_req br = pr;
		struct vault_kek_opts ko;
		struct vault_kek_info kinfo;
		char spath[PATH_MAX + 64];

		memset(&ko, 0, sizeof(ko));
		ko.name = "ATTACKER";
		ko.bits = 2048;
		if (vault_kek_create(v.dir, &ko, &kinfo, &e) != 0)
			fail_msg("vault_kek_create: %s", e.msg);
		br.format = ENGINE_PACKAGE_BYOK;
		br.kek_pem = kinfo.pem_path;
		br.kid = "https://attacker.example/keys/k/1";
		br.out_name = "stolen.byok";
		assert_int_equal(f.ops->package(f.eng, &br, &res, &e), KR_EAUTH);
		assert_non_null(strstr(e.msg, "key_simple_contosokey: ACL"));
		assert_non_null(strstr(e.msg, "does not allow "
		    "export-wrapped(format=byok"));
		snprintf(spath, sizeof(spath), "%s/stolen.byok", outdir);
		assert_false(kr_path_exists(spath));
		/* a key bound to a .byok KEK: not in the legacy format */
		{
			struct engine_key_req br2 = req;
			struct engine_package_req lp = pr;

			assert_int_equal(f.ops->card_begin(f.eng, &q, &e), 0);
			assert_int_equal(fx_present(&f, q, 1, NULL, &e), 0);
			assert_int_equal(fx_present(&f, q, 2, NULL, &e), 0);
			br2.ident = "bound";
			br2.kek_pem = kinfo.pem_path;
			br2.quorum = q;
			assert_int_equal(f.ops->generate_key(f.eng, &br2, NULL,
			    &e), 0);
			f.ops->card_end(q);
			lp.ident = "bound";
			lp.friendly_name = "Bound";
			assert_int_equal(f.ops->package(f.eng, &lp, &res, &e),
			    KR_EAUTH);
			assert_non_null(strstr(e.msg, "another format"));
			snprintf(spath, sizeof(spath), "%s/KeyTransferPackage-"
			    "Bound.byok", outdir);
			assert_false(kr_path_exists(spath));
		}
	}
	pr.pkg = ar.pkg;
	pr.friendly_name = "../escape";
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), KR_EUSAGE);
	pr.friendly_name = "ContosoFirstHSMkey";

	if (f.ops->package(f.eng, &pr, &res, &e) != 0)
		fail_msg("package: %s", e.msg);
	assert_non_null(strstr(res.byok_path, "KeyTransferPackage-ContosoFirstHSMkey.byok"));
	assert_string_equal(res.pub_sha256, ki.pub_sha256);
	assert_string_equal(res.kek_sha256, vres.kek_sha256);
	assert_int_equal(kr_read_file(res.manifest_path, MANIFEST_MAX_FILE, &buf,
	    &len, &e), 0);
	assert_int_equal(manifest_parse_verify("m", buf, len, &m, NULL, &e), 0);
	free(buf);
	buf = NULL;
	assert_string_equal(m.friendly_name, "ContosoFirstHSMkey");
	assert_string_equal(m.subscription_id, pr.subscription_id);
	assert_string_equal(m.byok_sha256, res.byok_sha256);
	assert_non_null(strstr(m.acl, "export-wrapped kek="));
	assert_non_null(strstr(m.acl, vres.kek_sha256));
	assert_string_equal(m.world_id, f.world.world_id);

	/* the vault imports it and finds the same public key */
	memset(&io, 0, sizeof(io));
	io.manifest = res.manifest_path;
	if (vault_import(v.dir, res.byok_path, &io, &ii, &e) != 0)
		fail_msg("vault_import: %s", e.msg);
	assert_string_equal(ii.spki_sha256, ki.pub_sha256);
	assert_true(ii.manifest_checked);
	assert_true(ii.signature_verified);
	assert_string_equal(ii.kty, type);
	snprintf(kek_key, sizeof(kek_key), "%s/keks/BYOK-KEK-NA.key", v.dir);
	unwrap_check(kek_key, res.byok_path, ki.pub_sha256);

	/* a forged cosignature list: too few good cosigners */
	path_in(&f, "local/key_xferacld_contosokey", path, sizeof(path));
	assert_int_equal(kr_read_file(path, SOFT_KEY_MAX, &buf, &len, &e), 0);
	assert_int_equal(soft_json_load("x", buf, len, SOFT_KEY_MAX,
	    "keyrite-key-1", &obj, &e), 0);
	json_array_remove(json_object_get(obj, "cosig"), 0);
	assert_int_equal(soft_json_dump(obj, &out, &olen, &e), 0);
	json_decref(obj);
	assert_int_equal(kr_write_atomic(path, out, olen, 0600, NULL), 0);
	assert_int_equal(soft_key_load(f.eng, "xferacld", "contosokey", &k, &e), 0);
	soft_key_free(&k);
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), KR_EFAIL);
	assert_non_null(strstr(e.msg, "cosigned by 1 cards, the quorum is 2"));

	free(out);
	free(buf);
	fx_close(&f);
}

static void
test_legacy_rsa(void **state)
{
	legacy_round_trip("RSA", 2048, NULL);
}

static void
test_legacy_ec(void **state)
{
	legacy_round_trip("EC", 0, "P-384");
}

static void
test_current_method(void **state)
{
	static const struct {
		const char *type;
		int size;
		const char *curve;
		const char *ident;
	} cases[] = {
		{ "RSA", 3072, NULL, "rsa-target" },
		{ "EC", 0, "P-256", "ec-target" },
		{ "EC", 0, "P-521", "ec521-target" },
	};
	struct fixture f;
	struct vfx v;
	struct vault_kek_opts ko;
	struct vault_kek_info kinfo, kinfo2;
	struct engine_key_req req;
	struct engine_key_info ki;
	struct engine_quorum *q = NULL;
	struct engine_package_req pr;
	struct engine_acl_req ar;
	struct engine_package_result res;
	struct vault_import_opts io;
	struct vault_import_info ii;
	struct kr_err e;
	char kek_key[PATH_MAX + 64], ecpem[PATH_MAX], sha[65];
	char path[PATH_MAX + 64];
	EVP_PKEY *ec = NULL;
	size_t i;

	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 2, 3, &e), 0);
	vault_dir(&f, v.dir, sizeof(v.dir));
	memset(&ko, 0, sizeof(ko));
	ko.name = "KEK1";
	ko.bits = 2048;
	if (vault_kek_create(v.dir, &ko, &kinfo, &e) != 0)
		fail_msg("vault_kek_create: %s", e.msg);
	snprintf(kek_key, sizeof(kek_key), "%s/keks/KEK1.key", v.dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&req, 0, sizeof(req));
		req.type = cases[i].type;
		req.size = cases[i].size;
		req.curve = cases[i].curve;
		req.ident = cases[i].ident;
		req.kek_pem = kinfo.pem_path;
		/* a key exportable to a KEK is made under the quorum only */
		assert_int_equal(f.ops->generate_key(f.eng, &req, &ki, &e),
		    KR_EAUTH);
		assert_int_equal(f.ops->card_begin(f.eng, &q, &e), 0);
		assert_int_equal(fx_present(&f, q, 2, NULL, &e), 0);
		req.quorum = q;
		assert_int_equal(f.ops->generate_key(f.eng, &req, &ki, &e),
		    KR_EAUTH);		/* K-1 cards */
		assert_non_null(strstr(e.msg, "quorum not met"));
		assert_int_equal(fx_present(&f, q, 3, NULL, &e), 0);
		if (f.ops->generate_key(f.eng, &req, &ki, &e) != 0)
			fail_msg("generate_key: %s", e.msg);
		f.ops->card_end(q);
		assert_non_null(strstr(ki.acl, "export-wrapped(format=byok,"
		    "kek-spki="));
		assert_int_equal(ki.ncosigners, 2);
		memset(&pr, 0, sizeof(pr));
		pr.format = ENGINE_PACKAGE_BYOK;
		pr.ident = cases[i].ident;
		pr.out_dir = v.dir;
		pr.kek_pem = kinfo.pem_path;
		pr.kid = kinfo.kid;
		if (f.ops->package(f.eng, &pr, &res, &e) != 0)
			fail_msg("package: %s", e.msg);
		assert_string_equal(res.manifest_path, "");
		assert_int_equal(kr_file_sha256_hex(kinfo.pem_path, sha, &e), 0);
		assert_string_equal(res.kek_sha256, sha);
		memset(&io, 0, sizeof(io));
		if (vault_import(v.dir, res.byok_path, &io, &ii, &e) != 0)
			fail_msg("vault_import: %s", e.msg);
		assert_string_equal(ii.spki_sha256, ki.pub_sha256);
		assert_true(ii.kid_matches);
		assert_true(ii.signature_verified);
		unwrap_check(kek_key, res.byok_path, ki.pub_sha256);
	}
	/* another KEK than the ACL names: refused, nothing written */
	memset(&ko, 0, sizeof(ko));
	ko.name = "KEK2";
	ko.bits = 2048;
	if (vault_kek_create(v.dir, &ko, &kinfo2, &e) != 0)
		fail_msg("vault_kek_create: %s", e.msg);
	pr.kek_pem = kinfo2.pem_path;
	pr.out_name = "other.byok";
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), KR_EAUTH);
	assert_non_null(strstr(e.msg, "another KEK"));
	assert_non_null(strstr(e.msg, "key_simple_ec521-target: ACL"));
	snprintf(path, sizeof(path), "%s/other.byok", v.dir);
	assert_false(kr_path_exists(path));
	/* its ACL has no modify-acl: no reduce-acl to another KEK either */
	assert_int_equal(f.ops->card_begin(f.eng, &q, &e), 0);
	assert_int_equal(fx_present(&f, q, 1, NULL, &e), 0);
	assert_int_equal(fx_present(&f, q, 2, NULL, &e), 0);
	memset(&ar, 0, sizeof(ar));
	ar.ident = "ec521-target";
	ar.pkg.kek_pkg = ar.pkg.world_pkg = kinfo2.pem_path;
	ar.pkg.pinned_root = "00";
	ar.pkg.region = "NA";
	assert_int_equal(f.ops->reduce_acl(f.eng, q, &ar, NULL, &e), KR_EAUTH);
	assert_non_null(strstr(e.msg, "does not allow modify-acl"));
	f.ops->card_end(q);
	/* a key made without a KEK cannot be exported at all */
	memset(&req, 0, sizeof(req));
	req.type = "RSA";
	req.size = 2048;
	req.ident = "plain";
	assert_int_equal(f.ops->generate_key(f.eng, &req, &ki, &e), 0);
	pr.ident = "plain";
	pr.kek_pem = kinfo.pem_path;
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), KR_EAUTH);
	assert_non_null(strstr(e.msg, "key_simple_plain: ACL 'sign decrypt "
	    "modify-acl(quorum)' does not allow export-wrapped(format=byok"));
	assert_false(kr_path_exists(path));
	pr.ident = "ec521-target";
	pr.kek_pem = kinfo.pem_path;
	/* the output name must be a .byok file name */
	pr.out_name = "x.txt";
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), KR_EUSAGE);
	pr.out_name = "sub/x.byok";
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), KR_EUSAGE);
	pr.out_name = "named.byok";
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), 0);
	/* an EC key is not a KEK */
	assert_int_equal(keyio_gen_ec("P-256", &ec, &e), 0);
	path_in(&f, "ec-kek.pem", ecpem, sizeof(ecpem));
	{
		char *pem = NULL;
		size_t plen = 0;

		assert_int_equal(keyio_public_pem(ec, &pem, &plen, &e), 0);
		assert_int_equal(kr_write_atomic(ecpem, pem, plen, 0600, NULL), 0);
		free(pem);
	}
	EVP_PKEY_free(ec);
	pr.kek_pem = ecpem;
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "KEK must be RSA"));
	/* no such key */
	pr.kek_pem = kinfo.pem_path;
	pr.ident = "nokey";
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), KR_ENOINPUT);
	/* export_public */
	path_in(&f, "exported.pem", ecpem, sizeof(ecpem));
	assert_int_equal(f.ops->export_public(f.eng, "EC-TARGET", ecpem, sha, &e), 0);
	assert_int_equal(kr_path_exists(ecpem), 1);
	fx_close(&f);
}

/* The AES key unwraps from pkg_path under profile to 32 bytes whose check
 * value is kcv; the bytes are nowhere in the key file in the clear. */
static void
aes_unwrap_check(const char *kek_key, const char *profile,
    const char *pkg_path, const char *kcv, const char *key_file)
{
	const struct byok_profile *p = byok_profile_find(profile);
	struct kr_err e;
	EVP_PKEY *kek = NULL;
	uint8_t *mat = NULL;
	size_t matlen = 0, len = 0, flen = 0;
	char *buf = NULL, *file = NULL, got[7], hex[65], b64[64];

	assert_non_null(p);
	assert_int_equal(keyio_read_private(kek_key, &kek, &e), 0);
	assert_int_equal(kr_read_file(pkg_path, 65536, &buf, &len, &e), 0);
	if (byok_profile_unwrap(p, kek, pkg_path, (const uint8_t *)buf, len,
	    NULL, 0, &mat, &matlen, &e) != 0)
		fail_msg("%s: %s", profile, e.msg);
	assert_int_equal(matlen, 32);
	assert_int_equal(byok_aes_kcv(mat, matlen, got, &e), 0);
	assert_string_equal(got, kcv);
	assert_int_equal(kr_read_file(key_file, SOFT_KEY_MAX, &file, &flen,
	    &e), 0);
	kr_hex_encode(mat, 32, hex, sizeof(hex));
	kr_b64_encode(mat, 32, b64, sizeof(b64));
	assert_null(strstr(file, hex));
	assert_null(strstr(file, b64));
	kr_secure_free(mat, matlen);
	free(file);
	free(buf);
	EVP_PKEY_free(kek);
}

static void
test_aes(void **state)
{
	static const char *const profiles[] = {
		"azure-byok", "aws-kms-sha256", "aws-kms-sha1",
		"vault-transit", "vault-transit-sha1",
	};
	struct fixture f;
	struct vault_kek_opts ko;
	struct vault_kek_info kinfo;
	struct engine_key_req req;
	struct engine_key_info ki;
	struct engine_quorum *q = NULL;
	struct engine_package_req pr;
	struct engine_package_result res;
	struct engine_status st;
	struct soft_key k;
	struct kr_err e;
	EVP_PKEY *pk = NULL;
	uint8_t *mat = NULL;
	size_t mlen = 0, len, i;
	char vdir[PATH_MAX], kek_key[PATH_MAX + 64], path[PATH_MAX + 64], sha[65];
	char name[64], keyfile[PATH_MAX], *buf = NULL;

	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 2, 3, &e), 0);
	/* no KEK: "encrypt decrypt modify-acl(quorum)", a check value */
	memset(&req, 0, sizeof(req));
	req.type = "aes";
	req.ident = "plain-aes";
	if (f.ops->generate_key(f.eng, &req, &ki, &e) != 0)
		fail_msg("generate_key: %s", e.msg);
	assert_string_equal(ki.type, "AES");
	assert_int_equal(ki.size, 256);
	assert_string_equal(ki.acl, "encrypt decrypt modify-acl(quorum)");
	assert_string_equal(ki.pub_sha256, "");
	assert_int_equal(strlen(ki.kcv), 6);
	assert_true(soft_is_lower_hex(ki.kcv, 6));
	path_in(&f, "local/pub_simple_plain-aes.pem", path, sizeof(path));
	assert_false(kr_path_exists(path));
	/* the module opens it again to the same check value */
	assert_int_equal(soft_key_load(f.eng, "simple", "plain-aes", &k, &e), 0);
	assert_string_equal(k.info.kcv, ki.kcv);
	assert_int_equal(soft_key_secret(f.eng, &k, &mat, &mlen, &e), 0);
	assert_int_equal(mlen, 32);
	kr_secure_free(mat, mlen);
	assert_int_equal(soft_key_private(f.eng, &k, &pk, &e), KR_EUSAGE);
	assert_non_null(strstr(e.msg, "no public key"));
	soft_key_free(&k);
	/* every flipped bit of its file is refused */
	path_in(&f, "local/key_simple_plain-aes", keyfile, sizeof(keyfile));
	assert_int_equal(kr_read_file(keyfile, SOFT_KEY_MAX, &buf, &len, NULL), 0);
	for (i = 0; i < len; i++) {
		buf[i] ^= (char)(1 << (i % 8));
		if (soft_key_parse("key", buf, len, &k, &e) == 0)
			fail_msg("flipped bit in byte %zu went unnoticed", i);
		buf[i] ^= (char)(1 << (i % 8));
	}
	free(buf);
	/* no public key to export */
	path_in(&f, "aes.pem", path, sizeof(path));
	assert_int_equal(f.ops->export_public(f.eng, "plain-aes", path, sha,
	    &e), KR_EUSAGE);
	assert_non_null(strstr(e.msg, "AES key has no public key"));
	assert_false(kr_path_exists(path));
	/* wrong sizes and parameters */
	req.size = 128;
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), KR_EUSAGE);
	req.size = 256;
	req.curve = "P-256";
	assert_int_equal(f.ops->generate_key(f.eng, &req, NULL, &e), KR_EUSAGE);
	req.curve = NULL;

	/* exportable to a KEK: under the quorum, cosigned */
	vault_dir(&f, vdir, sizeof(vdir));
	memset(&ko, 0, sizeof(ko));
	ko.name = "KEK4096";
	ko.bits = 4096;
	if (vault_kek_create(vdir, &ko, &kinfo, &e) != 0)
		fail_msg("vault_kek_create: %s", e.msg);
	snprintf(kek_key, sizeof(kek_key), "%s/keks/KEK4096.key", vdir);
	memset(&req, 0, sizeof(req));
	req.type = "AES";
	req.size = 256;
	req.ident = "aes-target";
	req.kek_pem = kinfo.pem_path;
	assert_int_equal(f.ops->generate_key(f.eng, &req, &ki, &e), KR_EAUTH);
	assert_int_equal(f.ops->card_begin(f.eng, &q, &e), 0);
	assert_int_equal(fx_present(&f, q, 1, NULL, &e), 0);
	assert_int_equal(fx_present(&f, q, 3, NULL, &e), 0);
	req.quorum = q;
	if (f.ops->generate_key(f.eng, &req, &ki, &e) != 0)
		fail_msg("generate_key: %s", e.msg);
	f.ops->card_end(q);
	assert_non_null(strstr(ki.acl, "encrypt decrypt export-wrapped("
	    "format=byok,kek-spki="));
	assert_int_equal(ki.ncosigners, 2);
	assert_int_equal(f.ops->status(f.eng, &st, &e), 0);
	assert_int_equal(st.nkeys, 2);
	assert_string_equal(st.keys[0].ident, "aes-target");
	assert_string_equal(st.keys[0].kcv, ki.kcv);
	f.ops->status_free(&st);
	path_in(&f, "local/key_simple_aes-target", keyfile, sizeof(keyfile));
	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
		memset(&pr, 0, sizeof(pr));
		pr.format = ENGINE_PACKAGE_BYOK;
		pr.ident = "aes-target";
		pr.out_dir = vdir;
		pr.kek_pem = kinfo.pem_path;
		pr.kid = kinfo.kid;
		pr.profile = profiles[i];
		snprintf(name, sizeof(name), "aes-%s%s", profiles[i],
		    i == 0 ? ".byok" : ".bin");
		pr.out_name = name;
		if (f.ops->package(f.eng, &pr, &res, &e) != 0)
			fail_msg("package %s: %s", profiles[i], e.msg);
		assert_string_equal(res.kcv, ki.kcv);
		assert_string_equal(res.pub_sha256, "");
		aes_unwrap_check(kek_key, profiles[i], res.byok_path, ki.kcv,
		    keyfile);
	}
	/* a GCP profile refuses a 4096-bit KEK before anything is written;
	 * the key is not exportable to another KEK either */
	pr.profile = "gcp-kms-3072-sha256";
	pr.out_name = "gcp.bin";
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), KR_EUSAGE);
	snprintf(path, sizeof(path), "%s/gcp.bin", vdir);
	assert_false(kr_path_exists(path));
	/* the plain key's ACL allows no export */
	pr.profile = "aws-kms-sha256";
	pr.ident = "plain-aes";
	pr.out_name = "plain.bin";
	assert_int_equal(f.ops->package(f.eng, &pr, &res, &e), KR_EAUTH);
	assert_non_null(strstr(e.msg, "key_simple_plain-aes: ACL 'encrypt "
	    "decrypt modify-acl(quorum)' does not allow export-wrapped"));
	fx_close(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_key_types),
		cmocka_unit_test(test_key_refused),
		cmocka_unit_test(test_key_file_tamper),
		cmocka_unit_test(test_legacy_rsa),
		cmocka_unit_test(test_legacy_ec),
		cmocka_unit_test(test_current_method),
		cmocka_unit_test(test_aes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
