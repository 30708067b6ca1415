/* SPDX-License-Identifier: ISC */
/*
 * vault-kek.c: `vault kek`: a KEK for the current method.  The private key
 * stays in the vault (keks/<NAME>.key, 0600), the public key is written as
 * DIR/NAME.pem (SubjectPublicKeyInfo, like `az keyvault key download`) and
 * the kid is https://<vault>.vault.azure.net/keys/<NAME>/<version>.  An
 * existing RSA private key may be taken instead of a fresh one (tests use
 * it to import the reference vectors), with a chosen version so the kid
 * matches theirs.  A missing or empty directory becomes a vault without
 * regions, so the current method needs no `vault init`.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "vault-int.h"

/* Reads the vault's metadata, making a bare vault in a missing or empty
 * directory. */
static int
open_or_create(const char *dir, struct vault_meta *m, struct kr_err *e)
{
	int r;

	if ((r = vault_meta_read(dir, m, e)) != KR_ENOINPUT)
		return r;
	if (kr_dir_missing_or_empty(dir) != 1)
		return r;	/* not a vault, and not ours to take over */
	if ((r = kr_mkdir_private(dir, e)) != 0)
		return r;
	memset(m, 0, sizeof(*m));
	vault_name_from_dir(dir, m->name, sizeof(m->name));
	kr_rfc3339(kr_now(), m->created, sizeof(m->created));
	m->kek_bits = 2048;
	return vault_meta_write(dir, m, e);
}

int
vault_kek_create(const char *dir, const struct vault_kek_opts *o,
    struct vault_kek_info *info, struct kr_err *e)
{
	struct vault_meta meta;
	struct vault_kek_rec rec;
	EVP_PKEY *kek = NULL;
	char fname[VAULT_KEK_NAME_MAX + 8];
	int r, lockfd = -1, bits;

	memset(info, 0, sizeof(*info));
	memset(&rec, 0, sizeof(rec));
	bits = o->bits == 0 ? 2048 : o->bits;
	if (o->name == NULL || !vault_name_ok(o->name, 1, VAULT_KEK_NAME_MAX))
		return kr_errf(e, KR_EUSAGE, "KEK name: 1 to %d letters, digits "
		    "and dashes", VAULT_KEK_NAME_MAX - 1);
	if (strncmp(o->name, VAULT_LEGACY_KEK_PREFIX,
	    strlen(VAULT_LEGACY_KEK_PREFIX)) == 0)
		return kr_errf(e, KR_EUSAGE, "KEK name: %s... is kept for the "
		    "regions' KEKs", VAULT_LEGACY_KEK_PREFIX);
	if (o->import_path == NULL && bits != 2048 && bits != 3072 &&
	    bits != 4096)
		return kr_errf(e, KR_EUSAGE, "KEK size %d: use 2048, 3072 or "
		    "4096", bits);
	if (o->vault_name != NULL && !vault_name_ok(o->vault_name, 0,
	    VAULT_NAME_MAX))
		return kr_errf(e, KR_EUSAGE, "vault name '%.40s': lowercase "
		    "letters, digits and dashes only", o->vault_name);
	if (o->import_path != NULL) {
		if ((r = keyio_read_private(o->import_path, &kek, e)) != 0)
			return r;
		if (!EVP_PKEY_is_a(kek, "RSA") || EVP_PKEY_get_bits(kek) < 2048) {
			EVP_PKEY_free(kek);
			return kr_errf(e, KR_EDATA, "%s: not an RSA key of 2048 "
			    "bits or more", o->import_path);
		}
	}
	if ((r = open_or_create(dir, &meta, e)) != 0)
		goto out;
	if ((r = kr_lock_dir(dir, &lockfd, e)) != 0)
		goto out;
	if (kek == NULL && (r = keyio_gen_rsa(bits, &kek, e)) != 0)
		goto out;
	snprintf(rec.name, sizeof(rec.name), "%s", o->name);
	rec.bits = EVP_PKEY_get_bits(kek);
	if ((r = vault_kid_make(o->vault_name != NULL ? o->vault_name :
	    meta.name, o->name, o->version, rec.kid, sizeof(rec.kid), e)) != 0 ||
	    (r = keyio_spki_sha256_hex(kek, rec.spki_sha256, e)) != 0)
		goto out;
	snprintf(fname, sizeof(fname), "%s.pem", o->name);
	if (kr_path_join(info->pem_path, sizeof(info->pem_path), dir,
	    fname) != 0) {
		r = kr_errf(e, KR_ECANTCREAT, "%s: path too long", dir);
		goto out;
	}
	if ((r = vault_kek_store(dir, &rec, kek, e)) != 0)
		goto out;
	if ((r = keyio_write_public(info->pem_path, kek, 0600, e)) != 0) {
		vault_kek_remove(dir, rec.name);	/* leave no half KEK */
		goto out;
	}
	snprintf(info->name, sizeof(info->name), "%s", rec.name);
	snprintf(info->kid, sizeof(info->kid), "%s", rec.kid);
	snprintf(info->spki_sha256, sizeof(info->spki_sha256), "%s",
	    rec.spki_sha256);
	info->bits = rec.bits;
	r = 0;
out:
	if (lockfd != -1)
		kr_unlock_dir(lockfd);
	EVP_PKEY_free(kek);
	return r;
}
