/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11-status.c: what 'module status --token' shows: the library
 * and the token, its mechanisms, keyrite's objects that are visible
 * without logging in (CKA_LABEL starting "keyrite"), and whether the
 * token passes the packaging check (engine-pkcs11-kwp.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byok-profile.h"
#include "engine-pkcs11.h"
#include "err.h"

#define P11_MAX_OBJECTS	256

struct flag_word {
	CK_FLAGS	 f;
	const char	*w;
};

static void
flag_words(char *out, size_t sz, CK_FLAGS f, const struct flag_word *t,
    size_t n)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		if ((f & t[i].f) && used < sz)
			used += (size_t)snprintf(out + used, sz - used, "%s%s",
			    used ? " " : "", t[i].w);
}

static void
token_flags(const CK_TOKEN_INFO *ti, char *out, size_t sz)
{
	static const struct flag_word t[] = {
		{ CKF_TOKEN_INITIALIZED, "initialized" },
		{ CKF_USER_PIN_INITIALIZED, "user-pin-initialized" },
		{ CKF_LOGIN_REQUIRED, "login-required" },
		{ CKF_PROTECTED_AUTHENTICATION_PATH, "pin-pad" },
		{ CKF_WRITE_PROTECTED, "write-protected" },
		{ CKF_RNG, "rng" },
		{ CKF_USER_PIN_LOCKED, "user-pin-locked" },
		{ CKF_SO_PIN_LOCKED, "so-pin-locked" },
	};

	flag_words(out, sz, ti->flags, t, sizeof(t) / sizeof(t[0]));
}

static int
mechanisms(struct p11_engine *eng, struct engine_token *tok, struct kr_err *e)
{
	static const struct flag_word t[] = {
		{ CKF_GENERATE, "generate" }, { CKF_GENERATE_KEY_PAIR, "keypair" },
		{ CKF_WRAP, "wrap" }, { CKF_UNWRAP, "unwrap" },
		{ CKF_ENCRYPT, "encrypt" }, { CKF_DECRYPT, "decrypt" },
		{ CKF_SIGN, "sign" }, { CKF_VERIFY, "verify" },
		{ CKF_DIGEST, "digest" }, { CKF_DERIVE, "derive" },
	};
	CK_MECHANISM_TYPE *list = NULL;
	CK_MECHANISM_INFO mi;
	CK_ULONG n = 0, i;
	CK_RV rv;
	const char *nm;

	if ((rv = eng->f->C_GetMechanismList(eng->slot, NULL, &n)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_GetMechanismList", rv);
	if (n == 0)
		return 0;
	if ((list = calloc(n, sizeof(*list))) == NULL ||
	    (tok->mechs = calloc(n, sizeof(*tok->mechs))) == NULL) {
		free(list);
		return kr_errf(e, KR_ENOMEM, "out of memory");
	}
	if ((rv = eng->f->C_GetMechanismList(eng->slot, list, &n)) != CKR_OK) {
		free(list);
		return p11_fail(e, KR_EFAIL, "C_GetMechanismList", rv);
	}
	for (i = 0; i < n; i++) {
		struct engine_mech *m = &tok->mechs[tok->nmechs++];

		m->type = list[i];
		if ((nm = p11_mech_name(list[i])) != NULL)
			snprintf(m->name, sizeof(m->name), "%s", nm);
		else
			snprintf(m->name, sizeof(m->name), "0x%lx", list[i]);
		if (eng->f->C_GetMechanismInfo(eng->slot, list[i], &mi) == CKR_OK) {
			m->min_bits = mi.ulMinKeySize;
			m->max_bits = mi.ulMaxKeySize;
			flag_words(m->flags, sizeof(m->flags), mi.flags,
			    t, sizeof(t) / sizeof(t[0]));
		}
	}
	free(list);
	return 0;
}

static void
object_info(struct p11_engine *eng, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h,
    const CK_OBJECT_CLASS cls, const char *label, struct engine_object *o)
{
	static const struct { CK_ATTRIBUTE_TYPE a; const char *yes, *no; } b[] = {
		{ CKA_TOKEN, "token", "session" },
		{ CKA_PRIVATE, "private", NULL },
		{ CKA_SENSITIVE, "sensitive", "!sensitive" },
		{ CKA_EXTRACTABLE, "extractable", "!extractable" },
		{ CKA_TRUSTED, "trusted", NULL },
		{ CKA_WRAP_WITH_TRUSTED, "wrap-with-trusted", NULL },
		{ CKA_WRAP, "wrap", NULL },
		{ CKA_MODIFIABLE, NULL, "!modifiable" },
	};
	unsigned char id[32];
	CK_KEY_TYPE kt = (CK_KEY_TYPE)-1;
	CK_ATTRIBUTE a[2] = {
		{ CKA_ID, id, sizeof(id) }, { CKA_KEY_TYPE, &kt, sizeof(kt) },
	};
	CK_BBOOL v;
	size_t i, used = 0;
	const char *w;

	snprintf(o->cls, sizeof(o->cls), "%s", cls == CKO_PRIVATE_KEY ?
	    "private-key" : cls == CKO_PUBLIC_KEY ? "public-key" :
	    cls == CKO_SECRET_KEY ? "secret-key" : "other");
	snprintf(o->label, sizeof(o->label), "%s", label);
	eng->f->C_GetAttributeValue(s, h, a, 2);
	if (a[0].ulValueLen != CK_UNAVAILABLE_INFORMATION &&
	    a[0].ulValueLen <= sizeof(id))
		for (i = 0; i < a[0].ulValueLen; i++)
			snprintf(o->id_hex + 2 * i, 3, "%02x", id[i]);
	snprintf(o->type, sizeof(o->type), "%s", kt == CKK_RSA ? "RSA" :
	    kt == CKK_EC ? "EC" : kt == CKK_AES ? "AES" : "?");
	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		CK_ATTRIBUTE one = { b[i].a, &v, sizeof(v) };

		if (eng->f->C_GetAttributeValue(s, h, &one, 1) != CKR_OK)
			continue;
		w = v ? b[i].yes : b[i].no;
		if (w != NULL && used < sizeof(o->attrs))
			used += (size_t)snprintf(o->attrs + used,
			    sizeof(o->attrs) - used, "%s%s", used ? " " : "", w);
	}
}

static int
objects(struct p11_engine *eng, CK_SESSION_HANDLE s, struct engine_token *tok,
    struct kr_err *e)
{
	CK_OBJECT_HANDLE h[P11_MAX_OBJECTS];
	CK_ULONG n = 0, i;
	CK_RV rv;

	if ((rv = eng->f->C_FindObjectsInit(s, NULL, 0)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_FindObjectsInit", rv);
	rv = eng->f->C_FindObjects(s, h, P11_MAX_OBJECTS, &n);
	eng->f->C_FindObjectsFinal(s);
	if (rv != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_FindObjects", rv);
	if (n > 0 && (tok->objects = calloc(n, sizeof(*tok->objects))) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		char label[ENGINE_NAME_MAX] = "";
		CK_OBJECT_CLASS cls = (CK_OBJECT_CLASS)-1;
		CK_ATTRIBUTE a[2] = {
			{ CKA_LABEL, label, sizeof(label) - 1 },
			{ CKA_CLASS, &cls, sizeof(cls) },
		};

		if (eng->f->C_GetAttributeValue(s, h[i], a, 2) != CKR_OK ||
		    a[0].ulValueLen >= sizeof(label))
			continue;
		label[a[0].ulValueLen] = '\0';
		if (strncmp(label, "keyrite", 7) != 0)
			continue;
		object_info(eng, s, h[i], cls, label,
		    &tok->objects[tok->nobjects++]);
	}
	return 0;
}

void
p11_status_free(struct engine_status *st)
{
	if (st == NULL || st->token == NULL)
		return;
	free(st->token->mechs);
	free(st->token->objects);
	free(st->token);
	memset(st, 0, sizeof(*st));
}

int
p11_status(struct engine *engine, struct engine_status *st, struct kr_err *e)
{
	struct p11_engine *eng = P11_ENG(engine);
	struct engine_token *tok;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	struct p11_wrap_plan plan;
	CK_INFO li;
	CK_RV rv;
	struct kr_err we;
	char d[33];
	int r;

	memset(st, 0, sizeof(*st));
	st->mode = ENGINE_MODE_OPERATIONAL;
	st->has_world = eng->has_world &&
	    p11_world_info(engine, &st->world, &we) == 0;
	if ((tok = calloc(1, sizeof(*tok))) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	st->token = tok;
	snprintf(tok->module_path, sizeof(tok->module_path), "%s",
	    eng->module_path);
	if (eng->f->C_GetInfo(&li) == CKR_OK) {
		p11_text(li.libraryDescription, sizeof(li.libraryDescription),
		    d, sizeof(d));
		snprintf(tok->library, sizeof(tok->library), "%s %u.%u", d,
		    li.libraryVersion.major, li.libraryVersion.minor);
	}
	p11_text(eng->ti.label, sizeof(eng->ti.label), tok->label,
	    sizeof(tok->label));
	p11_text(eng->ti.manufacturerID, sizeof(eng->ti.manufacturerID),
	    tok->manufacturer, sizeof(tok->manufacturer));
	p11_text(eng->ti.model, sizeof(eng->ti.model), tok->model,
	    sizeof(tok->model));
	p11_text(eng->ti.serialNumber, sizeof(eng->ti.serialNumber),
	    tok->serial, sizeof(tok->serial));
	token_flags(&eng->ti, tok->flags, sizeof(tok->flags));
	if ((r = mechanisms(eng, tok, e)) != 0)
		goto fail;
	/* read-only, unless the SO is logged in (then only R/W is allowed) */
	rv = eng->f->C_OpenSession(eng->slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
	if (rv == CKR_SESSION_READ_WRITE_SO_EXISTS)
		rv = eng->f->C_OpenSession(eng->slot, CKF_SERIAL_SESSION |
		    CKF_RW_SESSION, NULL, NULL, &s);
	if (rv != CKR_OK) {
		r = p11_fail(e, KR_EFAIL, "C_OpenSession", rv);
		goto fail;
	}
	if ((r = objects(eng, s, tok, e)) != 0)
		goto fail;
	kr_err_clear(&we);
	tok->wrap_ok = p11_wrap_check(eng, s, byok_profile_find("azure-byok"),
	    &plan, &we) == 0;
	if (plan.mech != 0)
		snprintf(tok->wrap_mech, sizeof(tok->wrap_mech), "%s (0x%lx)",
		    p11_mech_name(plan.mech), (unsigned long)plan.mech);
	snprintf(tok->wrap_check, sizeof(tok->wrap_check), "%s", !tok->wrap_ok ?
	    we.msg : plan.one_call ? "a test wrap in one call checked in "
	    "software (OAEP, then RFC 5649)" : "RFC 5649 known answers and a "
	    "test wrap checked in software");
	eng->f->C_CloseSession(s);
	return 0;
fail:
	if (s != CK_INVALID_HANDLE)
		eng->f->C_CloseSession(s);
	p11_status_free(st);
	return r;
}
