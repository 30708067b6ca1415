/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11-uri.c: the token URI (RFC 7512).  Only attributes that
 * name a token and the module-path are accepted; each refusal names the
 * attribute: slots (their ids change when a token is initialised), an
 * embedded PIN (the PIN comes from the custodians' cards), objects, and
 * anything p11-kit would silently ignore.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/p11-kit.h>
#include <p11-kit/uri.h>

#include "engine-pkcs11.h"
#include "err.h"

static const char *const token_attrs[] = {
	"token", "manufacturer", "serial", "model", "library-manufacturer",
	"library-description", "library-version",
};

/* Why attribute name (len bytes) is refused, or NULL when it is fine. */
static const char *
refusal(const char *name, size_t len, int query)
{
	size_t i;

#define IS(s) (len == strlen(s) && strncmp(name, (s), len) == 0)
	if (query) {
		if (IS("module-path"))
			return NULL;
		if (IS("pin-value") || IS("pin-source"))
			return "an embedded PIN is refused: the token's PIN is "
			    "rebuilt from the custodians' cards";
		if (IS("module-name"))
			return "name the module by module-path";
		return "unknown query attribute";
	}
	for (i = 0; i < sizeof(token_attrs) / sizeof(token_attrs[0]); i++)
		if (IS(token_attrs[i]))
			return NULL;
	if (IS("slot-id") || IS("slot-description") || IS("slot-manufacturer"))
		return "slots are not used (their ids change when a token is "
		    "initialised): name the token (token=, serial=)";
	if (IS("object") || IS("id") || IS("type"))
		return "names an object: the URI names a token";
	return "unknown attribute";
#undef IS
}

static int
scan(const char *p, char sep, int query, struct kr_err *e)
{
	const char *end, *eq, *why;

	while (*p != '\0' && !(query == 0 && *p == '?')) {
		for (end = p; *end != '\0' && *end != sep &&
		    !(query == 0 && *end == '?'); end++)
			;
		if (end != p) {
			if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
				return kr_errf(e, KR_EUSAGE, "token URI: '%.*s' "
				    "is not name=value", (int)(end - p), p);
			if ((why = refusal(p, (size_t)(eq - p), query)) != NULL)
				return kr_errf(e, KR_EUSAGE, "token URI: '%.*s': "
				    "%s", (int)(eq - p), p, why);
		}
		p = *end == sep ? end + 1 : end;
	}
	return 0;
}

int
p11_uri_check(const char *uri, struct p11_uri_want *out, struct kr_err *e)
{
	P11KitUri *u = NULL;
	CK_TOKEN_INFO *ti;
	const char *q, *mp;
	int r;

	memset(out, 0, sizeof(*out));
	if (strncmp(uri, "pkcs11:", 7) != 0)
		return kr_errf(e, KR_EUSAGE, "token URI: does not start with "
		    "'pkcs11:' (RFC 7512)");
	if (strlen(uri) >= P11_URI_MAX)
		return kr_errf(e, KR_EUSAGE, "token URI: longer than %d "
		    "characters", P11_URI_MAX - 1);
	if ((r = scan(uri + 7, ';', 0, e)) != 0)
		return r;
	if ((q = strchr(uri, '?')) != NULL && (r = scan(q + 1, '&', 1,
	    e)) != 0)
		return r;
	if ((u = p11_kit_uri_new()) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	if ((r = p11_kit_uri_parse(uri, P11_KIT_URI_FOR_TOKEN |
	    P11_KIT_URI_FOR_MODULE_WITH_VERSION, u)) != P11_KIT_URI_OK) {
		r = kr_errf(e, KR_EUSAGE, "token URI: %s", p11_kit_uri_message(r));
		goto out;
	}
	if (p11_kit_uri_any_unrecognized(u)) {
		r = kr_errf(e, KR_EUSAGE, "token URI: an attribute p11-kit "
		    "does not recognise");
		goto out;
	}
	if ((ti = p11_kit_uri_get_token_info(u)) != NULL)
		p11_text(ti->label, sizeof(ti->label), out->label,
		    sizeof(out->label));
	if ((mp = p11_kit_uri_get_module_path(u)) == NULL || *mp != '/') {
		r = kr_errf(e, KR_EUSAGE, "token URI: needs "
		    "?module-path=/absolute/path/to/the/module.so");
		goto out;
	}
	if (strlen(mp) >= sizeof(out->module_path)) {
		r = kr_errf(e, KR_EUSAGE, "token URI: module-path too long");
		goto out;
	}
	snprintf(out->module_path, sizeof(out->module_path), "%s", mp);
	r = 0;
out:
	p11_kit_uri_free(u);
	return r;
}

/* The one initialised token the URI matches: eng->slot and eng->ti.  With
 * allow_fresh, when none matches, a token not initialised yet instead
 * (eng->uninit), for new-world. */
int
p11_token_find(struct p11_engine *eng, int allow_fresh, struct kr_err *e)
{
	P11KitUri *u = NULL;
	CK_SLOT_ID *slots = NULL, fresh_slot = 0;
	CK_TOKEN_INFO ti, fresh_ti;
	CK_ULONG fresh = 0;
	CK_INFO li;
	CK_ULONG n = 0, i, found = 0;
	CK_RV rv;
	int r;

	if ((u = p11_kit_uri_new()) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	if (p11_kit_uri_parse(eng->uri, P11_KIT_URI_FOR_TOKEN |
	    P11_KIT_URI_FOR_MODULE_WITH_VERSION, u) != P11_KIT_URI_OK) {
		r = kr_errf(e, KR_EUSAGE, "token URI: does not parse");
		goto out;
	}
	if ((rv = eng->f->C_GetInfo(&li)) != CKR_OK) {
		r = p11_fail(e, KR_EFAIL, "C_GetInfo", rv);
		goto out;
	}
	if (!p11_kit_uri_match_module_info(u, &li)) {
		r = kr_errf(e, KR_ENOINPUT, "%s: the module does not match the "
		    "URI's library attributes", eng->module_path);
		goto out;
	}
	if ((rv = eng->f->C_GetSlotList(CK_TRUE, NULL, &n)) != CKR_OK) {
		r = p11_fail(e, KR_EFAIL, "C_GetSlotList", rv);
		goto out;
	}
	if (n > 0 && ((slots = calloc(n, sizeof(*slots))) == NULL)) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	if (n > 0 && (rv = eng->f->C_GetSlotList(CK_TRUE, slots, &n)) != CKR_OK) {
		r = p11_fail(e, KR_EFAIL, "C_GetSlotList", rv);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (eng->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		if (!(ti.flags & CKF_TOKEN_INITIALIZED)) {
			fresh++;
			fresh_slot = slots[i];
			fresh_ti = ti;
			continue;
		}
		if (!p11_kit_uri_match_token_info(u, &ti))
			continue;
		if (found++ == 0) {
			eng->slot = slots[i];
			eng->ti = ti;
		}
	}
	eng->uninit = 0;
	if (found == 0 && fresh >= 1 && allow_fresh && eng->label[0] != '\0') {
		/* new-world initialises it with the URI's label */
		eng->slot = fresh_slot;
		eng->ti = fresh_ti;
		eng->uninit = 1;
		r = 0;
	} else if (found == 0)
		r = kr_errf(e, KR_ENOINPUT, "%s: no initialised token matches %s",
		    eng->module_path, eng->uri);
	else if (found > 1)
		r = kr_errf(e, KR_EUSAGE, "%s: %lu tokens match %s: add serial=",
		    eng->module_path, (unsigned long)found, eng->uri);
	else
		r = 0;
out:
	free(slots);
	p11_kit_uri_free(u);
	return r;
}
