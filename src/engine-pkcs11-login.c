/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11-login.c: logging the engine's session in, and the one
 * decision a PIN pad changes.  The token's flags are read again with
 * C_GetTokenInfo at every login: with CKF_PROTECTED_AUTHENTICATION_PATH
 * set, C_Login gets a NULL PIN of length 0 and the PIN is never rebuilt
 * (the custodians type it on the token's pad); without it, the PIN is
 * rebuilt by the caller's function into the secure heap, handed to
 * C_Login and wiped at once, whatever C_Login answered.
 */
#include <string.h>

#include "engine-pkcs11.h"
#include "err.h"
#include "secmem.h"

int
p11_session_login(struct p11_engine *eng, CK_USER_TYPE who, p11_pin_fn fn,
    const void *arg, struct kr_err *e)
{
	const char *what = who == CKU_SO ? "C_Login (SO)" : "C_Login (user)";
	uint8_t *pin = NULL;
	CK_RV rv;
	int r, pad;

	if (eng->s == CK_INVALID_HANDLE && (rv = eng->f->C_OpenSession(eng->slot,
	    CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &eng->s)) != CKR_OK) {
		eng->s = CK_INVALID_HANDLE;
		return p11_fail(e, KR_EFAIL, "C_OpenSession", rv);
	}
	if ((pad = p11_pin_pad(eng)) != 0) {
		what = who == CKU_SO ? "C_Login (SO, on the PIN pad)" :
		    "C_Login (user, on the PIN pad)";
		rv = eng->f->C_Login(eng->s, who, NULL, 0);
	} else {
		if ((pin = kr_secure_malloc(P11_PIN_HEX)) == NULL)
			return kr_errf(e, KR_ENOMEM, "out of secure memory");
		if ((r = fn(arg, who, pin, e)) != 0) {
			kr_secure_free(pin, P11_PIN_HEX);
			return r;
		}
		rv = eng->f->C_Login(eng->s, who, pin, P11_PIN_HEX);
		kr_secure_free(pin, P11_PIN_HEX);
	}
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
		return p11_fail(e, rv == CKR_PIN_INCORRECT ? KR_EAUTH : KR_EFAIL,
		    what, rv);
	eng->login = who;
	return 0;
}
