/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11.c: the PKCS#11 engine's ops table, opening a token named
 * by its URI (the module loaded through p11-kit, the one token the URI
 * matches found, or with ENGINE_OPEN_CREATE a fresh one for new-world) and
 * closing it.
 *
 * Invariant: while a struct p11_engine is open, its module is loaded and
 * initialised and eng->slot holds the token the URI named; when a state
 * directory was given, this process holds its lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/p11-kit.h>

#include "engine-pkcs11.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

static void
p11_close_eng(struct p11_engine *eng)
{
	if (eng == NULL)
		return;
	if (eng->f != NULL) {
		p11_logout(eng);
		if (eng->s != CK_INVALID_HANDLE)
			eng->f->C_CloseSession(eng->s);
		p11_kit_module_finalize(eng->f);
		p11_kit_module_release(eng->f);
	}
	kr_unlock_dir(eng->lockfd);
	kr_cleanse(eng, sizeof(*eng));
	free(eng);
}

/* The world in the state directory must be this token's (a world without
 * a serial is new-world's, interrupted before it knew the serial: the
 * resume of new-world checks it). */
static int
same_token(const struct p11_engine *eng, struct kr_err *e)
{
	char serial[17];

	if (!eng->has_world || eng->uninit || eng->world.serial[0] == '\0')
		return 0;
	p11_text(eng->ti.serialNumber, sizeof(eng->ti.serialNumber), serial,
	    sizeof(serial));
	if (strcmp(serial, eng->world.serial) != 0)
		return kr_errf(e, KR_EDATA, "%s: the world is for token '%s' "
		    "serial %s, not serial %s", eng->dir, eng->world.label,
		    eng->world.serial, serial);
	return 0;
}

static int
p11_open_token(const char *dir, const char *uri, int flags,
    struct engine **out, struct kr_err *e)
{
	struct p11_uri_want want;
	struct p11_engine *eng;
	const char *msg;
	CK_RV rv;
	int r;

	*out = NULL;
	if ((r = kr_secmem_init(e)) != 0 || (r = p11_uri_check(uri, &want,
	    e)) != 0)
		return r;
	if ((eng = calloc(1, sizeof(*eng))) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	eng->lockfd = -1;
	eng->s = CK_INVALID_HANDLE;
	eng->login = (CK_USER_TYPE)-1;
	snprintf(eng->uri, sizeof(eng->uri), "%s", uri);
	snprintf(eng->label, sizeof(eng->label), "%s", want.label);
	snprintf(eng->module_path, sizeof(eng->module_path), "%s",
	    want.module_path);
	if (dir != NULL) {
		if (strlen(dir) >= sizeof(eng->dir) - 64) {
			r = kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
			goto fail;
		}
		snprintf(eng->dir, sizeof(eng->dir), "%s", dir);
		if (((flags & ENGINE_OPEN_CREATE) &&
		    (r = kr_mkdir_private(dir, e)) != 0) ||
		    (r = kr_lock_dir(dir, &eng->lockfd, e)) != 0)
			goto fail;
	}
	if ((eng->f = p11_kit_module_load(eng->module_path, 0)) == NULL) {
		msg = p11_kit_message();
		r = kr_errf(e, KR_ENOINPUT, "%s: cannot load the PKCS#11 module%s%s",
		    eng->module_path, msg != NULL ? ": " : "", msg != NULL ? msg : "");
		goto fail;
	}
	if ((rv = p11_kit_module_initialize(eng->f)) != CKR_OK) {
		p11_kit_module_release(eng->f);
		eng->f = NULL;
		r = p11_fail(e, KR_EFAIL, "C_Initialize", rv);
		kr_err_prefix(e, "%s", want.module_path);
		goto fail;
	}
	if ((r = p11_token_find(eng, (flags & ENGINE_OPEN_CREATE) != 0, e)) != 0 ||
	    (r = p11_world_load(eng, e)) != 0 || (r = same_token(eng, e)) != 0)
		goto fail;
	*out = (struct engine *)(void *)eng;
	return 0;
fail:
	p11_close_eng(eng);
	return r;
}

static void
p11_close(struct engine *eng)
{
	p11_close_eng(P11_ENG(eng));
}

static int
p11_open_plain(const char *dir, int flags, struct engine **out,
    struct kr_err *e)
{
	*out = NULL;
	return kr_errf(e, KR_EUSAGE, "the pkcs11 engine needs a token URI");
}

/* A token has no modes: initialisation is new-world on a fresh token. */
static int
p11_set_mode(struct engine *eng, int mode, struct kr_err *e)
{
	return kr_errf(e, KR_EUSAGE, "a PKCS#11 token has no %s mode: "
	    "keyrite initialises a fresh token in new-world",
	    engine_mode_name(mode));
}

/* The legacy method's ACL and packages are the vendor's Security World. */
static int
p11_reduce_acl(struct engine *eng, struct engine_quorum *q,
    const struct engine_acl_req *req, struct engine_key_info *out,
    struct kr_err *e)
{
	return kr_errf(e, KR_EUSAGE, "reduce-acl: the legacy method's ACL "
	    "needs the vendor's Security World; on a PKCS#11 token the ACL is "
	    "reduced at generation (wrap-with-trusted) and after packaging");
}

static int
p11_verify_packages(struct engine *eng, const struct engine_pkg_req *req,
    struct engine_pkg_result *out, struct kr_err *e)
{
	return kr_errf(e, KR_EUSAGE, "verify-packages: the legacy method's "
	    "packages need the vendor's Security World, not a PKCS#11 token");
}

static const struct engine_ops p11_ops = {
	.name = "pkcs11",
	.open = p11_open_plain,
	.open_token = p11_open_token,
	.close = p11_close,
	.status = p11_status,
	.status_free = p11_status_free,
	.set_mode = p11_set_mode,
	.new_world = p11_new_world,
	.world_info = p11_world_info,
	.card_path = p11_card_path,
	.card_begin = p11_card_begin,
	.card_present = p11_card_present,
	.card_state = p11_card_state,
	.card_end = p11_card_end,
	.generate_key = p11_generate_key,
	.reduce_acl = p11_reduce_acl,
	.verify_packages = p11_verify_packages,
	.package = p11_package,
	.export_public = p11_export_public,
	.cosign = p11_cosign,
	.import_kek = p11_import_kek,
};

const struct engine_ops *
engine_pkcs11(void)
{
	return &p11_ops;
}
