/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11.h: internals shared by the PKCS#11 engine's files
 * (engine-pkcs11*.c).  Not for the runner: it calls engine.h.
 *
 * The token is named by an RFC 7512 URI with a module-path
 * (engine-pkcs11-uri.c), never by slot number: SoftHSM's slot ids change
 * at every token initialisation.  The module is loaded through p11-kit.
 */
#ifndef KR_ENGINE_PKCS11_H
#define KR_ENGINE_PKCS11_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <p11-kit/pkcs11.h>

#include "engine.h"

struct kr_err;

/* Not in p11-kit 0.24's pkcs11.h (PKCS#11 v3.0). */
#ifndef CKM_AES_KEY_WRAP_KWP
#define CKM_AES_KEY_WRAP_KWP	(0x210bUL)
#endif

#define P11_URI_MAX		2048

#define P11_PIN_BYTES		16	/* a token PIN: 128 random bits */
#define P11_PIN_HEX		32	/* ... as the token takes it, in hex */
#define P11_SECRET_LEN		32	/* the cards share SO PIN || user PIN */

/* DIR/token-world: the custodians' world for one token (nothing secret). */
struct p11_world {
	char		 world_id[ENGINE_HEX256];
	char		 label[33], serial[17];	/* the token it initialised */
	int		 k, n, min_pin_len, log2n;
	char		 created[32];
	uint8_t		 check[32];		/* HMAC(S, "check") */
	int		 adopted;		/* taken over, not initialised */
	int		 pin_pad;		/* CKF_PROTECTED_AUTHENTICATION_PATH */
	struct engine_card_pub cards[ENGINE_MAX_CARDS];
	uint8_t		 commit[ENGINE_MAX_CARDS][32];
};

struct p11_engine {
	char		 dir[PATH_MAX];		/* "" when only looking */
	char		 uri[P11_URI_MAX];
	char		 label[33];		/* the URI's token= */
	char		 module_path[PATH_MAX];
	CK_FUNCTION_LIST *f;			/* loaded and initialized */
	CK_SLOT_ID	 slot;			/* found by the URI, this run only */
	CK_TOKEN_INFO	 ti;
	int		 uninit;		/* the slot's token is fresh */
	int		 lockfd;
	int		 has_world;
	struct p11_world world;
	CK_SESSION_HANDLE s;			/* R/W, CK_INVALID_HANDLE if none */
	CK_USER_TYPE	 login;			/* CKU_USER, CKU_SO, or -1 */
	struct engine_quorum *q;		/* the authorized quorum, or NULL */
};

/* The ops table's struct engine is a struct p11_engine in this engine. */
#define P11_ENG(e)	((struct p11_engine *)(void *)(e))

/* engine-pkcs11-uri.c: checks the URI and finds its token. */
struct p11_uri_want {
	char	module_path[PATH_MAX];
	char	label[33];			/* token=, "" if none */
};
int	p11_uri_check(const char *uri, struct p11_uri_want *out,
	    struct kr_err *e);
int	p11_token_find(struct p11_engine *eng, int allow_fresh,
	    struct kr_err *e);

/* engine-pkcs11-world.c */
int	p11_world_load(struct p11_engine *eng, struct kr_err *e);
int	p11_new_world(struct engine *, const struct engine_world_req *,
	    struct engine_world_info *out, struct kr_err *e);
int	p11_world_info(struct engine *, struct engine_world_info *out,
	    struct kr_err *e);
int	p11_card_path(struct engine *, int index, char *buf, size_t sz,
	    struct kr_err *e);
/* A token PIN from the cards' secret S (SO PIN || user PIN, raw): which
 * is "so" or "user"; pin gets P11_PIN_HEX hex digits. */
void	p11_pin(const uint8_t *secret, const char *which, uint8_t *pin);
/* 1 when the token has a protected authentication path (a PIN pad), as
 * C_GetTokenInfo says now: then C_Login and friends get a NULL PIN. */
int	p11_pin_pad(struct p11_engine *eng);
int	p11_check_value(const char *world_id, const uint8_t *secret,
	    uint8_t out[32], struct kr_err *e);

/* engine-pkcs11-quorum.c */
int	p11_card_begin(struct engine *, struct engine_quorum **out,
	    struct kr_err *e);
int	p11_card_present(struct engine_quorum *q, const char *path,
	    const struct engine_pin *pin, int *index, struct kr_err *e);
int	p11_card_state(const struct engine_quorum *q, int *presented,
	    int *needed);
void	p11_card_end(struct engine_quorum *q);
int	p11_cosign(struct engine_quorum *q, const uint8_t *msg, size_t len,
	    struct engine_cosig *out, size_t max, size_t *n, struct kr_err *e);
/* Logs the engine's session in as who (CKU_USER or CKU_SO) with the PIN
 * rebuilt from the authorized quorum's secret; KR_EAUTH without one. */
int	p11_login(struct p11_engine *eng, CK_USER_TYPE who, struct kr_err *e);
void	p11_logout(struct p11_engine *eng);

/* engine-pkcs11-login.c: opens the engine's session if need be and logs it
 * in as who.  On a PIN pad token (p11_pin_pad) C_Login gets NULL and fn is
 * not called; otherwise fn(arg, who, pin, e) writes the P11_PIN_HEX-byte
 * PIN into pin (secure heap), wiped after C_Login.  KR_EAUTH when the
 * token says CKR_PIN_INCORRECT. */
typedef int (*p11_pin_fn)(const void *arg, CK_USER_TYPE who, uint8_t *pin,
	    struct kr_err *e);
int	p11_session_login(struct p11_engine *eng, CK_USER_TYPE who,
	    p11_pin_fn fn, const void *arg, struct kr_err *e);
/* The token PIN which ("so", "user") an authorized quorum rebuilds, into
 * pin (P11_PIN_HEX bytes, the caller's secure memory).  For p11_login and
 * the tests' leak check (tests/pkcs11-drive.c) only. */
int	p11_quorum_pin(const struct engine_quorum *q, const char *which,
	    uint8_t *pin, struct kr_err *e);

/* For new-world's resume: the world's cards 1..N, card i opened with
 * pins[i - 1] and checked as p11_card_present checks it, until K of them
 * rebuild S into secret (P11_SECRET_LEN bytes, the caller's secure memory);
 * nothing logs in.  KR_EAUTH, naming the first card that did not open,
 * when fewer than K open. */
int	p11_quorum_rebuild(struct p11_engine *eng, const struct engine_pin *pins,
	    uint8_t *secret, struct kr_err *e);

/* engine-pkcs11-key.c */
CK_OBJECT_HANDLE p11_find(struct p11_engine *eng, CK_OBJECT_CLASS cls,
	    const char *label);
struct evp_pkey_st *p11_pubkey(struct p11_engine *eng, CK_SESSION_HANDLE s,
	    CK_OBJECT_HANDLE h);
/* An RSA key's modulus and public exponent into the values of two
 * template attributes (pValue: buffers of ulValueLen bytes, set to the
 * lengths written); -1 when they do not fit. */
int	p11_rsa_pub_values(struct evp_pkey_st *pk, CK_ATTRIBUTE *mod,
	    CK_ATTRIBUTE *exp);
int	p11_generate_key(struct engine *, const struct engine_key_req *,
	    struct engine_key_info *out, struct kr_err *e);
int	p11_export_public(struct engine *, const char *ident,
	    const char *out_path, char sha256[ENGINE_HEX256], struct kr_err *e);
int	p11_import_kek(struct engine *, struct engine_quorum *,
	    const char *pem_path, const char *ident, char sha256[ENGINE_HEX256],
	    struct kr_err *e);

/* engine-pkcs11-package.c */
int	p11_package(struct engine *, const struct engine_package_req *,
	    struct engine_package_result *out, struct kr_err *e);

/* engine-pkcs11-names.c */
const char *p11_mech_name(CK_MECHANISM_TYPE t);
/* Fixed-width, blank-padded token text to a C string. */
void	p11_text(const unsigned char *in, size_t len, char *out, size_t outsz);
/* "C_WrapKey: CKR_KEY_SIZE_RANGE (0x162)" into e. */
int	p11_fail(struct kr_err *e, int code, const char *what, CK_RV rv);
int	p11_has_mech(struct p11_engine *eng, CK_MECHANISM_TYPE t, CK_FLAGS need);

/* engine-pkcs11-status.c */
int	p11_status(struct engine *, struct engine_status *out, struct kr_err *e);
void	p11_status_free(struct engine_status *st);

/* PKCS#11 v2.40's CK_RSA_AES_KEY_WRAP_PARAMS, which p11-kit 0.24's
 * pkcs11.h lacks (the same layout, a name of ours). */
struct p11_rsa_aes_key_wrap_params {
	CK_ULONG		 ulAESKeyBits;
	CK_RSA_PKCS_OAEP_PARAMS	*pOAEPParams;
};

/* How a token packages for a profile (engine-pkcs11-kwp.c). */
struct p11_wrap_plan {
	int		 one_call;	/* 1: CKM_RSA_AES_KEY_WRAP */
	CK_MECHANISM_TYPE mech;		/* 0x1054, or the KWP of the two steps */
	CK_RSA_PKCS_OAEP_PARAMS oaep;	/* the profile's OAEP and MGF1 hash */
	char		 oaep_name[40];	/* "OAEP SHA-256, MGF1-SHA-256" */
};

struct byok_profile;

/* engine-pkcs11-kwp.c: the plan from the token's mechanisms (one call
 * where it offers CKM_RSA_AES_KEY_WRAP for wrapping, else two steps), then
 * the check: the RFC 5649 known answers through the token's KWP (two
 * steps) and a test wrap with the profile's hashes checked in software;
 * 0 when the token may package for the profile. */
int	p11_wrap_choose(struct p11_engine *eng, const struct byok_profile *p,
	    struct p11_wrap_plan *plan, struct kr_err *e);
int	p11_wrap_check(struct p11_engine *eng, CK_SESSION_HANDLE s,
	    const struct byok_profile *p, struct p11_wrap_plan *plan,
	    struct kr_err *e);

#endif
