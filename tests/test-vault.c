/* SPDX-License-Identifier: ISC */
/*
 * test-vault.c: the receiving vault through the library: init (files,
 * modes, sums, packages that verify under root.hash), kek, import of our
 * own wrap, of the reference vector (KEK imported with its kid) and of a
 * legacy .byok with its manifest; every tampered .byok and manifest is
 * refused with the right code and nothing is stored.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "byok.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "manifest.h"
#include "pkg.h"
#include "secmem.h"
#include "vault.h"
#include "lib/vt-util.h"

static char tmp[4096], vdir[4200];
static struct vault_init_info vinfo;

static int
setup(void **state)
{
	static const char *const regions[] = { "unitedstates", "EU",
	    "germany-public" };
	struct vault_init_opts o = { regions, 3, 0, "testvault" };
	struct kr_err e;

	if (kr_secmem_init(&e) != 0)
		return -1;
	vt_tmpdir(tmp, sizeof(tmp));
	snprintf(vdir, sizeof(vdir), "%s/vault", tmp);
	kr_err_clear(&e);
	if (vault_init(vdir, &o, &vinfo, &e) != 0) {
		print_message("# %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	kr_remove_tree(tmp, NULL);
	return 0;
}

static char *
vpath(const char *rel)
{
	static char p[2][4400];
	static int i;

	int n;

	i ^= 1;
	n = snprintf(p[i], sizeof(p[i]), "%s/%s", vdir, rel);
	assert_true(n > 0 && (size_t)n < sizeof(p[i]));
	return p[i];
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static void
test_regions(void **state)
{
	const struct vault_region *r;
	char name[64];
	size_t i;

	for (i = 0; vault_region_at(i) != NULL; i++)
		;
	assert_int_equal(i, 18);
	assert_non_null(r = vault_region_find("France"));
	assert_string_equal(r->code, "FRANCE");
	assert_string_equal(r->toolset_zip, "KeyVault-BYOK-Tools-France.zip");
	assert_string_equal(vault_region_find("germany-public")->code,
	    "GERMANY");
	assert_string_equal(vault_region_find("GERMANY")->id, "germany");
	assert_string_equal(vault_region_find("na")->id, "unitedstates");
	assert_null(vault_region_find("atlantis"));
	assert_int_equal(vault_pkg_name(name, sizeof(name), "SecurityWorld",
	    "NA"), 0);
	assert_string_equal(name, "BYOK-SecurityWorld-pkg-NA-1");
	vault_name_from_dir("/x/My_Vault.dir/", name, sizeof(name));
	assert_string_equal(name, "my-vault-dir");
	vault_name_from_dir("/", name, sizeof(name));
	assert_string_equal(name, "keyrite-vault");
}

static void
test_init(void **state)
{
	static const char *const regions[] = { "NA" };
	struct vault_init_opts o = { regions, 1, 0, NULL };
	struct vault_init_info info;
	struct pkg_info pi;
	struct kr_err e;
	char *sums, *k, *w, hash[65], line[256], root[65];
	size_t len, kl, wl, i;
	const char *codes[] = { "NA", "EU", "GERMANY" };

	assert_string_equal(vinfo.name, "testvault");
	assert_int_equal(vinfo.ntoolsets, 3);
	assert_int_equal(mode_of(vdir), 0700);
	assert_int_equal(mode_of(vpath("root.key")), 0600);
	assert_int_equal(mode_of(vpath("keks/BYOK-KEK-NA.key")), 0600);
	assert_int_equal(mode_of(vpath("packages")), 0700);
	assert_int_equal(vault_root_hash(vdir, root, &e), 0);
	assert_string_equal(root, vinfo.root_sha256);

	/* SHA256SUMS lists each toolset with the hash of its bytes. */
	vt_read(vpath("toolsets/SHA256SUMS"), &sums, &len);
	for (i = 0; i < vinfo.ntoolsets; i++) {
		snprintf(line, sizeof(line), "toolsets/%s",
		    vinfo.toolsets[i].region->toolset_zip);
		assert_int_equal(kr_file_sha256_hex(vpath(line), hash, &e), 0);
		assert_string_equal(hash, vinfo.toolsets[i].sha256);
		snprintf(line, sizeof(line), "%s  %s\n", hash,
		    vinfo.toolsets[i].region->toolset_zip);
		assert_non_null(strstr(sums, line));
	}
	assert_string_equal(vinfo.toolsets[2].region->id, "germany-public");
	free(sums);
	assert_false(kr_path_exists(vpath(
	    "toolsets/KeyVault-BYOK-Tools-France.zip")));

	/* Each region's packages verify under the pinned hash; another
	 * region's do not. */
	for (i = 0; i < 3; i++) {
		char kp[4400], wp[4400];

		assert_int_equal(vault_package_paths(vdir, codes[i], kp,
		    sizeof(kp), wp, sizeof(wp), &e), 0);
		vt_read(kp, &k, &kl);
		vt_read(wp, &w, &wl);
		kr_err_clear(&e);
		if (pkg_verify(kp, k, kl, wp, w, wl, root, codes[i], &pi,
		    &e) != 0)
			fail_msg("%s", e.msg);
		assert_string_equal(pi.region, codes[i]);
		assert_non_null(strstr(pi.kid,
		    "https://testvault.vault.azure.net/keys/BYOK-KEK-"));
		pkg_info_free(&pi);
		assert_int_equal(pkg_verify(kp, k, kl, wp, w, wl, root,
		    i == 0 ? "EU" : "NA", &pi, &e), KR_EFAIL);
		assert_true(vt_has(e.msg, "region is"));
		free(k);
		free(w);
	}

	/* A second init of the same directory is refused, and leaves no
	 * temporary directory behind; a bad KEK size is a usage error. */
	assert_int_equal(vault_init(vdir, &o, &info, &e), KR_ECANTCREAT);
	o.kek_bits = 1024;
	assert_int_equal(vault_init(vpath("sub"), &o, &info, &e), KR_EUSAGE);
	assert_false(kr_path_exists(vpath("sub")));
}

static void
write_byok(EVP_PKEY *kek_pub, EVP_PKEY *target, const char *kid,
    const char *path, char sha[65])
{
	uint8_t *p8, *ct = NULL;
	size_t p8len, ctlen = 0, len = 0;
	char *json = NULL;
	struct kr_err e;

	vt_pkcs8(target, &p8, &p8len);
	kr_err_clear(&e);
	assert_int_equal(byok_wrap(kek_pub, EVP_sha1(), p8, p8len, &ct, &ctlen,
	    &e), 0);
	assert_int_equal(byok_file_format(kid, ct, ctlen, NULL, &json, &len,
	    &e), 0);
	vt_write(path, json, len);
	if (sha != NULL)
		kr_sha256_hex(json, len, sha);
	kr_cleanse(p8, p8len);
	free(p8);
	free(ct);
	free(json);
}

/* The current method: kek, wrap, import, RSA and EC. */
static void
test_kek_import(void **state)
{
	struct vault_kek_opts ko = { "mykek", 0, NULL, NULL, NULL };
	struct vault_kek_info ki, ki2;
	struct vault_import_opts io = { 0 };
	struct vault_import_info ii;
	struct kr_err e;
	EVP_PKEY *pub = NULL, *t;
	char fpr[65], path[4400];

	kr_err_clear(&e);
	if (vault_kek_create(vdir, &ko, &ki, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(ki.bits, 2048);
	assert_int_equal(strncmp(ki.kid,
	    "https://testvault.vault.azure.net/keys/mykek/", 45), 0);
	assert_int_equal(strlen(ki.kid), 45 + 32);
	assert_int_equal(keyio_read_public(ki.pem_path, &pub, &e), 0);
	/* The same name again is refused; so is a bad name. */
	assert_int_equal(vault_kek_create(vdir, &ko, &ki2, &e), KR_ECANTCREAT);
	ko.name = "bad name";
	assert_int_equal(vault_kek_create(vdir, &ko, &ki2, &e), KR_EUSAGE);
	ko.name = "BYOK-KEK-XX";
	assert_int_equal(vault_kek_create(vdir, &ko, &ki2, &e), KR_EUSAGE);

	assert_int_equal(keyio_gen_rsa(3072, &t, NULL), 0);
	snprintf(path, sizeof(path), "%s/rsa3072.byok", tmp);
	write_byok(pub, t, ki.kid, path, NULL);
	kr_err_clear(&e);
	if (vault_import(vdir, path, &io, &ii, &e) != 0)
		fail_msg("%s", e.msg);
	assert_string_equal(ii.kty, "RSA");
	assert_int_equal(ii.bits, 3072);
	assert_string_equal(ii.kek_name, "mykek");
	assert_true(ii.kid_matches);
	assert_true(ii.signature_verified);
	assert_false(ii.manifest_checked);
	assert_int_equal(keyio_spki_sha256_hex(t, fpr, &e), 0);
	assert_string_equal(ii.spki_sha256, fpr);
	assert_string_equal(ii.name, "rsa3072");
	assert_int_equal(mode_of(ii.stored), 0600);
	EVP_PKEY_free(t);

	assert_int_equal(keyio_gen_ec("P-384", &t, NULL), 0);
	snprintf(path, sizeof(path), "%s/ec.byok", tmp);
	write_byok(pub, t, ki.kid, path, NULL);
	io.name = "ec-key";
	assert_int_equal(vault_import(vdir, path, &io, &ii, &e), 0);
	assert_string_equal(ii.kty, "EC");
	assert_string_equal(ii.curve, "P-384");
	assert_int_equal(keyio_spki_sha256_hex(t, fpr, &e), 0);
	assert_string_equal(ii.spki_sha256, fpr);
	assert_true(kr_path_exists(vpath("keys/ec-key.pem")));
	EVP_PKEY_free(t);

	/* RSA 1024 is refused, and not stored. */
	assert_int_equal(keyio_gen_rsa(1024, &t, NULL), 0);
	snprintf(path, sizeof(path), "%s/small.byok", tmp);
	write_byok(pub, t, ki.kid, path, NULL);
	io.name = NULL;
	assert_int_equal(vault_import(vdir, path, &io, &ii, &e), KR_EFAIL);
	assert_true(vt_has(e.msg, "RSA 1024 keys are refused"));
	assert_false(kr_path_exists(vpath("keys/small.pem")));
	EVP_PKEY_free(t);
	EVP_PKEY_free(pub);
}

/* A .byok another implementation made, for its KEK imported with its
 * kid: the right fingerprint. */
static void
test_reference_vector(void **state)
{
	struct vault_kek_opts ko = { "KEKforBYOK", 0, "contosokeyvaulthsm",
	    NULL, "00000000000000000000000000000000" };
	struct vault_kek_info ki;
	struct vault_import_opts io = { 0 };
	struct vault_import_info ii;
	struct kr_err e;
	EVP_PKEY *t;
	char fpr[65];
	const char *names[][2] = {
		{ "rsa2048.byok", "target_rsa2048_priv.pem" },
		{ "ecp256.byok", "target_ecp256_priv.pem" },
	};
	size_t i;

	ko.import_path = vt_vector("kek_rsa2048_priv.pem");
	kr_err_clear(&e);
	if (vault_kek_create(vdir, &ko, &ki, &e) != 0)
		fail_msg("%s", e.msg);
	assert_string_equal(ki.kid, "https://contosokeyvaulthsm.vault.azure."
	    "net/keys/KEKforBYOK/00000000000000000000000000000000");
	for (i = 0; i < 2; i++) {
		t = vt_key(vt_vector(names[i][1]));
		assert_int_equal(keyio_spki_sha256_hex(t, fpr, &e), 0);
		kr_err_clear(&e);
		if (vault_import(vdir, vt_vector(names[i][0]), &io, &ii, &e) != 0)
			fail_msg("%s", e.msg);
		assert_string_equal(ii.spki_sha256, fpr);
		assert_string_equal(ii.kek_name, "KEKforBYOK");
		EVP_PKEY_free(t);
	}
}

static void
tamper_byok(const char *in, const char *out, const char *what)
{
	char *buf, *p;
	size_t len;

	vt_read(in, &buf, &len);
	if (strcmp(what, "ct") == 0) {
		p = strstr(buf, "\"ciphertext\": \"") + 15 + 600;
		*p = *p == 'A' ? 'B' : 'A';
	} else if (strcmp(what, "kid") == 0) {
		p = strstr(buf, "/keys/") + 6;
		*p = *p == 'A' ? 'B' : 'A';
	} else if (strcmp(what, "json") == 0)
		buf[len / 2] = '{';
	vt_write(out, buf, len);
	free(buf);
}

/* The legacy method: a region KEK from verified packages, the .byok and
 * its signed manifest; then each kind of tampering is refused. */
static void
test_legacy_manifest(void **state)
{
	struct vault_import_opts io = { 0 };
	struct vault_import_info ii;
	struct pkg_info pi;
	struct manifest m, m2;
	struct kr_err e;
	EVP_PKEY *t, *signer;
	char kp[4400], wp[4400], byok[4400], mpath[4400], bad[4400];
	char *k, *w, *json = NULL, sha[65], fpr[65];
	size_t kl, wl, len = 0, i;
	struct {
		const char *field;
		const char *msg;
	} wrong[] = {
		{ "byok_sha256", "byok_sha256 is not the SHA-256 of this .byok" },
		{ "kek_pkg_sha256", "kek_pkg_sha256 is not this vault's "
		  "BYOK-KEK-pkg-NA-1" },
		{ "world_pkg_sha256", "world_pkg_sha256 is not this vault's" },
		{ "acl", "the ACL does not permit exactly export" },
		{ "kty", "kty is EC, the key is RSA" },
	};

	assert_int_equal(vault_package_paths(vdir, "NA", kp, sizeof(kp), wp,
	    sizeof(wp), &e), 0);
	vt_read(kp, &k, &kl);
	vt_read(wp, &w, &wl);
	assert_int_equal(pkg_verify(kp, k, kl, wp, w, wl, vinfo.root_sha256,
	    "NA", &pi, &e), 0);
	assert_int_equal(keyio_gen_rsa(2048, &t, NULL), 0);
	assert_int_equal(keyio_gen_ed25519(&signer, NULL), 0);
	snprintf(byok, sizeof(byok), "%s/legacy.byok", tmp);
	write_byok(pi.kek, t, pi.kid, byok, sha);

	memset(&m, 0, sizeof(m));
	strcpy(m.subscription_id, "8c3c8f9e-3f3e-4d8b-9a4b-0c1d2e3f4a5b");
	strcpy(m.friendly_name, "ContosoFirstHSMkey");
	strcpy(m.ident, "contosokey");
	strcpy(m.world_id, "00112233445566778899aabbccddeeff");
	strcpy(m.kek_pkg_sha256, pi.kek_sha256);
	strcpy(m.world_pkg_sha256, pi.world_sha256);
	strcpy(m.byok_sha256, sha);
	manifest_acl_format(m.acl, sizeof(m.acl), pi.kek_sha256,
	    pi.world_sha256);
	strcpy(m.kty, "RSA");
	strcpy(m.created, "2026-11-27T10:14:03Z");
	assert_int_equal(manifest_sign(&m, signer, &json, &len, &e), 0);
	snprintf(mpath, sizeof(mpath), "%s/legacy.manifest", tmp);
	vt_write(mpath, json, len);
	free(json);

	io.manifest = mpath;
	kr_err_clear(&e);
	if (vault_import(vdir, byok, &io, &ii, &e) != 0)
		fail_msg("%s", e.msg);
	assert_true(ii.manifest_checked);
	assert_string_equal(ii.region, "NA");
	assert_string_equal(ii.kek_name, "BYOK-KEK-NA");
	assert_string_equal(ii.friendly_name, "ContosoFirstHSMkey");
	assert_int_equal(keyio_spki_sha256_hex(t, fpr, &e), 0);
	assert_string_equal(ii.spki_sha256, fpr);
	/* --kek by region code finds the same KEK. */
	io.kek = "NA";
	assert_int_equal(vault_import(vdir, byok, &io, &ii, &e), 0);
	io.kek = NULL;

	/* A manifest that is signed but binds something else. */
	for (i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		m2 = m;
		if (strcmp(wrong[i].field, "kty") == 0)
			strcpy(m2.kty, "EC");
		else if (strcmp(wrong[i].field, "acl") == 0)
			manifest_acl_format(m2.acl, sizeof(m2.acl),
			    pi.kek_sha256, pi.kek_sha256);
		else if (strcmp(wrong[i].field, "byok_sha256") == 0)
			kr_sha256_hex("x", 1, m2.byok_sha256);
		else if (strcmp(wrong[i].field, "kek_pkg_sha256") == 0)
			strcpy(m2.kek_pkg_sha256, pi.world_sha256);
		else
			strcpy(m2.world_pkg_sha256, pi.kek_sha256);
		assert_int_equal(manifest_sign(&m2, signer, &json, &len, &e), 0);
		snprintf(bad, sizeof(bad), "%s/bad-%zu.manifest", tmp, i);
		vt_write(bad, json, len);
		free(json);
		io.manifest = bad;
		io.name = "should-not-exist";
		kr_err_clear(&e);
		assert_int_equal(vault_import(vdir, byok, &io, &ii, &e),
		    KR_EFAIL);
		assert_true(vt_has(e.msg, wrong[i].msg));
		assert_false(kr_path_exists(vpath("keys/should-not-exist.pem")));
	}
	/* A manifest field changed after signing. */
	vt_read(mpath, &json, &len);
	*strstr(json, "ContosoFirstHSMkey") = 'X';
	vt_write(bad, json, len);
	free(json);
	assert_int_equal(vault_import(vdir, byok, &io, &ii, &e), KR_EFAIL);
	assert_true(vt_has(e.msg, "signature does not verify"));
	/* A manifest that is not JSON; one that is missing. */
	vt_write(bad, "{", 1);
	assert_int_equal(vault_import(vdir, byok, &io, &ii, &e), KR_EDATA);
	snprintf(bad, sizeof(bad), "%s/missing.manifest", tmp);
	assert_int_equal(vault_import(vdir, byok, &io, &ii, &e), KR_ENOINPUT);
	/* A manifest with a current-method KEK. */
	io.manifest = mpath;
	io.kek = "mykek";
	assert_int_equal(vault_import(vdir, byok, &io, &ii, &e), KR_EFAIL);
	io.kek = NULL;

	/* Tampered .byok files. */
	io.manifest = NULL;
	snprintf(bad, sizeof(bad), "%s/bad.byok", tmp);
	tamper_byok(byok, bad, "ct");
	kr_err_clear(&e);
	assert_int_equal(vault_import(vdir, bad, &io, &ii, &e), KR_EFAIL);
	assert_true(vt_has(e.msg, "bad.byok: "));
	tamper_byok(byok, bad, "kid");
	assert_int_equal(vault_import(vdir, bad, &io, &ii, &e), KR_EFAIL);
	assert_true(vt_has(e.msg, "no KEK in"));
	tamper_byok(byok, bad, "json");
	assert_int_equal(vault_import(vdir, bad, &io, &ii, &e), KR_EDATA);
	snprintf(bad, sizeof(bad), "%s/missing.byok", tmp);
	assert_int_equal(vault_import(vdir, bad, &io, &ii, &e), KR_ENOINPUT);
	/* The wrong KEK, named. */
	io.kek = "EU";
	assert_int_equal(vault_import(vdir, byok, &io, &ii, &e), KR_EFAIL);
	assert_true(vt_has(e.msg, "wrong KEK"));
	io.kek = "nosuchkek";
	assert_int_equal(vault_import(vdir, byok, &io, &ii, &e), KR_EFAIL);
	assert_false(kr_path_exists(vpath("keys/should-not-exist.pem")));
	/* Not a vault. */
	io.kek = NULL;
	assert_int_equal(vault_import(tmp, byok, &io, &ii, &e), KR_ENOINPUT);

	pkg_info_free(&pi);
	EVP_PKEY_free(t);
	EVP_PKEY_free(signer);
	free(k);
	free(w);
}

static void
test_locked(void **state)
{
	struct vault_import_opts io = { 0 };
	struct vault_import_info ii;
	struct kr_err e;
	int fd = -1;

	assert_int_equal(kr_lock_dir(vdir, &fd, &e), 0);
	/* flock locks are per open file description: a second open in the
	 * same process conflicts too. */
	assert_int_equal(vault_import(vdir, vt_vector("rsa2048.byok"), &io, &ii,
	    &e), KR_ELOCKED);
	kr_unlock_dir(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regions),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_kek_import),
		cmocka_unit_test(test_reference_vector),
		cmocka_unit_test(test_legacy_manifest),
		cmocka_unit_test(test_locked),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
