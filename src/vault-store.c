/* SPDX-License-Identifier: ISC */
/*
 * vault-store.c: the vault's own records: vault.json and the KEK records
 * (keks/<NAME>.json with keks/<NAME>.key), and kids.  Records are written
 * by us but read back as untrusted input: every field is checked again.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/rand.h>

#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "sjson.h"
#include "vault-int.h"

#define META_FORMAT	"keyrite-vault"
#define KEK_FORMAT	"keyrite-vault-kek"

static int
read_json(const char *path, size_t max, json_t **o, struct kr_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	if ((r = kr_read_file(path, max, &buf, &len, e)) != 0)
		return r;
	r = sjson_load(path, buf, len, max, o, e);
	free(buf);
	return r;
}

int
vault_meta_write(const char *dir, const struct vault_meta *m,
    struct kr_err *e)
{
	char path[PATH_MAX];
	json_t *o = NULL, *a = NULL;
	size_t i;
	int r;

	if (kr_path_join(path, sizeof(path), dir, "vault.json") != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s: path too long", dir);
	if ((o = json_object()) == NULL || (a = json_array()) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < m->ncodes; i++)
		if (json_array_append_new(a, json_string(m->codes[i])) != 0) {
			r = kr_errf(e, KR_ENOMEM, "out of memory");
			goto out;
		}
	if (json_object_set_new(o, "format", json_string(META_FORMAT)) ||
	    json_object_set_new(o, "version", json_integer(1)) ||
	    json_object_set_new(o, "name", json_string(m->name)) ||
	    json_object_set_new(o, "created", json_string(m->created)) ||
	    json_object_set_new(o, "kek_bits", json_integer(m->kek_bits)) ||
	    json_object_set(o, "regions", a)) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	r = sjson_write(path, o, JSON_INDENT(2) | JSON_ENSURE_ASCII, e);
out:
	json_decref(a);
	json_decref(o);
	return r;
}

int
vault_meta_read(const char *dir, struct vault_meta *m, struct kr_err *e)
{
	static const char *const keys[] = { "format", "version", "name",
	    "created", "kek_bits", "regions", NULL };
	char path[PATH_MAX];
	json_t *o = NULL, *a, *v;
	const char *s;
	long long n;
	size_t i;
	int r;

	memset(m, 0, sizeof(*m));
	if (kr_path_join(path, sizeof(path), dir, "vault.json") != 0)
		return kr_errf(e, KR_ENOINPUT, "%s: path too long", dir);
	if (!kr_path_exists(path))
		return kr_errf(e, KR_ENOINPUT, "%s: not a keyrite vault (no "
		    "vault.json)", dir);
	if ((r = read_json(path, VAULT_META_MAX, &o, e)) != 0)
		return r;
	if ((r = sjson_only(path, NULL, o, keys, e)) != 0 ||
	    (r = sjson_str(path, o, "format", 64, 0, &s, e)) != 0)
		goto out;
	if (strcmp(s, META_FORMAT) != 0) {
		r = kr_errf(e, KR_EDATA, "%s: not a keyrite vault", path);
		goto out;
	}
	if ((r = sjson_int(path, o, "version", 1, 1, &n, e)) != 0 ||
	    (r = sjson_str(path, o, "name", sizeof(m->name) - 1, 0, &s, e)) != 0)
		goto out;
	snprintf(m->name, sizeof(m->name), "%s", s);
	if ((r = sjson_str(path, o, "created", sizeof(m->created) - 1, 0, &s,
	    e)) != 0)
		goto out;
	snprintf(m->created, sizeof(m->created), "%s", s);
	if ((r = sjson_int(path, o, "kek_bits", 2048, 4096, &n, e)) != 0)
		goto out;
	m->kek_bits = (int)n;
	a = json_object_get(o, "regions");
	if (!json_is_array(a) || json_array_size(a) > VAULT_NREGIONS) {
		r = kr_errf(e, KR_EDATA, "%s: 'regions' is not a list of "
		    "regions", path);
		goto out;
	}
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) ||
		    vault_region_find(json_string_value(v)) == NULL) {
			r = kr_errf(e, KR_EDATA, "%s: 'regions' holds an "
			    "unknown region", path);
			goto out;
		}
		snprintf(m->codes[i], sizeof(m->codes[i]), "%s",
		    vault_region_find(json_string_value(v))->code);
	}
	m->ncodes = json_array_size(a);
	r = 0;
out:
	json_decref(o);
	return r;
}

int
vault_name_ok(const char *s, int upper, size_t max)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (upper && s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return i > 0 && i < max;
}

int
vault_kid_make(const char *vault_name, const char *key_name,
    const char *version, char *out, size_t outsz, struct kr_err *e)
{
	uint8_t rnd[16];
	char hex[33];
	size_t i;
	int n;

	if (version == NULL) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return kr_errf(e, KR_ECRYPTO, "no random bytes");
		kr_hex_encode(rnd, sizeof(rnd), hex, sizeof(hex));
	} else {
		for (i = 0; version[i] != '\0'; i++)
			if (!((version[i] >= '0' && version[i] <= '9') ||
			    (version[i] >= 'a' && version[i] <= 'f')))
				break;
		if (i != 32 || version[i] != '\0')
			return kr_errf(e, KR_EUSAGE, "key version: not 32 "
			    "lowercase hex digits");
		memcpy(hex, version, 33);
	}
	n = snprintf(out, outsz, "https://%s.vault.azure.net/keys/%s/%s",
	    vault_name, key_name, hex);
	if (n < 0 || (size_t)n >= outsz)
		return kr_errf(e, KR_EUSAGE, "kid too long");
	return 0;
}

static int
kek_paths(const char *dir, const char *name, char *key, size_t keysz,
    char *rec, size_t recsz, struct kr_err *e)
{
	char kdir[PATH_MAX], f[VAULT_KEK_NAME_MAX + 8];

	if (!vault_name_ok(name, 1, VAULT_KEK_NAME_MAX))
		return kr_errf(e, KR_EUSAGE, "KEK name: letters, digits and "
		    "dashes only, at most %d", VAULT_KEK_NAME_MAX - 1);
	if (kr_path_join(kdir, sizeof(kdir), dir, "keks") != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	snprintf(f, sizeof(f), "%s.key", name);
	if (key != NULL && kr_path_join(key, keysz, kdir, f) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	snprintf(f, sizeof(f), "%s.json", name);
	if (rec != NULL && kr_path_join(rec, recsz, kdir, f) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	return 0;
}

int
vault_kek_store(const char *dir, const struct vault_kek_rec *rec,
    EVP_PKEY *priv, struct kr_err *e)
{
	char key[PATH_MAX], recp[PATH_MAX], kdir[PATH_MAX];
	json_t *o = NULL;
	int r;

	if ((r = kek_paths(dir, rec->name, key, sizeof(key), recp,
	    sizeof(recp), e)) != 0)
		return r;
	if (kr_path_join(kdir, sizeof(kdir), dir, "keks") != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s: path too long", dir);
	if ((r = kr_mkdir_private(kdir, e)) != 0)
		return r;
	if (kr_path_exists(recp) || kr_path_exists(key))
		return kr_errf(e, KR_ECANTCREAT, "a KEK named %s already exists "
		    "in %s", rec->name, dir);
	if ((o = json_object()) == NULL ||
	    json_object_set_new(o, "format", json_string(KEK_FORMAT)) ||
	    json_object_set_new(o, "version", json_integer(1)) ||
	    json_object_set_new(o, "name", json_string(rec->name)) ||
	    json_object_set_new(o, "kid", json_string(rec->kid)) ||
	    (rec->region[0] != '\0' &&
	    json_object_set_new(o, "region", json_string(rec->region))) ||
	    json_object_set_new(o, "bits", json_integer(rec->bits)) ||
	    json_object_set_new(o, "public_key_sha256",
	    json_string(rec->spki_sha256))) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	/* The key first: a record never points at a missing key. */
	if ((r = keyio_write_private(key, priv, e)) != 0)
		goto out;
	r = sjson_write(recp, o, JSON_INDENT(2) | JSON_ENSURE_ASCII, e);
out:
	json_decref(o);
	return r;
}

void
vault_kek_remove(const char *dir, const char *name)
{
	char key[PATH_MAX], recp[PATH_MAX];

	if (kek_paths(dir, name, key, sizeof(key), recp, sizeof(recp),
	    NULL) != 0)
		return;
	unlink(recp);
	unlink(key);
}

static int
kek_read(const char *path, struct vault_kek_rec *rec, struct kr_err *e)
{
	static const char *const keys[] = { "format", "version", "name", "kid",
	    "region", "bits", "public_key_sha256", NULL };
	json_t *o = NULL;
	const char *s;
	long long n;
	int r;

	memset(rec, 0, sizeof(*rec));
	if ((r = read_json(path, VAULT_META_MAX, &o, e)) != 0)
		return r;
	if ((r = sjson_only(path, NULL, o, keys, e)) != 0 ||
	    (r = sjson_str(path, o, "format", 64, 0, &s, e)) != 0)
		goto out;
	if (strcmp(s, KEK_FORMAT) != 0) {
		r = kr_errf(e, KR_EDATA, "%s: not a KEK record", path);
		goto out;
	}
	if ((r = sjson_int(path, o, "version", 1, 1, &n, e)) != 0 ||
	    (r = sjson_str(path, o, "name", sizeof(rec->name) - 1, 0, &s,
	    e)) != 0)
		goto out;
	if (!vault_name_ok(s, 1, VAULT_KEK_NAME_MAX)) {
		r = kr_errf(e, KR_EDATA, "%s: bad KEK name", path);
		goto out;
	}
	snprintf(rec->name, sizeof(rec->name), "%s", s);
	if ((r = sjson_str(path, o, "kid", sizeof(rec->kid) - 1, 0, &s, e)) != 0)
		goto out;
	snprintf(rec->kid, sizeof(rec->kid), "%s", s);
	if (json_object_get(o, "region") != NULL) {
		if ((r = sjson_str(path, o, "region", sizeof(rec->region) - 1,
		    0, &s, e)) != 0)
			goto out;
		if (vault_region_find(s) == NULL) {
			r = kr_errf(e, KR_EDATA, "%s: unknown region", path);
			goto out;
		}
		snprintf(rec->region, sizeof(rec->region), "%s",
		    vault_region_find(s)->code);
	}
	if ((r = sjson_int(path, o, "bits", 2048, 16384, &n, e)) != 0)
		goto out;
	rec->bits = (int)n;
	if ((r = sjson_hex64(path, o, "public_key_sha256", &s, e)) != 0)
		goto out;
	snprintf(rec->spki_sha256, sizeof(rec->spki_sha256), "%s", s);
	r = 0;
out:
	json_decref(o);
	return r;
}

int
vault_kek_lookup(const char *dir, const char *name,
    struct vault_kek_rec *rec, struct kr_err *e)
{
	char recp[PATH_MAX];
	int r;

	if (!vault_name_ok(name, 1, VAULT_KEK_NAME_MAX))
		return kr_errf(e, KR_EFAIL, "no KEK named '%.40s' in %s", name,
		    dir);
	if ((r = kek_paths(dir, name, NULL, 0, recp, sizeof(recp), e)) != 0)
		return r;
	if (!kr_path_exists(recp))
		return kr_errf(e, KR_EFAIL, "no KEK named %s in %s", name, dir);
	if ((r = kek_read(recp, rec, e)) != 0)
		return r;
	if (strcmp(rec->name, name) != 0)
		return kr_errf(e, KR_EDATA, "%s: names KEK %s", recp, rec->name);
	return 0;
}

int
vault_kek_by_kid(const char *dir, const char *kid, struct vault_kek_rec *rec,
    struct kr_err *e)
{
	char kdir[PATH_MAX], name[VAULT_KEK_NAME_MAX];
	struct dirent *de;
	DIR *d;
	size_t n;
	int r = KR_EFAIL, found = 0;

	if (kr_path_join(kdir, sizeof(kdir), dir, "keks") != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	if ((d = opendir(kdir)) == NULL) {
		if (errno == ENOENT)
			return kr_errf(e, KR_EFAIL, "no KEK in %s (the vault has "
			    "no KEKs)", dir);
		return kr_errf(e, KR_EIO, "%s: %s", kdir, strerror(errno));
	}
	while (!found && (de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n <= 5 || n - 5 >= sizeof(name) ||
		    strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		memcpy(name, de->d_name, n - 5);
		name[n - 5] = '\0';
		if (!vault_name_ok(name, 1, VAULT_KEK_NAME_MAX))
			continue;
		if ((r = vault_kek_lookup(dir, name, rec, e)) != 0)
			break;
		if (strcmp(rec->kid, kid) == 0)
			found = 1;
	}
	closedir(d);
	if (found)
		return 0;
	if (r != 0 && r != KR_EFAIL)
		return r;
	memset(rec, 0, sizeof(*rec));
	return kr_errf(e, KR_EFAIL, "no KEK in %s has this kid", dir);
}

int
vault_kek_private(const char *dir, const struct vault_kek_rec *rec,
    EVP_PKEY **out, struct kr_err *e)
{
	char key[PATH_MAX], hex[65];
	int r;

	if ((r = kek_paths(dir, rec->name, key, sizeof(key), NULL, 0, e)) != 0)
		return r;
	if ((r = keyio_read_private(key, out, e)) != 0)
		return r;
	if ((r = keyio_spki_sha256_hex(*out, hex, e)) != 0 ||
	    strcmp(hex, rec->spki_sha256) != 0 ||
	    !EVP_PKEY_is_a(*out, "RSA")) {
		EVP_PKEY_free(*out);
		*out = NULL;
		return r != 0 ? r : kr_errf(e, KR_EDATA, "%s: not the key its "
		    "record describes", key);
	}
	return 0;
}
