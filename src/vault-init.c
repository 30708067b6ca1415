/* SPDX-License-Identifier: ISC */
/*
 * vault-init.c: `vault init`: a root key, and per package code a module
 * key (certified by the root), a receiving world key, an RSA KEK and the
 * two packages, then a toolset zip per region and SHA256SUMS.
 *
 * Everything is built in a sibling temporary directory and renamed into
 * place at the end, so a failed init leaves nothing behind and a vault is
 * never seen half made.  Module and world private keys are dropped once
 * the packages are signed (nothing needs them again); the root and KEK
 * private keys are kept, 0600.  Cost: one RSA key generation per package
 * code (17 for all 18 regions), which dominates, so those run on up to
 * four threads (about 1.5 to 2 s for all regions on two cores); root,
 * module and world keys are Ed25519.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <pthread.h>

#include <openssl/evp.h>

#include "clock.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "pkg.h"
#include "vault-int.h"

struct init_ctx {
	const char	*tmp;
	const char	*vault_name;
	int		 bits;
	EVP_PKEY	*root;
	EVP_PKEY	*kek[VAULT_NREGIONS];		/* by code index */
	char		*kek_pkg[VAULT_NREGIONS];
	size_t		 kek_len[VAULT_NREGIONS];
	char		*world_pkg[VAULT_NREGIONS];
	size_t		 world_len[VAULT_NREGIONS];
};

static int
write_in(const char *dir, const char *sub, const char *name, const void *buf,
    size_t len, struct kr_err *e)
{
	char d[PATH_MAX], path[PATH_MAX];

	if (kr_path_join(d, sizeof(d), dir, sub) != 0 ||
	    kr_path_join(path, sizeof(path), *sub != '\0' ? d : dir, name) != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s: path too long", dir);
	return kr_write_atomic(path, buf, len, 0600, e);
}

static int
mkdir_in(const char *dir, const char *sub, struct kr_err *e)
{
	char d[PATH_MAX];

	if (kr_path_join(d, sizeof(d), dir, sub) != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s: path too long", dir);
	return kr_mkdir_private(d, e);
}

/*
 * RSA key generation is nearly all of init's time, so the KEKs are made by
 * a few threads at once (OpenSSL 3 is thread-safe); each thread takes the
 * next index until none is left.
 */
#define KEYGEN_THREADS	4

struct keygen_pool {
	pthread_mutex_t	 mu;
	size_t		 next, n;
	int		 bits;
	EVP_PKEY	**out;
};

static void *
keygen_worker(void *arg)
{
	struct keygen_pool *p = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			return NULL;
		if (keyio_gen_rsa(p->bits, &p->out[i], NULL) != 0)
			p->out[i] = NULL;
	}
}

static int
gen_keks(struct init_ctx *c, size_t n, struct kr_err *e)
{
	struct keygen_pool pool;
	pthread_t th[KEYGEN_THREADS];
	size_t i, started = 0;
	long cpus;

	pool.next = 0;
	pool.n = n;
	pool.bits = c->bits;
	pool.out = c->kek;
	if (pthread_mutex_init(&pool.mu, NULL) != 0)
		return kr_errf(e, KR_ENOMEM, "cannot start key generation");
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	for (i = 0; i < KEYGEN_THREADS && (long)i < (cpus > 1 ? cpus : 1) &&
	    i < n; i++)
		if (pthread_create(&th[started], NULL, keygen_worker, &pool) == 0)
			started++;
	if (started == 0)
		keygen_worker(&pool);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&pool.mu);
	for (i = 0; i < n; i++)
		if (c->kek[i] == NULL)
			return kr_errf(e, KR_ECRYPTO, "cannot generate an RSA %d "
			    "KEK", c->bits);
	return 0;
}

static int
write_root(struct init_ctx *c, struct vault_init_info *info, struct kr_err *e)
{
	uint8_t *der = NULL, md[20];
	char *pem = NULL, line[80], path[PATH_MAX];
	size_t derlen = 0, pemlen = 0;
	int r;

	if ((r = keyio_gen_ed25519(&c->root, e)) != 0)
		return r;
	if (kr_path_join(path, sizeof(path), c->tmp, "root.key") != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s: path too long", c->tmp);
	if ((r = keyio_write_private(path, c->root, e)) != 0)
		return r;
	if ((r = keyio_spki_der(c->root, &der, &derlen, e)) != 0)
		return r;
	if ((r = kr_sha256_hex(der, derlen, info->root_sha256)) != 0 ||
	    EVP_Digest(der, derlen, md, NULL, EVP_sha1(), NULL) != 1) {
		r = kr_errf(e, KR_ECRYPTO, "cannot hash the root key");
		goto out;
	}
	kr_hex_encode(md, sizeof(md), info->root_sha1, sizeof(info->root_sha1));
	snprintf(line, sizeof(line), "%s\n", info->root_sha256);
	if ((r = write_in(c->tmp, "", "root.hash", line, strlen(line), e)) != 0)
		goto out;
	if ((r = keyio_public_pem(c->root, &pem, &pemlen, e)) != 0 ||
	    (r = write_in(c->tmp, "", "root.pub.pem", pem, pemlen, e)) != 0)
		goto out;
	r = 0;
out:
	free(der);
	free(pem);
	return r;
}

/* Module, world and KEK keys and the two packages of one code. */
static int
make_code(struct init_ctx *c, size_t idx, const char *code, struct kr_err *e)
{
	EVP_PKEY *module = NULL, *world = NULL, *kek = c->kek[idx];
	struct pkg_chain chain;
	struct pkg_kek_spec ks;
	struct pkg_world_spec ws;
	struct vault_kek_rec rec;
	char wid[65], kekname[VAULT_KEK_NAME_MAX], pname[64];
	int r;

	memset(&rec, 0, sizeof(rec));
	snprintf(kekname, sizeof(kekname), "%s%s", VAULT_LEGACY_KEK_PREFIX,
	    code);
	if ((r = keyio_gen_ed25519(&module, e)) != 0 ||
	    (r = keyio_gen_ed25519(&world, e)) != 0 ||
	    (r = keyio_spki_sha256_hex(world, wid, e)) != 0)
		goto out;
	snprintf(rec.name, sizeof(rec.name), "%s", kekname);
	snprintf(rec.region, sizeof(rec.region), "%s", code);
	rec.bits = c->bits;
	if ((r = vault_kid_make(c->vault_name, kekname, NULL, rec.kid,
	    sizeof(rec.kid), e)) != 0 ||
	    (r = keyio_spki_sha256_hex(kek, rec.spki_sha256, e)) != 0)
		goto out;
	chain.root = c->root;
	chain.module = module;
	chain.cert_region = NULL;
	chain.serial = (long long)idx + 1;
	ks.region = code;
	ks.world_id = wid;
	ks.kid = rec.kid;
	ks.kek = kek;
	ks.exportable = 0;
	ws.region = code;
	ws.world_key = world;
	ws.world_id = NULL;
	ws.cipher_suite = NULL;
	if ((r = pkg_build_kek(&chain, &ks, &c->kek_pkg[idx], &c->kek_len[idx],
	    e)) != 0 ||
	    (r = pkg_build_world(&chain, &ws, &c->world_pkg[idx],
	    &c->world_len[idx], e)) != 0)
		goto out;
	vault_pkg_name(pname, sizeof(pname), "KEK", code);
	if ((r = write_in(c->tmp, "packages", pname, c->kek_pkg[idx],
	    c->kek_len[idx], e)) != 0)
		goto out;
	vault_pkg_name(pname, sizeof(pname), "SecurityWorld", code);
	if ((r = write_in(c->tmp, "packages", pname, c->world_pkg[idx],
	    c->world_len[idx], e)) != 0)
		goto out;
	r = vault_kek_store(c->tmp, &rec, kek, e);
out:
	EVP_PKEY_free(module);
	EVP_PKEY_free(world);
	return r;
}

static int
make_toolset(struct init_ctx *c, size_t idx, const struct vault_region *vr,
    char sha256[65], struct kr_err *e)
{
	struct vault_zip_entry ents[3];
	char kname[64], wname[64], readme[512];
	uint8_t *zip = NULL;
	size_t ziplen = 0;
	int r;

	vault_pkg_name(kname, sizeof(kname), "KEK", vr->code);
	vault_pkg_name(wname, sizeof(wname), "SecurityWorld", vr->code);
	snprintf(readme, sizeof(readme),
	    "keyrite rehearsal toolset: %s (%s)\n"
	    "Simulated BYOK toolset of a keyrite receiving vault, for\n"
	    "rehearsals only.  It holds the KEK package and the Security\n"
	    "World package of package code %s:\n  %s\n  %s\n"
	    "Check this file's SHA-256 against the published value, and the\n"
	    "packages against the pinned root key hash, before use.\n",
	    vr->display, vr->id, vr->code, kname, wname);
	ents[0].name = kname;
	ents[0].data = c->kek_pkg[idx];
	ents[0].len = c->kek_len[idx];
	ents[1].name = wname;
	ents[1].data = c->world_pkg[idx];
	ents[1].len = c->world_len[idx];
	ents[2].name = "README.txt";
	ents[2].data = readme;
	ents[2].len = strlen(readme);
	if ((r = vault_zip(ents, 3, &zip, &ziplen, e)) != 0)
		return r;
	if ((r = write_in(c->tmp, "toolsets", vr->toolset_zip, zip, ziplen,
	    e)) == 0 && (r = kr_sha256_hex(zip, ziplen, sha256)) != 0)
		kr_errf(e, r, "cannot hash the toolset");
	free(zip);
	return r;
}

/* The regions, each once, in table order, and their package codes (a
 * code shared by two regions once) in meta. */
static int
select_regions(const struct vault_init_opts *o,
    const struct vault_region **sel, size_t *nsel, struct vault_meta *meta,
    struct kr_err *e)
{
	const struct vault_region *vr;
	size_t i, j;

	*nsel = 0;
	for (i = 0; i < VAULT_NREGIONS; i++) {
		vr = vault_region_at(i);
		if (o->regions == NULL || o->nregions == 0) {
			sel[(*nsel)++] = vr;
			continue;
		}
		for (j = 0; j < o->nregions; j++)
			if (vault_region_find(o->regions[j]) == NULL)
				return kr_errf(e, KR_EUSAGE, "unknown region "
				    "'%.40s'", o->regions[j]);
			else if (strcasecmp(o->regions[j], vr->id) == 0 ||
			    (strcasecmp(o->regions[j], vr->code) == 0 &&
			    vault_region_find(o->regions[j]) == vr))
				break;
		if (j < o->nregions)
			sel[(*nsel)++] = vr;
	}
	for (i = 0; i < *nsel; i++) {
		for (j = 0; j < meta->ncodes; j++)
			if (strcmp(meta->codes[j], sel[i]->code) == 0)
				break;
		if (j == meta->ncodes)
			snprintf(meta->codes[meta->ncodes++],
			    sizeof(meta->codes[0]), "%s", sel[i]->code);
	}
	return 0;
}

/* The sibling temporary directory the vault is built in (tmp), after
 * making sure dir's parent exists (parent). */
static int
make_staging(const char *dir, char *parent, size_t psz, char *tmp,
    size_t tsz, struct kr_err *e)
{
	char *slash;
	int r;

	if (kr_dir_missing_or_empty(dir) != 1)
		return kr_errf(e, KR_ECANTCREAT, "%s: exists and is not an empty "
		    "directory", dir);
	snprintf(parent, psz, "%s", dir);
	while ((slash = strrchr(parent, '/')) != NULL && slash[1] == '\0' &&
	    slash != parent)
		*slash = '\0';
	if ((slash = strrchr(parent, '/')) == NULL)
		snprintf(parent, psz, ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	if ((r = kr_mkdir_private(parent, e)) != 0)
		return r;
	if (snprintf(tmp, tsz, "%s.init-XXXXXX", dir) >= (int)tsz)
		return kr_errf(e, KR_ECANTCREAT, "%s: path too long", dir);
	if (mkdtemp(tmp) == NULL)
		return kr_errf(e, KR_ECANTCREAT, "%s: %s", tmp, strerror(errno));
	return 0;
}

/* Every selected region's toolset bundle and toolsets/SHA256SUMS. */
static int
write_toolsets(struct init_ctx *c, const struct vault_region **sel,
    size_t nsel, const struct vault_meta *meta,
    struct vault_init_info *info, struct kr_err *e)
{
	char *sums;
	size_t i, codeidx, sumlen = 0;
	int r = 0;

	if ((sums = malloc(nsel * (64 + 2 + 64 + 1) + 1)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	for (i = 0; i < nsel; i++) {
		for (codeidx = 0; codeidx < meta->ncodes; codeidx++)
			if (strcmp(meta->codes[codeidx], sel[i]->code) == 0)
				break;
		info->toolsets[i].region = sel[i];
		if ((r = make_toolset(c, codeidx, sel[i],
		    info->toolsets[i].sha256, e)) != 0)
			goto out;
		sumlen += (size_t)sprintf(sums + sumlen, "%s  %s\n",
		    info->toolsets[i].sha256, sel[i]->toolset_zip);
	}
	info->ntoolsets = nsel;
	r = write_in(c->tmp, "toolsets", "SHA256SUMS", sums, sumlen, e);
out:
	free(sums);
	return r;
}

int
vault_init(const char *dir, const struct vault_init_opts *o,
    struct vault_init_info *info, struct kr_err *e)
{
	const struct vault_region *sel[VAULT_NREGIONS];
	struct vault_meta meta;
	struct init_ctx c;
	char tmp[PATH_MAX], parent[PATH_MAX];
	size_t nsel = 0, i;
	int r, made = 0;

	memset(&c, 0, sizeof(c));
	memset(&meta, 0, sizeof(meta));
	memset(info, 0, sizeof(*info));
	c.bits = o->kek_bits == 0 ? 2048 : o->kek_bits;
	if (c.bits != 2048 && c.bits != 3072 && c.bits != 4096)
		return kr_errf(e, KR_EUSAGE, "KEK size %d: use 2048, 3072 or "
		    "4096", c.bits);
	if (o->name != NULL) {
		if (!vault_name_ok(o->name, 0, VAULT_NAME_MAX))
			return kr_errf(e, KR_EUSAGE, "vault name '%.40s': "
			    "lowercase letters, digits and dashes only", o->name);
		snprintf(info->name, sizeof(info->name), "%s", o->name);
	} else
		vault_name_from_dir(dir, info->name, sizeof(info->name));
	c.vault_name = info->name;
	if ((r = select_regions(o, sel, &nsel, &meta, e)) != 0 ||
	    (r = make_staging(dir, parent, sizeof(parent), tmp, sizeof(tmp),
	    e)) != 0)
		return r;
	made = 1;
	c.tmp = tmp;

	if ((r = mkdir_in(tmp, "packages", e)) != 0 ||
	    (r = mkdir_in(tmp, "toolsets", e)) != 0 ||
	    (r = mkdir_in(tmp, "keks", e)) != 0 ||
	    (r = mkdir_in(tmp, "keys", e)) != 0 ||
	    (r = write_root(&c, info, e)) != 0)
		goto out;
	if ((r = gen_keks(&c, meta.ncodes, e)) != 0)
		goto out;
	for (i = 0; i < meta.ncodes; i++)
		if ((r = make_code(&c, i, meta.codes[i], e)) != 0)
			goto out;
	if ((r = write_toolsets(&c, sel, nsel, &meta, info, e)) != 0)
		goto out;
	snprintf(meta.name, sizeof(meta.name), "%s", info->name);
	kr_rfc3339(kr_now(), meta.created, sizeof(meta.created));
	meta.kek_bits = c.bits;
	if ((r = vault_meta_write(tmp, &meta, e)) != 0)
		goto out;
	if (rename(tmp, dir) == -1) {
		r = kr_errf(e, KR_ECANTCREAT, "%s: %s", dir, strerror(errno));
		goto out;
	}
	made = 0;
	r = kr_fsync_dir(parent, e);
out:
	if (made)
		kr_remove_tree(tmp, NULL);
	for (i = 0; i < VAULT_NREGIONS; i++) {
		free(c.kek_pkg[i]);
		free(c.world_pkg[i]);
		EVP_PKEY_free(c.kek[i]);
	}
	EVP_PKEY_free(c.root);
	if (r != 0)
		memset(info, 0, sizeof(*info));
	return r;
}
