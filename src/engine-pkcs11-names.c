/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11-names.c: names for the mechanisms and return values
 * keyrite reports, token text, and the error message for a failed call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-pkcs11.h"
#include "err.h"

static const struct {
	CK_MECHANISM_TYPE t;
	const char *name;
} mechs[] = {
	{ CKM_RSA_PKCS_KEY_PAIR_GEN, "CKM_RSA_PKCS_KEY_PAIR_GEN" },
	{ CKM_RSA_PKCS, "CKM_RSA_PKCS" },
	{ CKM_RSA_PKCS_OAEP, "CKM_RSA_PKCS_OAEP" },
	{ CKM_RSA_PKCS_PSS, "CKM_RSA_PKCS_PSS" },
	{ CKM_RSA_AES_KEY_WRAP, "CKM_RSA_AES_KEY_WRAP" },
	{ CKM_EC_KEY_PAIR_GEN, "CKM_EC_KEY_PAIR_GEN" },
	{ CKM_ECDSA, "CKM_ECDSA" },
	{ CKM_AES_KEY_GEN, "CKM_AES_KEY_GEN" },
	{ CKM_AES_KEY_WRAP, "CKM_AES_KEY_WRAP" },
	{ CKM_AES_KEY_WRAP_PAD, "CKM_AES_KEY_WRAP_PAD" },
	{ CKM_AES_KEY_WRAP_KWP, "CKM_AES_KEY_WRAP_KWP" },
	{ CKM_AES_CBC_PAD, "CKM_AES_CBC_PAD" },
	{ CKM_AES_GCM, "CKM_AES_GCM" },
	{ CKM_SHA256, "CKM_SHA256" },
	{ CKM_GENERIC_SECRET_KEY_GEN, "CKM_GENERIC_SECRET_KEY_GEN" },
};

const char *
p11_mech_name(CK_MECHANISM_TYPE t)
{
	size_t i;

	for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++)
		if (mechs[i].t == t)
			return mechs[i].name;
	return NULL;
}

/* The name of a PKCS#11 return value, for p11_fail()'s messages. */
static const char *
p11_rv_name(CK_RV rv)
{
	switch (rv) {
	case CKR_OK:			return "CKR_OK";
	case CKR_ARGUMENTS_BAD:		return "CKR_ARGUMENTS_BAD";
	case CKR_ATTRIBUTE_READ_ONLY:	return "CKR_ATTRIBUTE_READ_ONLY";
	case CKR_ATTRIBUTE_SENSITIVE:	return "CKR_ATTRIBUTE_SENSITIVE";
	case CKR_ATTRIBUTE_TYPE_INVALID: return "CKR_ATTRIBUTE_TYPE_INVALID";
	case CKR_ATTRIBUTE_VALUE_INVALID: return "CKR_ATTRIBUTE_VALUE_INVALID";
	case CKR_DEVICE_ERROR:		return "CKR_DEVICE_ERROR";
	case CKR_FUNCTION_FAILED:	return "CKR_FUNCTION_FAILED";
	case CKR_GENERAL_ERROR:		return "CKR_GENERAL_ERROR";
	case CKR_KEY_HANDLE_INVALID:	return "CKR_KEY_HANDLE_INVALID";
	case CKR_KEY_SIZE_RANGE:	return "CKR_KEY_SIZE_RANGE";
	case CKR_KEY_TYPE_INCONSISTENT:	return "CKR_KEY_TYPE_INCONSISTENT";
	case CKR_KEY_UNEXTRACTABLE:	return "CKR_KEY_UNEXTRACTABLE";
	case CKR_KEY_NOT_WRAPPABLE:	return "CKR_KEY_NOT_WRAPPABLE";
	case CKR_MECHANISM_INVALID:	return "CKR_MECHANISM_INVALID";
	case CKR_MECHANISM_PARAM_INVALID: return "CKR_MECHANISM_PARAM_INVALID";
	case CKR_PIN_INCORRECT:		return "CKR_PIN_INCORRECT";
	case CKR_PIN_LOCKED:		return "CKR_PIN_LOCKED";
	case CKR_SESSION_READ_ONLY:	return "CKR_SESSION_READ_ONLY";
	case CKR_SESSION_READ_WRITE_SO_EXISTS: return "CKR_SESSION_READ_WRITE_SO_EXISTS";
	case CKR_TEMPLATE_INCOMPLETE:	return "CKR_TEMPLATE_INCOMPLETE";
	case CKR_TEMPLATE_INCONSISTENT:	return "CKR_TEMPLATE_INCONSISTENT";
	case CKR_TOKEN_NOT_PRESENT:	return "CKR_TOKEN_NOT_PRESENT";
	case CKR_USER_NOT_LOGGED_IN:	return "CKR_USER_NOT_LOGGED_IN";
	case CKR_WRAPPING_KEY_HANDLE_INVALID: return "CKR_WRAPPING_KEY_HANDLE_INVALID";
	case CKR_WRAPPING_KEY_TYPE_INCONSISTENT: return "CKR_WRAPPING_KEY_TYPE_INCONSISTENT";
	case CKR_BUFFER_TOO_SMALL:	return "CKR_BUFFER_TOO_SMALL";
	case CKR_CRYPTOKI_NOT_INITIALIZED: return "CKR_CRYPTOKI_NOT_INITIALIZED";
	default:			return "CKR_?";
	}
}

void
p11_text(const unsigned char *in, size_t len, char *out, size_t outsz)
{
	size_t i, n = len;

	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\0'))
		n--;
	if (n >= outsz)
		n = outsz - 1;
	for (i = 0; i < n; i++)
		out[i] = in[i] >= 0x20 && in[i] < 0x7f ? (char)in[i] : '?';
	out[n] = '\0';
}

int
p11_fail(struct kr_err *e, int code, const char *what, CK_RV rv)
{
	return kr_errf(e, code, "%s: %s (0x%lx)", what, p11_rv_name(rv),
	    (unsigned long)rv);
}

/* 1 when the token lists mechanism t and offers it with all of the flags
 * need (some tokens answer C_GetMechanismInfo for mechanisms they do not
 * list, and refuse them when used). */
int
p11_has_mech(struct p11_engine *eng, CK_MECHANISM_TYPE t, CK_FLAGS need)
{
	CK_MECHANISM_TYPE *list = NULL;
	CK_MECHANISM_INFO mi;
	CK_ULONG n = 0, i;
	int listed = 0;

	if (eng->f->C_GetMechanismList(eng->slot, NULL, &n) != CKR_OK || n == 0 ||
	    (list = calloc(n, sizeof(*list))) == NULL)
		return 0;
	if (eng->f->C_GetMechanismList(eng->slot, list, &n) == CKR_OK)
		for (i = 0; i < n && !listed; i++)
			listed = list[i] == t;
	free(list);
	if (!listed || eng->f->C_GetMechanismInfo(eng->slot, t, &mi) != CKR_OK)
		return 0;
	return (mi.flags & need) == need;
}
