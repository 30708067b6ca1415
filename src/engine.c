/* SPDX-License-Identifier: ISC */
/*
 * engine.c: what every engine shares: choosing one by name (engine_open),
 * modes and the operations that need them, idents.
 * The engines themselves are engine-soft*.c and engine-pkcs11*.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine.h"
#include "err.h"
#include "fsutil.h"

const char *
engine_mode_name(int mode)
{
	switch (mode) {
	case ENGINE_MODE_INIT:
		return "initialization";
	case ENGINE_MODE_OPERATIONAL:
		return "operational";
	case ENGINE_MODE_MAINTENANCE:
		return "maintenance";
	default:
		return "unknown";
	}
}

int
engine_mode_parse(const char *s, int *mode)
{
	static const struct {
		const char *name;
		int mode;
	} names[] = {
		{ "I", ENGINE_MODE_INIT }, { "init", ENGINE_MODE_INIT },
		{ "initialization", ENGINE_MODE_INIT },
		{ "O", ENGINE_MODE_OPERATIONAL }, { "operational", ENGINE_MODE_OPERATIONAL },
		{ "M", ENGINE_MODE_MAINTENANCE }, { "maintenance", ENGINE_MODE_MAINTENANCE },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(s, names[i].name) == 0) {
			*mode = names[i].mode;
			return 0;
		}
	}
	return KR_EUSAGE;
}

int
engine_needed_mode(enum engine_op op)
{
	return op == ENGINE_OP_NEW_WORLD ? ENGINE_MODE_INIT :
	    ENGINE_MODE_OPERATIONAL;
}

/* "new-world", "generatekey", ... */
static const char *
engine_op_name(enum engine_op op)
{
	switch (op) {
	case ENGINE_OP_NEW_WORLD:	return "new-world";
	case ENGINE_OP_GENERATE_KEY:	return "generatekey";
	case ENGINE_OP_REDUCE_ACL:	return "reduce-acl";
	case ENGINE_OP_VERIFY_PACKAGES:	return "verify-packages";
	case ENGINE_OP_PACKAGE:		return "package";
	case ENGINE_OP_EXPORT_PUBLIC:	return "export-public";
	}
	return "this operation";
}

int
engine_ident_normalize(const char *in, char *out, size_t outsz,
    struct kr_err *e)
{
	size_t i, n;

	if (in == NULL || (n = strlen(in)) == 0)
		return kr_errf(e, KR_EUSAGE, "ident: empty");
	if (n >= outsz || n >= ENGINE_IDENT_MAX)
		return kr_errf(e, KR_EUSAGE, "ident: longer than %d characters",
		    ENGINE_IDENT_MAX - 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-'))
			return kr_errf(e, KR_EUSAGE, "ident '%s': character %zu "
			    "is not a lowercase letter, digit or dash",
			    isprint(c) && c < 0x80 ? in : "(unprintable)", i + 1);
		out[i] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

int
engine_default_state_dir(char *buf, size_t sz, struct kr_err *e)
{
	return kr_default_state_dir(buf, sz, e);
}

int
engine_mode_check(int have, enum engine_op op, struct kr_err *e)
{
	int want = engine_needed_mode(op);

	if (have == want)
		return 0;
	return kr_errf(e, KR_EMODE, "module is in %s mode; %s needs %s",
	    engine_mode_name(have), engine_op_name(op), engine_mode_name(want));
}

/* The engine called name ("soft", "pkcs11"; NULL means "soft"), or NULL. */
static const struct engine_ops *
engine_by_name(const char *name)
{
	if (name == NULL || strcmp(name, "soft") == 0)
		return engine_soft();
	if (strcmp(name, "pkcs11") == 0)
		return engine_pkcs11();
	return NULL;
}

int
engine_open(const char *name, const char *dir, const char *token, int flags,
    const struct engine_ops **ops, struct engine **out, struct kr_err *e)
{
	const struct engine_ops *o;
	int r;

	*out = NULL;
	if ((o = engine_by_name(name)) == NULL)
		return kr_errf(e, KR_EUSAGE, "engine '%s': unknown (known: soft, "
		    "pkcs11)", name);
	if (token != NULL && o->open_token == NULL)
		return kr_errf(e, KR_EUSAGE, "engine '%s' takes no token "
		    "(the pkcs11 engine does)", o->name);
	if (token == NULL && o->open_token != NULL)
		return kr_errf(e, KR_EUSAGE, "engine '%s' needs a token URI "
		    "(--token 'pkcs11:token=...;...?module-path=...')", o->name);
	r = token != NULL ? o->open_token(dir, token, flags, out, e) :
	    o->open(dir, flags, out, e);
	if (r == 0)
		*ops = o;
	return r;
}
