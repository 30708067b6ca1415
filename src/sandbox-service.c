/* SPDX-License-Identifier: ISC */
/*
 * sandbox-service.c: the simulated receiving service of a rehearsal
 * (sandbox-service.h).  Invariants: only public material reaches the
 * medium (the wrapping public key, the import token, which AWS hands out
 * in the clear as well); the private wrapping key stays in the vault.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byok-profile.h"
#include "ceremony.h"
#include "err.h"
#include "fsutil.h"
#include "sandbox.h"
#include "sandbox-service.h"
#include "scenario.h"
#include "vault-service.h"

#define MEDIA_MAX	(64 * 1024)

int
sandbox_service_wanted(const struct sandbox_opts *o)
{
	return ceremony_param_find(o->c, "wrapping_profile") != NULL;
}

/* The same service's profile with the other hash (wrong-profile). */
static const char *
other_profile(const char *name)
{
	static const char *const pairs[][2] = {
		{ "aws-kms-sha256", "aws-kms-sha1" },
		{ "gcp-kms-3072-sha256", "gcp-kms-3072-sha1" },
		{ "gcp-kms-4096-sha256", "gcp-kms-4096-sha1" },
		{ "vault-transit", "vault-transit-sha1" },
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (strcmp(pairs[i][0], name) == 0)
			return pairs[i][1];
		if (strcmp(pairs[i][1], name) == 0)
			return pairs[i][0];
	}
	return NULL;
}

/* Copies a vault file onto the medium as name (a plain file name) and
 * presets the parameter and its SHA-256; *at is where it went. */
static int
carry(struct sandbox *sb, const char *from, const char *pname,
    const char *hname, const char *name, char *at, size_t atsz,
    int (*preset)(void *, const char *, const char *), void *arg,
    struct kr_err *e)
{
	char *buf = NULL, hex[65];
	size_t len;
	int r;

	if (name == NULL || strchr(name, '/') != NULL || name[0] == '.' ||
	    name[0] == '\0')
		return kr_errf(e, KR_EDATA, "%s: '%s' is not a plain file name",
		    pname, name != NULL ? name : "");
	if (kr_path_join(at, atsz, sb->media_dir, name) != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s: path too long", name);
	if ((r = kr_read_file(from, MEDIA_MAX, &buf, &len, e)) != 0)
		return r;
	r = kr_write_atomic(at, buf, len, 0600, e);
	free(buf);
	if (r != 0 || (r = kr_file_sha256_hex(at, hex, e)) != 0 ||
	    (r = preset(arg, pname, name)) != 0 ||
	    (r = preset(arg, hname, hex)) != 0)
		return r;
	return 0;
}

static int
tell_faults(struct sandbox *sb, const struct sandbox_opts *o,
    const struct vault_service_info *info, const char *pem_at,
    struct kr_err *e)
{
	char pkg[PATH_MAX];
	const char *name;
	int r;

	if (sb->faults == NULL)
		return 0;
	if ((r = scenario_set_media(sb->faults, SCENARIO_KEK_FILE, pem_at,
	    e)) != 0 || (r = scenario_set_media(sb->faults, SCENARIO_SERVICE,
	    info->record_path, e)) != 0)
		return r;
	if (info->alt_record_path[0] != '\0' &&
	    (r = scenario_set_media(sb->faults, SCENARIO_ALT_SERVICE,
	    info->alt_record_path, e)) != 0)
		return r;
	if ((name = sandbox_param(o, "package_file")) != NULL &&
	    strchr(name, '/') == NULL) {
		if (kr_path_join(pkg, sizeof(pkg), sb->out_dir, name) != 0)
			return kr_errf(e, KR_ECANTCREAT, "%s: path too long",
			    name);
		return scenario_set_media(sb->faults, SCENARIO_PACKAGE, pkg, e);
	}
	return 0;
}

int
sandbox_service_make(struct sandbox *sb, const struct sandbox_opts *o,
    int (*preset)(void *arg, const char *name, const char *value),
    void *arg, struct kr_err *e)
{
	struct vault_service_opts so;
	struct vault_service_info *info;
	const char *bits;
	char at[PATH_MAX];
	int r;

	memset(&so, 0, sizeof(so));
	if ((so.profile = sandbox_param(o, "wrapping_profile")) == NULL ||
	    byok_profile_find(so.profile) == NULL)
		return kr_errf(e, KR_EDATA, "wrapping_profile: no such profile "
		    "'%.40s'", so.profile != NULL ? so.profile : "");
	if ((so.name = sandbox_param(o, "import_job")) == NULL &&
	    (so.name = sandbox_param(o, "key_alias")) == NULL &&
	    (so.name = sandbox_param(o, "transit_mount")) == NULL)
		so.name = "wrapping";
	if ((bits = sandbox_param(o, "wrapping_key_bits")) != NULL)
		so.bits = atoi(bits);
	if (scenario_has(o->scenario, CEREMONY_FAULT_WRONG_PROFILE))
		so.alt_profile = other_profile(so.profile);
	if ((info = calloc(1, sizeof(*info))) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	if ((r = vault_service_issue(sb->vault_dir, &so, info, e)) != 0 ||
	    (r = carry(sb, info->pem_path, "wrapping_key_file",
	    "wrapping_key_sha256", sandbox_param(o, "wrapping_key_file"), at,
	    sizeof(at), preset, arg, e)) != 0 ||
	    (r = preset(arg, "wrapping_key_id", info->id)) != 0 ||
	    (r = tell_faults(sb, o, info, at, e)) != 0)
		goto out;
	if (info->token_path[0] != '\0' &&
	    ceremony_param_find(o->c, "import_token_file") != NULL &&
	    (r = carry(sb, info->token_path, "import_token_file",
	    "import_token_sha256", sandbox_param(o, "import_token_file"), at,
	    sizeof(at), preset, arg, e)) != 0)
		goto out;
	r = 0;
out:
	free(info);
	return r;
}
