/* SPDX-License-Identifier: ISC */
/*
 * vault-import.c: `vault import`: what the cloud does with a .byok.
 *
 * Order: read and parse the .byok (KR_EDATA when malformed); find the KEK
 * by its kid or by --kek; unwrap with CKM_RSA_AES_KEY_WRAP (SHA-1), the
 * payload staying in the secure heap; parse it as one strict DER PKCS#8
 * PrivateKeyInfo of an accepted type (RSA 2048/3072/4096, EC P-256/P-384/
 * P-521/secp256k1); check the manifest binding when one is given; make a
 * test signature with the private key and verify it with the public key
 * alone; only then store the key.
 *
 * An AES key (the import declares --kty oct, as az does for a Managed
 * HSM) is the raw key instead of a PKCS#8: refused unless the receiver is
 * a Managed HSM, known by its check value, stored as keys/<name>.key.
 *
 * The key is stored whole (PKCS#8 PEM, 0600, keys/<name>.pem): the vault
 * stands for the cloud HSM that holds the key to use it, and a rehearsal
 * may sign with it again.  It is written through a secure-heap BIO and the
 * unwrapped bytes are cleared on every path.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "byok.h"
#include "byok-profile.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "manifest.h"
#include "secmem.h"
#include "vault-int.h"

static const char test_message[] = "keyrite vault import: test signature";

/* The stored key's name: the option, or the file's base name without
 * .byok, with anything but letters, digits and dashes made a dash. */
static int
key_name(const char *opt, const char *path, char *out, size_t outsz,
    struct kr_err *e)
{
	const char *base;
	size_t n, i;

	if (opt != NULL) {
		if (!vault_name_ok(opt, 1, VAULT_KEK_NAME_MAX))
			return kr_errf(e, KR_EUSAGE, "key name: letters, digits "
			    "and dashes only");
		snprintf(out, outsz, "%s", opt);
		return 0;
	}
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".byok") == 0)
		n -= 5;
	if (n == 0 || n >= outsz || n >= VAULT_KEK_NAME_MAX)
		n = 0;
	for (i = 0; i < n; i++) {
		char c = base[i];
		out[i] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')) ? c : '-';
	}
	out[i] = '\0';
	if (i == 0)
		snprintf(out, outsz, "imported-key");
	return 0;
}

/* One DER PKCS#8 PrivateKeyInfo, nothing after it. */
static int
parse_pkcs8(const char *name, const uint8_t *p, size_t len, EVP_PKEY **out,
    struct kr_err *e)
{
	const unsigned char *q = p;
	PKCS8_PRIV_KEY_INFO *p8;
	int r = KR_EDATA;

	*out = NULL;
	if (len > LONG_MAX ||
	    (p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q, (long)len)) == NULL) {
		ERR_clear_error();
		return kr_errf(e, KR_EDATA, "%s: the unwrapped key is not a "
		    "PKCS#8 PrivateKeyInfo", name);
	}
	if (q != p + len)
		kr_errf(e, KR_EDATA, "%s: %zu bytes after the PKCS#8 "
		    "PrivateKeyInfo", name, (size_t)(p + len - q));
	else if ((*out = EVP_PKCS82PKEY(p8)) == NULL)
		kr_errf(e, KR_EDATA, "%s: the unwrapped PKCS#8 holds no usable "
		    "key", name);
	else
		r = 0;
	ERR_clear_error();
	PKCS8_PRIV_KEY_INFO_free(p8);
	return r;
}

static int
check_target(const char *name, EVP_PKEY *k, struct vault_import_info *info,
    struct kr_err *e)
{
	if (keyio_describe(k, info->kty, sizeof(info->kty), &info->bits,
	    info->curve, sizeof(info->curve)) != 0)
		return kr_errf(e, KR_EFAIL, "%s: the key is not RSA or EC", name);
	if (strcmp(info->kty, "RSA") == 0) {
		if (info->bits != 2048 && info->bits != 3072 && info->bits != 4096)
			return kr_errf(e, KR_EFAIL, "%s: RSA %d keys are refused "
			    "(2048, 3072 or 4096)", name, info->bits);
		return 0;
	}
	if (strcmp(info->kty, "EC") == 0) {
		if (strcmp(info->curve, "P-256") != 0 &&
		    strcmp(info->curve, "P-384") != 0 &&
		    strcmp(info->curve, "P-521") != 0 &&
		    strcmp(info->curve, "secp256k1") != 0)
			return kr_errf(e, KR_EFAIL, "%s: EC curve %s is refused",
			    name, info->curve);
		return 0;
	}
	return kr_errf(e, KR_EFAIL, "%s: %s keys are refused (RSA or EC)", name,
	    info->kty);
}

/* Signs with the private key, verifies with a public-only copy. */
static int
test_signature(EVP_PKEY *k, struct kr_err *e)
{
	EVP_PKEY *pub = NULL;
	uint8_t *sig = NULL, *der = NULL;
	size_t siglen = 0, derlen = 0;
	int r;

	if ((r = keyio_sign(k, test_message, sizeof(test_message) - 1, &sig,
	    &siglen, e)) != 0)
		goto out;
	if ((r = keyio_spki_der(k, &der, &derlen, e)) != 0)
		goto out;
	if (keyio_spki_parse(der, derlen, &pub) != 0 ||
	    keyio_verify(pub, test_message, sizeof(test_message) - 1, sig,
	    siglen) != 0) {
		r = kr_errf(e, KR_EFAIL, "test signature: does not verify with "
		    "the public key");
		goto out;
	}
	r = 0;
out:
	EVP_PKEY_free(pub);
	free(sig);
	free(der);
	return r;
}

/* keys/<name><ext> in dir, its folder made. */
static int
key_path(const char *dir, const char *name, const char *ext,
    struct vault_import_info *info, struct kr_err *e)
{
	char kdir[PATH_MAX], fname[VAULT_KEK_NAME_MAX + 8];
	int r;

	if (kr_path_join(kdir, sizeof(kdir), dir, "keys") != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s: path too long", dir);
	snprintf(fname, sizeof(fname), "%s%s", name, ext);
	if ((r = kr_mkdir_private(kdir, e)) != 0)
		return r;
	if (kr_path_join(info->stored, sizeof(info->stored), kdir, fname) != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s: path too long", dir);
	return 0;
}

/* An AES (oct) key: what a Managed HSM does with `--kty oct'.  The
 * payload is the raw key; nothing else may be in it. */
static int
import_oct(const char *dir, const char *file, const struct vault_import_opts *o,
    const uint8_t *p, size_t plen, struct vault_import_info *info,
    struct kr_err *e)
{
	int r;

	if (!o->managed_hsm)
		return kr_errf(e, KR_EFAIL, "%s: oct (AES) keys are imported into "
		    "a Managed HSM only, not into a key vault", file);
	if (o->manifest != NULL)
		return kr_errf(e, KR_EFAIL, "%s: a manifest binds a legacy "
		    "package; an oct key has none", file);
	if (plen != 16 && plen != 24 && plen != 32)
		return kr_errf(e, KR_EFAIL, "%s: the unwrapped oct key is %zu "
		    "bytes (an AES key is 16, 24 or 32)", file, plen);
	if ((r = byok_aes_kcv(p, plen, info->kcv, e)) != 0)
		return r;
	snprintf(info->kty, sizeof(info->kty), "oct");
	info->bits = (int)(plen * 8);
	if ((r = key_path(dir, info->name, ".key", info, e)) != 0)
		return r;
	return kr_write_atomic(info->stored, p, plen, 0600, e);
}

static int
read_pkg_hash(const char *path, char out[65], struct kr_err *e)
{
	if (!kr_path_exists(path))
		return kr_errf(e, KR_EFAIL, "%s: this vault has no such package",
		    path);
	return kr_file_sha256_hex(path, out, e);
}

/* The manifest's binding to this .byok, this vault's packages of the
 * KEK's region, and an ACL that permits exactly export to that KEK. */
static int
check_manifest(const char *dir, const struct vault_import_opts *o,
    const char *byok_sha256, const struct vault_kek_rec *kek,
    struct vault_import_info *info, struct kr_err *e)
{
	struct manifest m;
	const char *mpath = o->manifest;
	char *buf = NULL, kpath[PATH_MAX], wpath[PATH_MAX];
	char khash[65], whash[65], acl[256];
	size_t len = 0;
	int r;

	if ((r = kr_read_file_given(mpath, o->manifest_data, o->manifest_len,
	    MANIFEST_MAX_FILE, &buf, &len, e)) != 0)
		return r;
	if ((r = manifest_parse_verify(mpath, buf, len, &m, NULL, e)) != 0)
		goto out;
	r = KR_EFAIL;
	if (strcmp(m.byok_sha256, byok_sha256) != 0) {
		kr_errf(e, r, "%s: byok_sha256 is not the SHA-256 of this .byok",
		    mpath);
		goto out;
	}
	if (kek->region[0] == '\0') {
		kr_errf(e, r, "%s: binds region packages, but KEK %s is not a "
		    "region's KEK", mpath, kek->name);
		goto out;
	}
	if ((r = vault_package_paths(dir, kek->region, kpath, sizeof(kpath),
	    wpath, sizeof(wpath), e)) != 0 ||
	    (r = read_pkg_hash(kpath, khash, e)) != 0 ||
	    (r = read_pkg_hash(wpath, whash, e)) != 0)
		goto out;
	r = KR_EFAIL;
	if (strcmp(m.kek_pkg_sha256, khash) != 0) {
		kr_errf(e, r, "%s: kek_pkg_sha256 is not this vault's "
		    "BYOK-KEK-pkg-%s-1", mpath, kek->region);
		goto out;
	}
	if (strcmp(m.world_pkg_sha256, whash) != 0) {
		kr_errf(e, r, "%s: world_pkg_sha256 is not this vault's "
		    "BYOK-SecurityWorld-pkg-%s-1", mpath, kek->region);
		goto out;
	}
	if (manifest_acl_format(acl, sizeof(acl), khash, whash) != 0 ||
	    strcmp(m.acl, acl) != 0) {
		kr_errf(e, r, "%s: the ACL does not permit exactly export "
		    "wrapped to BYOK-KEK-pkg-%s-1 for BYOK-SecurityWorld-pkg-%s-1",
		    mpath, kek->region, kek->region);
		goto out;
	}
	if (strcmp(m.kty, info->kty) != 0) {
		kr_errf(e, r, "%s: kty is %s, the key is %s", mpath, m.kty,
		    info->kty);
		goto out;
	}
	snprintf(info->subscription_id, sizeof(info->subscription_id), "%s",
	    m.subscription_id);
	snprintf(info->friendly_name, sizeof(info->friendly_name), "%s",
	    m.friendly_name);
	info->manifest_checked = 1;
	r = 0;
out:
	free(buf);
	return r;
}

/* The KEK: by --kek (a KEK name, or a region id or code for its legacy
 * KEK), else by the file's kid. */
static int
find_kek(const char *dir, const char *opt, const char *kid, const char *file,
    struct vault_kek_rec *rec, struct kr_err *e)
{
	const struct vault_region *vr;
	char name[VAULT_KEK_NAME_MAX];

	if (opt == NULL) {
		if (vault_kek_by_kid(dir, kid, rec, e) != 0)
			return kr_errf(e, KR_EFAIL, "%s: no KEK in %s has the "
			    "file's kid", file, dir);
		return 0;
	}
	if (vault_name_ok(opt, 1, VAULT_KEK_NAME_MAX) &&
	    vault_kek_lookup(dir, opt, rec, NULL) == 0)
		return 0;
	if ((vr = vault_region_find(opt)) != NULL) {
		snprintf(name, sizeof(name), "%s%s", VAULT_LEGACY_KEK_PREFIX,
		    vr->code);
		return vault_kek_lookup(dir, name, rec, e);
	}
	return kr_errf(e, KR_EFAIL, "no KEK named '%.40s' in %s", opt, dir);
}

int
vault_import(const char *dir, const char *byok_path,
    const struct vault_import_opts *o, struct vault_import_info *info,
    struct kr_err *e)
{
	struct vault_meta meta;
	struct vault_kek_rec rec;
	struct byok_file bf;
	EVP_PKEY *kek = NULL, *key = NULL;
	uint8_t *p = NULL;
	size_t plen = 0, len = 0;
	char *buf = NULL, hash[65];
	int r, lockfd = -1;

	memset(info, 0, sizeof(*info));
	memset(&bf, 0, sizeof(bf));
	if ((r = key_name(o->name, byok_path, info->name, sizeof(info->name),
	    e)) != 0)
		return r;
	if ((r = kr_read_file_given(byok_path, o->byok_data, o->byok_len,
	    BYOK_MAX_FILE, &buf, &len, e)) != 0)
		return r;
	if ((r = byok_file_parse(byok_path, buf, len, &bf, e)) != 0)
		goto out;
	if ((r = kr_sha256_hex(buf, len, hash)) != 0) {
		kr_errf(e, r, "%s: cannot hash", byok_path);
		goto out;
	}
	if (o->manifest != NULL && o->manifest_data == NULL &&
	    !kr_path_exists(o->manifest)) {
		r = kr_errf(e, KR_ENOINPUT, "%s: no such file", o->manifest);
		goto out;
	}
	if ((r = vault_meta_read(dir, &meta, e)) != 0)
		goto out;
	if ((r = kr_lock_dir(dir, &lockfd, e)) != 0)
		goto out;
	if ((r = find_kek(dir, o->kek, bf.kid, byok_path, &rec, e)) != 0)
		goto out;
	snprintf(info->kek_name, sizeof(info->kek_name), "%s", rec.name);
	snprintf(info->kek_kid, sizeof(info->kek_kid), "%s", rec.kid);
	snprintf(info->region, sizeof(info->region), "%s", rec.region);
	info->kid_matches = strcmp(rec.kid, bf.kid) == 0;
	if ((r = vault_kek_private(dir, &rec, &kek, e)) != 0)
		goto out;
	if ((r = byok_unwrap(kek, EVP_sha1(), bf.ct, bf.ctlen, &p, &plen,
	    e)) != 0) {
		kr_err_prefix(e, "%s", byok_path);
		goto out;
	}
	if (o->kty != NULL && strcmp(o->kty, "oct") == 0) {
		r = import_oct(dir, byok_path, o, p, plen, info, e);
		goto out;
	}
	if ((r = parse_pkcs8(byok_path, p, plen, &key, e)) != 0)
		goto out;
	kr_secure_free(p, plen);
	p = NULL;
	if ((r = check_target(byok_path, key, info, e)) != 0)
		goto out;
	if (o->kty != NULL && strcmp(o->kty, info->kty) != 0) {
		r = kr_errf(e, KR_EFAIL, "%s: the import says --kty %s, the key "
		    "is %s", byok_path, o->kty, info->kty);
		goto out;
	}
	if (o->manifest != NULL && (r = check_manifest(dir, o, hash,
	    &rec, info, e)) != 0)
		goto out;
	if ((r = test_signature(key, e)) != 0)
		goto out;
	info->signature_verified = 1;
	if ((r = keyio_spki_sha256_hex(key, info->spki_sha256, e)) != 0)
		goto out;
	if ((r = key_path(dir, info->name, ".pem", info, e)) != 0)
		goto out;
	r = keyio_write_private(info->stored, key, e);
out:
	if (lockfd != -1)
		kr_unlock_dir(lockfd);
	kr_secure_free(p, plen);
	EVP_PKEY_free(kek);
	EVP_PKEY_free(key);
	byok_file_free(&bf);
	free(buf);
	if (r != 0) {
		char keep[sizeof(info->kek_name)];

		memcpy(keep, info->kek_name, sizeof(keep));
		memset(info, 0, sizeof(*info));
		memcpy(info->kek_name, keep, sizeof(keep));
	}
	return r;
}

int
vault_package_paths(const char *dir, const char *region, char *kek_path,
    size_t kek_sz, char *world_path, size_t world_sz, struct kr_err *e)
{
	const struct vault_region *vr;
	char pdir[PATH_MAX], name[64];

	if ((vr = vault_region_find(region)) == NULL)
		return kr_errf(e, KR_EUSAGE, "unknown region '%.40s'", region);
	if (kr_path_join(pdir, sizeof(pdir), dir, "packages") != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	vault_pkg_name(name, sizeof(name), "KEK", vr->code);
	if (kr_path_join(kek_path, kek_sz, pdir, name) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	vault_pkg_name(name, sizeof(name), "SecurityWorld", vr->code);
	if (kr_path_join(world_path, world_sz, pdir, name) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	return 0;
}

int
vault_root_hash(const char *dir, char out[65], struct kr_err *e)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0, i;
	int r;

	if (kr_path_join(path, sizeof(path), dir, "root.hash") != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	if ((r = kr_read_file(path, 256, &buf, &len, e)) != 0)
		return r;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	for (i = 0; i < len; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') ||
		    (buf[i] >= 'a' && buf[i] <= 'f')))
			break;
	if (len != 64 || i != 64) {
		free(buf);
		return kr_errf(e, KR_EDATA, "%s: not a SHA-256 in hex", path);
	}
	memcpy(out, buf, 64);
	out[64] = '\0';
	free(buf);
	return 0;
}
