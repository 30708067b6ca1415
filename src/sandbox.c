/* SPDX-License-Identifier: ISC */
/*
 * sandbox.c: the rehearsal sandbox (sandbox.h).
 *
 * Invariants: the directory is 0700 and everything in it is written by
 * fsutil (0600, atomically); sandbox.env is written last, so a directory
 * holding it is complete and may be reused; nothing secret is in it (the
 * vault's private keys stay in vault/, as they would in the cloud).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ceremony.h"
#include "clock.h"
#include "err.h"
#include "fsutil.h"
#include "sandbox.h"
#include "sandbox-service.h"
#include "scenario.h"
#include "vault.h"

#define SANDBOX_ENV	"sandbox.env"
#define SANDBOX_BASE	"keyrite-rehearsals"
#define SANDBOX_TRIES	1000
#define MEDIA_FILE_MAX	(64 * 1024 * 1024)

static int
add_pair(char ***names, char ***values, size_t *n, const char *name,
    const char *value)
{
	char **nn, **vv, *a, *b;

	if ((a = strdup(name)) == NULL || (b = strdup(value)) == NULL) {
		free(a);
		return KR_ENOMEM;
	}
	nn = realloc(*names, (*n + 1) * sizeof(*nn));
	if (nn != NULL)
		*names = nn;
	vv = realloc(*values, (*n + 1) * sizeof(*vv));
	if (vv != NULL)
		*values = vv;
	if (nn == NULL || vv == NULL) {
		free(a);
		free(b);
		return KR_ENOMEM;
	}
	(*names)[*n] = a;
	(*values)[*n] = b;
	(*n)++;
	return 0;
}

/* Collected pairs before they become overrides and presets. */
struct pairs {
	char	**okeys, **ovals, **pnames, **pvals;
	size_t	 no, np;
};

static void
pairs_free(struct pairs *p)
{
	size_t i;

	for (i = 0; i < p->no; i++) {
		free(p->okeys[i]);
		free(p->ovals[i]);
	}
	for (i = 0; i < p->np; i++) {
		free(p->pnames[i]);
		free(p->pvals[i]);
	}
	free(p->okeys);
	free(p->ovals);
	free(p->pnames);
	free(p->pvals);
	memset(p, 0, sizeof(*p));
}

/* A list of the n keys and values (they change owner when it is made);
 * NULL for none.  KR_ENOMEM, and nothing changes owner, when there is no
 * memory.  The overrides and the presets are both such lists. */
static int
list_adopt(struct runner_override **out, char **keys, char **vals, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	if ((*out = calloc(n, sizeof(**out))) == NULL)
		return KR_ENOMEM;
	for (i = 0; i < n; i++) {
		(*out)[i].key = keys[i];
		(*out)[i].value = vals[i];
	}
	return 0;
}

/* The value of key in a list of n, or NULL. */
static const char *
list_find(const struct runner_override *l, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(l[i].key, key) == 0)
			return l[i].value;
	return NULL;
}

/* Frees a list of n and its strings. */
static void
list_free(struct runner_override *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)(uintptr_t)l[i].key);
		free((char *)(uintptr_t)l[i].value);
	}
	free(l);
}

/* Moves the pairs into the sandbox (the strings change owner). */
static int
pairs_adopt(struct sandbox *sb, struct pairs *p)
{
	if (list_adopt(&sb->overrides, p->okeys, p->ovals, p->no) != 0 ||
	    list_adopt(&sb->presets, p->pnames, p->pvals, p->np) != 0)
		return KR_ENOMEM;
	sb->noverrides = p->no;
	sb->npresets = p->np;
	free(p->okeys);
	free(p->ovals);
	free(p->pnames);
	free(p->pvals);
	memset(p, 0, sizeof(*p));
	return 0;
}

static int
set_paths(struct sandbox *sb, const struct ceremony *c, struct kr_err *e)
{
	char name[PATH_MAX];

	snprintf(name, sizeof(name), "%s.log", c->id.s);
	if (kr_path_join(sb->state_dir, sizeof(sb->state_dir), sb->dir,
	    "module") != 0 ||
	    kr_path_join(sb->vault_dir, sizeof(sb->vault_dir), sb->dir,
	    "vault") != 0 ||
	    kr_path_join(sb->media_dir, sizeof(sb->media_dir), sb->dir,
	    "media") != 0 ||
	    kr_path_join(sb->out_dir, sizeof(sb->out_dir), sb->dir,
	    "out") != 0 ||
	    kr_path_join(sb->log_path, sizeof(sb->log_path), sb->out_dir,
	    name) != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s: path too long", sb->dir);
	return 0;
}

static int
copy_file(const char *from, const char *dir, const char *name,
    struct kr_err *e)
{
	char to[PATH_MAX], *buf = NULL;
	size_t len;
	int r;

	if (strchr(name, '/') != NULL || strcmp(name, "..") == 0 ||
	    strcmp(name, ".") == 0 || name[0] == '\0')
		return kr_errf(e, KR_EDATA, "'%s': not a plain file name",
		    name);
	if (kr_path_join(to, sizeof(to), dir, name) != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s/%s: path too long", dir,
		    name);
	if ((r = kr_read_file(from, MEDIA_FILE_MAX, &buf, &len, e)) != 0)
		return r;
	r = kr_write_atomic(to, buf, len, 0600, e);
	free(buf);
	return r;
}

/* Tells the scenario (if any) where a file on the medium is. */
static int
note_media(struct sandbox *sb, enum scenario_media m, const char *name,
    struct kr_err *e)
{
	char path[PATH_MAX];

	if (sb->faults == NULL)
		return 0;
	if (name[0] == '/')
		return scenario_set_media(sb->faults, m, name, e);
	if (kr_path_join(path, sizeof(path), sb->media_dir, name) != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s: path too long", name);
	return scenario_set_media(sb->faults, m, path, e);
}

const char *
sandbox_param(const struct sandbox_opts *o, const char *name)
{
	const struct ceremony_param *p;
	const char *v = NULL;

	if (o->param != NULL)
		v = o->param(o->param_arg, name);
	if (v == NULL && (p = ceremony_param_find(o->c, name)) != NULL)
		v = p->def.s;
	return v;
}

/* The legacy method: a vault with the region's packages and toolset, the
 * media the custodians carry, and the overrides. */
static int
make_regions(struct sandbox *sb, const struct sandbox_opts *o,
    const struct ceremony_table *t, struct pairs *pp, struct kr_err *e)
{
	struct vault_init_opts vo;
	struct vault_init_info *info;
	const struct ceremony_row *row;
	const char *region, *cell, *rid;
	const char *two[2], *alt = NULL;
	char kek[PATH_MAX], world[PATH_MAX], from[PATH_MAX], key[256];
	size_t i, j;
	int r;

	memset(&vo, 0, sizeof(vo));
	region = sandbox_param(o, "region");
	if (region != NULL && vault_region_find(region) != NULL &&
	    ceremony_row_find(t, region) != NULL) {
		two[0] = region;
		vo.regions = two;
		vo.nregions = 1;
		/* wrong-region-package: another region's packages */
		for (j = 0; j < t->nrows && scenario_has(o->scenario,
		    CEREMONY_FAULT_WRONG_REGION_PACKAGE); j++) {
			rid = ceremony_row_cell(t, &t->rows[j], "id");
			if (rid != NULL && strcmp(rid, region) != 0 &&
			    vault_region_find(rid) != NULL) {
				alt = two[1] = rid;
				vo.nregions = 2;
				break;
			}
		}
	}
	if ((info = calloc(1, sizeof(*info))) == NULL)
		return KR_ENOMEM;
	if ((r = vault_init(sb->vault_dir, &vo, info, e)) != 0)
		goto out;
	if ((r = add_pair(&pp->okeys, &pp->ovals, &pp->no, "root_hash",
	    info->root_sha256)) != 0)
		goto out;
	for (i = 0; i < info->ntoolsets; i++) {
		rid = info->toolsets[i].region->id;
		snprintf(key, sizeof(key), "%s.%s.toolset_sha256",
		    t->name.s, rid);
		if ((r = add_pair(&pp->okeys, &pp->ovals, &pp->no, key,
		    info->toolsets[i].sha256)) != 0)
			goto out;
	}
	/* The media: every row the vault has a toolset for. */
	for (j = 0; j < t->nrows; j++) {
		row = &t->rows[j];
		rid = ceremony_row_cell(t, row, "id");
		for (i = 0; i < info->ntoolsets; i++)
			if (rid != NULL && strcmp(info->toolsets[i].region->id,
			    rid) == 0)
				break;
		if (i == info->ntoolsets)
			continue;
		if ((r = vault_package_paths(sb->vault_dir, rid, kek,
		    sizeof(kek), world, sizeof(world), e)) != 0)
			goto out;
		if (alt != NULL && strcmp(rid, alt) == 0) {
			/* not carried: the fault puts them on the medium */
			if ((r = scenario_set_media(sb->faults,
			    SCENARIO_ALT_KEK_PKG, kek, e)) != 0 ||
			    (r = scenario_set_media(sb->faults,
			    SCENARIO_ALT_WORLD_PKG, world, e)) != 0)
				goto out;
			continue;
		}
		if ((cell = ceremony_row_cell(t, row, "toolset_zip")) != NULL) {
			snprintf(key, sizeof(key), "toolsets/%s",
			    info->toolsets[i].region->toolset_zip);
			if (kr_path_join(from, sizeof(from), sb->vault_dir, key)
			    != 0) {
				r = kr_errf(e, KR_ECANTCREAT, "path too long");
				goto out;
			}
			if ((r = copy_file(from, sb->media_dir, cell, e)) != 0 ||
			    (r = note_media(sb, SCENARIO_TOOLSET, cell, e)) != 0)
				goto out;
		}
		if ((cell = ceremony_row_cell(t, row, "kek_package")) != NULL &&
		    ((r = copy_file(kek, sb->media_dir, cell, e)) != 0 ||
		    (r = note_media(sb, SCENARIO_KEK_PKG, cell, e)) != 0))
			goto out;
		if ((cell = ceremony_row_cell(t, row, "world_package")) !=
		    NULL && ((r = copy_file(world, sb->media_dir, cell,
		    e)) != 0 ||
		    (r = note_media(sb, SCENARIO_WORLD_PKG, cell, e)) != 0))
			goto out;
	}
	r = 0;
out:
	free(info);
	return r;
}

/* A preset (also for sandbox_service_make). */
static int
add_preset(void *arg, const char *name, const char *value)
{
	struct pairs *pp = arg;

	return add_pair(&pp->pnames, &pp->pvals, &pp->np, name, value);
}

/* The current method: a KEK in the vault; its PEM, kid and SHA-256 preset
 * kek_file, kek_id and kek_sha256. */
static int
make_kek(struct sandbox *sb, const struct sandbox_opts *o, struct pairs *pp,
    struct kr_err *e)
{
	struct vault_kek_opts ko;
	struct vault_kek_info *info;
	const char *vn, *file;
	char hex[65], vname[VAULT_NAME_MAX];
	size_t i;
	int r;

	memset(&ko, 0, sizeof(ko));
	ko.bits = 4096;		/* as the runbook's `az keyvault key create' */
	if ((ko.name = sandbox_param(o, "kek_name")) == NULL)
		ko.name = "KEK";
	/* The simulated vault's name: the vault_name parameter folded to
	 * what the vault accepts (lowercase letters, digits, dashes). */
	if ((vn = sandbox_param(o, "vault_name")) != NULL) {
		for (i = 0; vn[i] != '\0' && i < sizeof(vname) - 1; i++)
			vname[i] = (vn[i] >= 'A' && vn[i] <= 'Z') ?
			    (char)(vn[i] - 'A' + 'a') :
			    ((vn[i] >= 'a' && vn[i] <= 'z') ||
			    (vn[i] >= '0' && vn[i] <= '9')) ? vn[i] : '-';
		vname[i] = '\0';
		ko.vault_name = vname;
	}
	if ((info = calloc(1, sizeof(*info))) == NULL)
		return KR_ENOMEM;
	if ((r = vault_kek_create(sb->vault_dir, &ko, info, e)) != 0 ||
	    (r = kr_file_sha256_hex(info->pem_path, hex, e)) != 0)
		goto out;
	/* The custodians carry the PEM under the ceremony's file name, so
	 * the commands shown read as in a live run; a path given by the
	 * answers is used as it is. */
	file = sandbox_param(o, "kek_file");
	if (file != NULL && strchr(file, '/') == NULL && file[0] != '.') {
		if ((r = copy_file(info->pem_path, sb->media_dir, file, e)) != 0)
			goto out;
	} else
		file = info->pem_path;
	if ((r = note_media(sb, SCENARIO_KEK_FILE, file, e)) != 0)
		goto out;
	if ((r = add_preset(pp, "kek_file", file)) != 0 ||
	    (r = add_preset(pp, "kek_id", info->kid)) != 0)
		goto out;
	r = add_preset(pp, "kek_sha256", hex);
out:
	free(info);
	return r;
}

static int
write_env(const struct sandbox *sb, const struct pairs *p, int prepared,
    struct kr_err *e)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int r;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return KR_ENOMEM;
	fprintf(f, "# keyrite rehearsal sandbox: o KEY VALUE (overrides), "
	    "p NAME VALUE (presets), s prepared 1 (vault and media made), "
	    "tab-separated\n");
	if (prepared)
		fprintf(f, "s\tprepared\t1\n");
	for (i = 0; i < p->no; i++)
		fprintf(f, "o\t%s\t%s\n", p->okeys[i], p->ovals[i]);
	for (i = 0; i < p->np; i++)
		fprintf(f, "p\t%s\t%s\n", p->pnames[i], p->pvals[i]);
	if (fclose(f) != 0) {
		free(buf);
		return KR_ENOMEM;
	}
	if (kr_path_join(path, sizeof(path), sb->dir, SANDBOX_ENV) != 0)
		r = kr_errf(e, KR_ECANTCREAT, "%s: path too long", sb->dir);
	else
		r = kr_write_atomic(path, buf, len, 0600, e);
	free(buf);
	return r;
}

static int
read_env(struct sandbox *sb, struct pairs *p, struct kr_err *e)
{
	char path[PATH_MAX], *buf = NULL, *line, *next, *t1, *t2;
	size_t len;
	int r;

	if (kr_path_join(path, sizeof(path), sb->dir, SANDBOX_ENV) != 0)
		return kr_errf(e, KR_EDATA, "%s: path too long", sb->dir);
	if ((r = kr_read_file(path, 1024 * 1024, &buf, &len, e)) != 0)
		return r;
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strcmp(line, "s\tprepared\t1") == 0) {
			sb->prepared = 1;
			continue;
		}
		if ((line[0] != 'o' && line[0] != 'p') || line[1] != '\t' ||
		    (t1 = strchr(line + 2, '\t')) == NULL) {
			r = kr_errf(e, KR_EDATA, "%s: malformed line", path);
			goto out;
		}
		*t1++ = '\0';
		t2 = line + 2;
		if ((r = line[0] == 'o' ?
		    add_pair(&p->okeys, &p->ovals, &p->no, t2, t1) :
		    add_pair(&p->pnames, &p->pvals, &p->np, t2, t1)) != 0)
			goto out;
	}
	if (p->no > 0 || p->np > 0)
		sb->prepared = 1;	/* written before the flag existed */
	r = 0;
out:
	free(buf);
	return r;
}

/* A new kept folder: <base>/<id>-<date>-<n>, n the first free number. */
static int
new_kept_dir(struct sandbox *sb, const struct sandbox_opts *o,
    struct kr_err *e)
{
	const char *base = o->base_dir != NULL ? o->base_dir : SANDBOX_BASE;
	char date[16];
	struct tm tm;
	time_t now = kr_clock_peek();
	int n, r;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof(date), "%Y-%m-%d", &tm) == 0)
		snprintf(date, sizeof(date), "undated");
	if ((r = kr_mkdir_private(base, e)) != 0)
		return r;
	for (n = 1; n <= SANDBOX_TRIES; n++) {
		if ((size_t)snprintf(sb->dir, sizeof(sb->dir), "%s/%s-%s-%d",
		    base, o->c->id.s, date, n) >= sizeof(sb->dir))
			return kr_errf(e, KR_ECANTCREAT, "%s: path too long",
			    base);
		if (mkdir(sb->dir, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			return kr_errf(e, KR_ECANTCREAT, "%s: %s", sb->dir,
			    strerror(errno));
	}
	return kr_errf(e, KR_ECANTCREAT, "%s: %d rehearsals of %s on %s "
	    "already; remove some", base, SANDBOX_TRIES, o->c->id.s, date);
}

/* A temporary directory under $TMPDIR, removed at the end. */
static int
new_temp_dir(struct sandbox *sb, struct kr_err *e)
{
	const char *tmpdir;

	if ((tmpdir = getenv("TMPDIR")) == NULL || tmpdir[0] == '\0')
		tmpdir = "/tmp";
	if ((size_t)snprintf(sb->dir, sizeof(sb->dir),
	    "%s/keyrite-rehearsal.XXXXXX", tmpdir) >= sizeof(sb->dir))
		return kr_errf(e, KR_ECANTCREAT, "TMPDIR: path too long");
	if (mkdtemp(sb->dir) == NULL)
		return kr_errf(e, KR_ECANTCREAT, "%s: %s", sb->dir,
		    strerror(errno));
	return 0;
}

int
sandbox_create(const struct sandbox_opts *o, struct sandbox **out,
    struct kr_err *e)
{
	struct sandbox *sb;
	struct pairs pp;
	char env[PATH_MAX];
	int r, made = 0, empty;

	memset(&pp, 0, sizeof(pp));
	if ((sb = calloc(1, sizeof(*sb))) == NULL)
		return KR_ENOMEM;
	sb->o = *o;
	if (o->keep_dir != NULL) {
		sb->keep = 1;
		if ((size_t)snprintf(sb->dir, sizeof(sb->dir), "%s",
		    o->keep_dir) >= sizeof(sb->dir)) {
			r = kr_errf(e, KR_EUSAGE, "%s: path too long",
			    o->keep_dir);
			goto fail;
		}
		if (kr_path_join(env, sizeof(env), sb->dir, SANDBOX_ENV) == 0 &&
		    kr_path_exists(env)) {
			if ((r = set_paths(sb, o->c, e)) != 0 ||
			    (r = read_env(sb, &pp, e)) != 0 ||
			    (r = pairs_adopt(sb, &pp)) != 0 ||
			    (o->scenario != NULL && (r = scenario_open(o->c,
			    o->scenario, sb->dir, &sb->faults, e)) != 0))
				goto fail;
			sb->resumed = 1;
			*out = sb;
			return 0;
		}
		if ((r = kr_mkdir_private(sb->dir, e)) != 0)
			goto fail;
		if ((empty = kr_dir_missing_or_empty(sb->dir)) != 1) {
			r = kr_errf(e, KR_ECANTCREAT, "%s: %s", sb->dir,
			    empty < 0 ? strerror(errno) : "not empty and not "
			    "a keyrite sandbox (no " SANDBOX_ENV ")");
			goto fail;
		}
		made = 2;	/* ours to empty again if the build fails */
	} else if (o->discard) {
		if ((r = new_temp_dir(sb, e)) != 0)
			goto fail;
		made = 1;
	} else {
		sb->keep = 1;
		if ((r = new_kept_dir(sb, o, e)) != 0)
			goto fail;
		made = 1;
	}
	(void)chmod(sb->dir, 0700);
	if ((r = set_paths(sb, o->c, e)) != 0 ||
	    (r = kr_mkdir_private(sb->state_dir, e)) != 0 ||
	    (r = kr_mkdir_private(sb->media_dir, e)) != 0 ||
	    (r = kr_mkdir_private(sb->out_dir, e)) != 0 ||
	    (o->scenario != NULL && (r = scenario_open(o->c, o->scenario,
	    sb->dir, &sb->faults, e)) != 0))
		goto fail;
	if ((sb->faults != NULL && (r = scenario_save(sb->faults, e)) != 0) ||
	    (r = write_env(sb, &pp, 0, e)) != 0)
		goto fail;
	*out = sb;
	return 0;
fail:
	if (r == KR_ENOMEM && e != NULL && e->msg[0] == '\0')
		kr_errf(e, KR_ENOMEM, "out of memory");
	pairs_free(&pp);
	/* A failed build leaves no half-made sandbox: a --keep directory
	 * is emptied again, so that the same command can build it anew. */
	if (made && kr_remove_tree(sb->dir, NULL) == 0 && made == 2)
		(void)kr_mkdir_private(sb->dir, NULL);
	sb->keep = 1;
	(void)sandbox_destroy(sb, NULL);
	return r;
}

int
sandbox_prepare(struct sandbox *sb,
    const char *(*param)(void *arg, const char *name), void *arg,
    struct kr_err *e)
{
	struct sandbox_opts o = sb->o;
	struct pairs pp;
	const struct ceremony_table *t;
	int r;

	if (sb->prepared)
		return 0;
	if (param != NULL) {
		o.param = param;
		o.param_arg = arg;
	}
	memset(&pp, 0, sizeof(pp));
	if ((t = ceremony_table_find(o.c, "regions")) != NULL &&
	    (r = make_regions(sb, &o, t, &pp, e)) != 0)
		goto fail;
	if (ceremony_param_find(o.c, "kek_file") != NULL &&
	    (r = make_kek(sb, &o, &pp, e)) != 0)
		goto fail;
	if (sandbox_service_wanted(&o) &&
	    (r = sandbox_service_make(sb, &o, add_preset, &pp, e)) != 0)
		goto fail;
	if ((sb->faults != NULL && (r = scenario_save(sb->faults, e)) != 0) ||
	    (r = write_env(sb, &pp, 1, e)) != 0 || (r = pairs_adopt(sb, &pp)) != 0)
		goto fail;
	sb->prepared = 1;
	return 0;
fail:
	if (r == KR_ENOMEM && e != NULL && e->msg[0] == '\0')
		kr_errf(e, KR_ENOMEM, "out of memory");
	pairs_free(&pp);
	return r;
}

const char *
sandbox_override(const struct sandbox *sb, const char *key)
{
	return list_find(sb->overrides, sb->noverrides, key);
}

int
sandbox_ready(const struct sandbox *sb,
    const char *(*param)(void *arg, const char *name), void *arg)
{
	static const char *const names[] = {
		"region", "kek_name", "vault_name", "kek_file",
		"wrapping_profile", "wrapping_key_bits", "wrapping_key_file",
		"import_token_file", "package_file",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ceremony_param_find(sb->o.c, names[i]) != NULL &&
		    param(arg, names[i]) == NULL)
			return 0;
	return 1;
}

int
sandbox_provides(const struct sandbox *sb, const char *name)
{
	if (ceremony_param_find(sb->o.c, "kek_file") != NULL &&
	    (strcmp(name, "kek_file") == 0 || strcmp(name, "kek_id") == 0 ||
	    strcmp(name, "kek_sha256") == 0))
		return 1;
	/* the simulated services' wrapping key and import token */
	return sandbox_service_wanted(&sb->o) &&
	    (strncmp(name, "wrapping_key_", 13) == 0 ||
	    strncmp(name, "import_token_", 13) == 0);
}

const char *
sandbox_preset(const struct sandbox *sb, const char *name)
{
	return list_find(sb->presets, sb->npresets, name);
}

int
sandbox_destroy(struct sandbox *sb, struct kr_err *e)
{
	int r = 0;

	if (sb == NULL)
		return 0;
	if (!sb->keep && sb->dir[0] != '\0')
		r = kr_remove_tree(sb->dir, e);
	list_free(sb->overrides, sb->noverrides);
	list_free(sb->presets, sb->npresets);
	scenario_free(sb->faults);
	free(sb);
	return r;
}
