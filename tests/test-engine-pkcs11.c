/* SPDX-License-Identifier: ISC */
/*
 * test-engine-pkcs11.c: the PKCS#11 engine's decisions that SoftHSM cannot
 * exercise, against a fake token (a function list of our own whose answers
 * each test sets).  A PIN pad: the flag C_GetTokenInfo returns drives
 * C_Login: with CKF_PROTECTED_AUTHENTICATION_PATH it gets NULL and length 0
 * and the PIN is never rebuilt; without it the rebuilt PIN, which is wiped
 * after.  The packaging plan: CKM_RSA_AES_KEY_WRAP in one call where the
 * token lists it with CKF_WRAP, else the two-step path with 0x210B before
 * 0x210A, the profile's OAEP and MGF1 hash as the PKCS#11 parameters.
 * Not tested anywhere: a real PIN pad (keyrite(1), PKCS#11 TOKENS, says
 * so); CKM_RSA_AES_KEY_WRAP itself is exercised on our patched SoftHSM by
 * tests/pkcs11-ceremony.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/crypto.h>

#include "byok-profile.h"
#include "engine-pkcs11.h"
#include "err.h"
#include "secmem.h"

/* What the fake token answers and what it was given. */
static struct {
	CK_FLAGS	 flags;		/* C_GetTokenInfo's */
	CK_RV		 login_rv;
	int		 logins;
	int		 pin_null;	/* C_Login got pPin == NULL */
	CK_ULONG	 pin_len;
	uint8_t		 pin[64];
	int		 pin_calls;	/* how often the PIN was rebuilt */
	int		 pin_secure;	/* rebuilt in the secure heap */
	CK_MECHANISM_TYPE mechs[8];	/* C_GetMechanismList's */
	CK_FLAGS	 mflags[8];	/* and each one's C_GetMechanismInfo */
	CK_ULONG	 nmechs;
} fake;

static CK_RV
fake_mech_list(CK_SLOT_ID slot, CK_MECHANISM_TYPE *list, CK_ULONG *n)
{
	(void)slot;
	if (list != NULL) {
		if (*n < fake.nmechs)
			return CKR_BUFFER_TOO_SMALL;
		memcpy(list, fake.mechs, fake.nmechs * sizeof(*list));
	}
	*n = fake.nmechs;
	return CKR_OK;
}

static CK_RV
fake_mech_info(CK_SLOT_ID slot, CK_MECHANISM_TYPE t, CK_MECHANISM_INFO *mi)
{
	CK_ULONG i;

	(void)slot;
	for (i = 0; i < fake.nmechs; i++)
		if (fake.mechs[i] == t) {
			memset(mi, 0, sizeof(*mi));
			mi->flags = fake.mflags[i];
			return CKR_OK;
		}
	return CKR_MECHANISM_INVALID;
}

static void
offer(CK_MECHANISM_TYPE t, CK_FLAGS f)
{
	fake.mechs[fake.nmechs] = t;
	fake.mflags[fake.nmechs++] = f;
}

static CK_RV
fake_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO *ti)
{
	(void)slot;
	memset(ti, 0, sizeof(*ti));
	ti->flags = fake.flags | CKF_TOKEN_INITIALIZED | CKF_LOGIN_REQUIRED;
	return CKR_OK;
}

static CK_RV
fake_open(CK_SLOT_ID slot, CK_FLAGS f, void *app, CK_NOTIFY n,
    CK_SESSION_HANDLE *h)
{
	(void)slot; (void)f; (void)app; (void)n;
	*h = 7;
	return CKR_OK;
}

static CK_RV
fake_login(CK_SESSION_HANDLE h, CK_USER_TYPE who, CK_UTF8CHAR *pin,
    CK_ULONG len)
{
	(void)h; (void)who;
	fake.logins++;
	fake.pin_null = pin == NULL;
	fake.pin_len = len;
	if (pin != NULL && len <= sizeof(fake.pin))
		memcpy(fake.pin, pin, len);
	return fake.login_rv;
}

static int
rebuild(const void *arg, CK_USER_TYPE who, uint8_t *pin, struct kr_err *e)
{
	(void)arg; (void)e;
	fake.pin_calls++;
	fake.pin_secure = CRYPTO_secure_allocated(pin);
	memset(pin, who == CKU_SO ? 's' : 'u', P11_PIN_HEX);
	return 0;
}

static struct p11_engine *
fake_engine(CK_FUNCTION_LIST *f)
{
	struct p11_engine *eng = calloc(1, sizeof(*eng));

	assert_non_null(eng);
	memset(f, 0, sizeof(*f));
	f->C_GetTokenInfo = fake_token_info;
	f->C_OpenSession = fake_open;
	f->C_Login = fake_login;
	f->C_GetMechanismList = fake_mech_list;
	f->C_GetMechanismInfo = fake_mech_info;
	eng->f = f;
	eng->s = CK_INVALID_HANDLE;
	eng->login = (CK_USER_TYPE)-1;
	memset(&fake, 0, sizeof(fake));
	return eng;
}

static void
test_pin_pad_gets_null(void **state)
{
	CK_FUNCTION_LIST f;
	struct p11_engine *eng = fake_engine(&f);
	struct kr_err e;

	(void)state;
	fake.flags = CKF_PROTECTED_AUTHENTICATION_PATH;
	assert_int_equal(p11_pin_pad(eng), 1);
	assert_int_equal(p11_session_login(eng, CKU_USER, rebuild, NULL, &e), 0);
	assert_int_equal(fake.logins, 1);
	assert_true(fake.pin_null);
	assert_int_equal(fake.pin_len, 0);
	assert_int_equal(fake.pin_calls, 0);	/* never rebuilt */
	assert_int_equal(eng->login, CKU_USER);
	free(eng);
}

static void
test_no_pad_gets_the_pin(void **state)
{
	CK_FUNCTION_LIST f;
	struct p11_engine *eng = fake_engine(&f);
	struct kr_err e;
	uint8_t want[P11_PIN_HEX];

	(void)state;
	assert_int_equal(p11_pin_pad(eng), 0);
	assert_int_equal(p11_session_login(eng, CKU_SO, rebuild, NULL, &e), 0);
	assert_int_equal(fake.pin_calls, 1);
	assert_false(fake.pin_null);
	assert_int_equal(fake.pin_len, P11_PIN_HEX);
	memset(want, 's', sizeof(want));
	assert_memory_equal(fake.pin, want, sizeof(want));
	assert_true(fake.pin_secure);
	assert_int_equal(eng->login, CKU_SO);
	free(eng);
}

static void
test_pad_wrong_pin_named(void **state)
{
	CK_FUNCTION_LIST f;
	struct p11_engine *eng = fake_engine(&f);
	struct kr_err e;

	(void)state;
	fake.flags = CKF_PROTECTED_AUTHENTICATION_PATH;
	fake.login_rv = CKR_PIN_INCORRECT;
	kr_err_clear(&e);
	assert_int_equal(p11_session_login(eng, CKU_USER, rebuild, NULL, &e),
	    KR_EAUTH);
	assert_string_equal(e.msg, "C_Login (user, on the PIN pad): "
	    "CKR_PIN_INCORRECT (0xa0)");
	assert_int_equal(eng->login, (CK_USER_TYPE)-1);
	free(eng);
}

#define WU	(CKF_WRAP | CKF_UNWRAP)

static void
test_plan_one_call(void **state)
{
	CK_FUNCTION_LIST f;
	struct p11_engine *eng = fake_engine(&f);
	struct p11_wrap_plan plan;
	struct kr_err e;

	(void)state;
	offer(CKM_AES_KEY_WRAP_PAD, WU);
	offer(CKM_RSA_PKCS_OAEP, WU);
	offer(CKM_RSA_AES_KEY_WRAP, WU);
	assert_int_equal(p11_wrap_choose(eng, byok_profile_find("aws-kms-sha256"),
	    &plan, &e), 0);
	assert_int_equal(plan.one_call, 1);
	assert_int_equal(plan.mech, CKM_RSA_AES_KEY_WRAP);
	assert_int_equal(plan.oaep.hashAlg, CKM_SHA256);
	assert_int_equal(plan.oaep.mgf, CKG_MGF1_SHA256);
	assert_int_equal(plan.oaep.source, CKZ_DATA_SPECIFIED);
	assert_string_equal(plan.oaep_name, "OAEP SHA-256, MGF1-SHA-256");
	assert_int_equal(p11_wrap_choose(eng, byok_profile_find("azure-byok"),
	    &plan, &e), 0);
	assert_int_equal(plan.one_call, 1);
	assert_int_equal(plan.oaep.hashAlg, CKM_SHA_1);
	assert_int_equal(plan.oaep.mgf, CKG_MGF1_SHA1);
	free(eng);
}

static void
test_plan_two_steps(void **state)
{
	CK_FUNCTION_LIST f;
	struct p11_engine *eng = fake_engine(&f);
	struct p11_wrap_plan plan;
	struct kr_err e;

	(void)state;
	/* listed, but not for wrapping: not used */
	offer(CKM_RSA_AES_KEY_WRAP, CKF_UNWRAP);
	offer(CKM_AES_KEY_WRAP_PAD, WU);
	offer(CKM_AES_KEY_WRAP_KWP, WU);
	offer(CKM_RSA_PKCS_OAEP, WU);
	assert_int_equal(p11_wrap_choose(eng, byok_profile_find("azure-byok"),
	    &plan, &e), 0);
	assert_int_equal(plan.one_call, 0);
	assert_int_equal(plan.mech, CKM_AES_KEY_WRAP_KWP);
	fake.nmechs = 0;
	offer(CKM_AES_KEY_WRAP_PAD, WU);
	offer(CKM_RSA_PKCS_OAEP, CKF_WRAP);
	assert_int_equal(p11_wrap_choose(eng, byok_profile_find("azure-byok"),
	    &plan, &e), 0);
	assert_int_equal(plan.mech, CKM_AES_KEY_WRAP_PAD);
	free(eng);
}

static void
test_plan_refused(void **state)
{
	CK_FUNCTION_LIST f;
	struct p11_engine *eng = fake_engine(&f);
	struct p11_wrap_plan plan;
	struct kr_err e;

	(void)state;
	offer(CKM_RSA_PKCS_OAEP, WU);
	kr_err_clear(&e);
	assert_int_equal(p11_wrap_choose(eng, byok_profile_find("azure-byok"),
	    &plan, &e), KR_EFAIL);
	assert_non_null(strstr(e.msg, "neither CKM_RSA_AES_KEY_WRAP (0x1054)"));
	fake.nmechs = 0;
	offer(CKM_AES_KEY_WRAP_PAD, WU);
	kr_err_clear(&e);
	assert_int_equal(p11_wrap_choose(eng, byok_profile_find("azure-byok"),
	    &plan, &e), KR_EFAIL);
	assert_string_equal(e.msg, "the token does not offer "
	    "CKM_RSA_PKCS_OAEP (0x9) for wrapping");
	free(eng);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pin_pad_gets_null),
		cmocka_unit_test(test_no_pad_gets_the_pin),
		cmocka_unit_test(test_pad_wrong_pin_named),
		cmocka_unit_test(test_plan_one_call),
		cmocka_unit_test(test_plan_two_steps),
		cmocka_unit_test(test_plan_refused),
	};
	struct kr_err e;

	if (kr_secmem_init(&e) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
