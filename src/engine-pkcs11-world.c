/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11-world.c: initialising (or adopting) a token for a ceremony.
 *
 * new-world makes the token's two PINs at random: the SO PIN and the user
 * PIN, 16 random bytes each, written as 32 hex digits for the token.  The
 * 32 bytes S = SO PIN || user PIN are themselves split K-of-N with the
 * software module's Shamir code onto N PIN-protected cards (the same card
 * files, each with its own Ed25519 key for cosigning): the cards hold the
 * PINs, no key derived from them.  On a fresh token C_InitToken sets the SO
 * PIN and C_InitPIN (as SO) the user PIN.  Both PINs live only in the
 * secure heap, for those calls and until the cards are written; no PIN is
 * shown, logged or stored, and K cards are needed to log in again
 * (engine-pkcs11-quorum.c).  The cards and the world file are written
 * before C_InitToken (the world without a serial until the token has
 * one), so a kill at any point leaves either a fresh token, which the
 * resume initialises anew, or a token whose PINs the cards of the killed
 * attempt hold: the resume (new-world's replace) opens K of them with the
 * PINs typed again, the SO sets the user PIN again, and the world gets
 * the serial (init_finish).
 *
 * A token that is already initialised is refused unless the request adopts
 * it (the ceremony's new-world says adopt): the custodians enter its
 * current SO PIN under witness; keyrite logs the SO in with it (a wrong
 * one is named, and the token counts it), replaces it with the new random
 * SO PIN (C_SetPIN), sets a new random user PIN (C_InitPIN), and splits
 * the new pair onto the cards.  The PIN people saw is dead afterwards; the
 * token's existing objects stay.  The SO PIN entered is tried before
 * anything is written, so a wrong one (or the old one, on the resume of an
 * attempt killed after it replaced the PINs) leaves every card as it was.
 *
 * A token with a protected authentication path (CKF_PROTECTED_AUTH-
 * ENTICATION_PATH, a PIN pad) takes no PIN from keyrite: C_InitToken,
 * C_Login and C_InitPIN get NULL and the custodians type the PINs on the
 * pad; the cards then gate keyrite's procedure and cosign, and the world
 * says pin_pad.
 *
 * DIR/token-world keeps what is not secret: the world id, the token's label
 * and serial, K/N, the cards' public keys and share commitments, HMAC(S,
 * "check") to recognise S when it is rebuilt (before any C_Login, so that
 * wrong cards never cost the token a PIN try), adopted and pin_pad.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "codec.h"
#include "engine-pkcs11.h"
#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

#define P11_WORLD_FORMAT	"keyrite-p11-world-2"
#define P11_WORLD_FILE		"token-world"

static int
world_path(const struct p11_engine *eng, const char *rel, char *out,
    size_t sz, struct kr_err *e)
{
	if (eng->dir[0] == '\0')
		return kr_errf(e, KR_EUSAGE, "the PKCS#11 engine needs a state "
		    "directory for the cards and the world file");
	if (kr_path_join(out, sz, eng->dir, rel) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", eng->dir);
	return 0;
}

int
p11_check_value(const char *world_id, const uint8_t *secret, uint8_t out[32],
    struct kr_err *e)
{
	return soft_hmac(secret, P11_SECRET_LEN, "keyrite p11 check", world_id,
	    strlen(world_id), out, e);
}

void
p11_pin(const uint8_t *secret, const char *which, uint8_t *pin)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *half = secret + (strcmp(which, "so") == 0 ? 0 :
	    P11_PIN_BYTES);
	int i;

	for (i = 0; i < P11_PIN_BYTES; i++) {
		pin[2 * i] = (uint8_t)hex[half[i] >> 4];
		pin[2 * i + 1] = (uint8_t)hex[half[i] & 15];
	}
}

int
p11_pin_pad(struct p11_engine *eng)
{
	CK_TOKEN_INFO ti;

	if (eng->f->C_GetTokenInfo(eng->slot, &ti) != CKR_OK)
		return 0;
	return (ti.flags & CKF_PROTECTED_AUTHENTICATION_PATH) != 0;
}

static int
world_parse(const char *name, const char *buf, size_t len, struct p11_world *w,
    struct kr_err *e)
{
	json_t *obj = NULL;
	int r;

	memset(w, 0, sizeof(*w));
	if ((r = soft_json_load(name, buf, len, SOFT_WORLD_MAX, P11_WORLD_FORMAT,
	    &obj, e)) != 0)
		return r;
	if ((r = soft_get_str(name, obj, "world_id", w->world_id,
	    sizeof(w->world_id), e)) != 0 ||
	    (r = soft_get_str(name, obj, "label", w->label, sizeof(w->label),
	    e)) != 0 ||
	    (r = soft_get_str(name, obj, "serial", w->serial, sizeof(w->serial),
	    e)) != 0 ||
	    (r = soft_get_str(name, obj, "created", w->created,
	    sizeof(w->created), e)) != 0 ||
	    (r = soft_get_hex(name, obj, "check", w->check, 32, e)) != 0 ||
	    (r = soft_world_quorum_get(name, obj, &w->k, &w->n, &w->min_pin_len,
	    &w->log2n, w->cards, w->commit, e)) != 0)
		goto out;
	if (!json_is_boolean(json_object_get(obj, "adopted")) ||
	    !json_is_boolean(json_object_get(obj, "pin_pad"))) {
		r = kr_errf(e, KR_EDATA, "%s: 'adopted' and 'pin_pad' must be "
		    "true or false", name);
		goto out;
	}
	w->adopted = json_is_true(json_object_get(obj, "adopted"));
	w->pin_pad = json_is_true(json_object_get(obj, "pin_pad"));
	r = 0;
out:
	json_decref(obj);
	return r;
}

int
p11_world_load(struct p11_engine *eng, struct kr_err *e)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	int r;

	eng->has_world = 0;
	if (eng->dir[0] == '\0')
		return 0;
	if ((r = world_path(eng, P11_WORLD_FILE, path, sizeof(path), e)) != 0)
		return r;
	if ((r = kr_read_file_if(path, SOFT_WORLD_MAX, &buf, &len, e)) != 0 ||
	    buf == NULL)
		return r;
	r = world_parse(path, buf, len, &eng->world, e);
	free(buf);
	if (r == 0)
		eng->has_world = 1;
	return r;
}

static int
world_write(struct p11_engine *eng, const struct p11_world *w, struct kr_err *e)
{
	char path[PATH_MAX];
	json_t *obj = NULL, *cards = NULL, *c;
	int i, r;

	if ((r = world_path(eng, P11_WORLD_FILE, path, sizeof(path), e)) != 0)
		return r;
	if ((obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, "
	    "s:b, s:b}", "format", P11_WORLD_FORMAT, "world_id", w->world_id,
	    "label", w->label, "serial", w->serial, "created", w->created,
	    "k", w->k, "n", w->n, "min_pin_len", w->min_pin_len, "log2n",
	    w->log2n, "adopted", w->adopted, "pin_pad", w->pin_pad)) == NULL ||
	    soft_set_hex(obj, "check", w->check, 32) != 0 ||
	    (cards = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < w->n; i++) {
		if ((c = json_pack("{s:i}", "index", i + 1)) == NULL ||
		    json_array_append_new(cards, c) != 0 ||
		    soft_set_hex(c, "pub", w->cards[i].pub, 32) != 0 ||
		    soft_set_hex(c, "commit", w->commit[i], 32) != 0)
			goto nomem;
	}
	if (json_object_set_new(obj, "cards", cards) != 0) {
		cards = NULL;
		goto nomem;
	}
	r = soft_write_json(path, obj, e);
	json_decref(obj);
	return r;
nomem:
	json_decref(cards);
	json_decref(obj);
	return kr_errf(e, KR_ENOMEM, "out of memory");
}

/* The cards: S (the two PINs) split K-of-N, each card with an Ed25519
 * seed of its own. */
static int
write_cards(struct p11_engine *eng, struct p11_world *w, const uint8_t *s,
    const struct engine_world_req *req, struct kr_err *e)
{
	uint8_t *shares[ENGINE_MAX_CARDS] = { NULL }, *seed = NULL;
	char path[PATH_MAX];
	int i, r;

	if ((seed = kr_secure_malloc(32)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of secure memory");
	for (i = 0; i < w->n; i++)
		if ((shares[i] = kr_secure_malloc(P11_SECRET_LEN)) == NULL) {
			r = kr_errf(e, KR_ENOMEM, "out of secure memory");
			goto out;
		}
	if ((r = soft_shamir_split(s, P11_SECRET_LEN, w->k, w->n, shares,
	    e)) != 0)
		goto out;
	if ((r = world_path(eng, "cards", path, sizeof(path), e)) != 0 ||
	    (r = kr_mkdir_private(path, e)) != 0)
		goto out;
	for (i = 0; i < w->n; i++) {
		w->cards[i].index = i + 1;
		if ((r = soft_card_file(eng->dir, i + 1, path, sizeof(path),
		    e)) != 0 || (r = soft_random(seed, 32, e)) != 0 ||
		    (r = soft_ed25519_pub(seed, w->cards[i].pub, e)) != 0)
			goto out;
		kr_hex_encode(w->cards[i].pub, 32, w->cards[i].pub_hex,
		    sizeof(w->cards[i].pub_hex));
		soft_commit(w->world_id, i + 1, shares[i], w->commit[i]);
		if ((r = soft_card_write(path, w->world_id, i + 1, w->log2n,
		    &req->pins[i], shares[i], seed, e)) != 0)
			goto out;
	}
out:
	for (i = 0; i < ENGINE_MAX_CARDS; i++)
		kr_secure_free(shares[i], P11_SECRET_LEN);
	kr_secure_free(seed, 32);
	return r;
}

/* The PIN as the token takes it: NULL and 0 on a PIN pad. */
#define PIN_ARG(pad, p)		((pad) ? NULL : (CK_UTF8CHAR_PTR)(uintptr_t)(p))
#define PIN_LEN(pad)		((pad) ? 0 : (CK_ULONG)P11_PIN_HEX)

/* The token must take 32-character PINs (unless it has a PIN pad). */
static int
pin_len_check(const struct p11_engine *eng, int pad, struct kr_err *e)
{
	if (pad || (eng->ti.ulMinPinLen <= P11_PIN_HEX &&
	    eng->ti.ulMaxPinLen >= P11_PIN_HEX))
		return 0;
	return kr_errf(e, KR_EFAIL, "token '%s' takes PINs of %lu to %lu "
	    "characters; keyrite's random token PINs have %d", eng->label,
	    (unsigned long)eng->ti.ulMinPinLen,
	    (unsigned long)eng->ti.ulMaxPinLen, P11_PIN_HEX);
}

/* As the logged-in SO on session h: the user PIN. */
static int
init_pin(struct p11_engine *eng, CK_SESSION_HANDLE h, int pad,
    const uint8_t *user, struct kr_err *e)
{
	CK_RV rv;

	if ((rv = eng->f->C_InitPIN(h, PIN_ARG(pad, user), PIN_LEN(pad))) !=
	    CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_InitPIN", rv);
	return 0;
}

/* As the SO of the token just initialised (whose SO PIN is so), the user
 * PIN; the world takes the token's serial. */
static int
so_init_pin(struct p11_engine *eng, struct p11_world *w, const uint8_t *so,
    const uint8_t *user, struct kr_err *e)
{
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv;
	int r, pad = w->pin_pad;

	if ((rv = eng->f->C_OpenSession(eng->slot, CKF_SERIAL_SESSION |
	    CKF_RW_SESSION, NULL, NULL, &h)) != CKR_OK ||
	    (rv = eng->f->C_Login(h, CKU_SO, PIN_ARG(pad, so), PIN_LEN(pad))) !=
	    CKR_OK) {
		r = p11_fail(e, KR_EFAIL, "C_Login (SO, to set the user PIN)", rv);
		goto out;
	}
	if ((r = init_pin(eng, h, pad, user, e)) != 0)
		goto out;
	eng->f->C_Logout(h);
	p11_text(eng->ti.serialNumber, sizeof(eng->ti.serialNumber), w->serial,
	    sizeof(w->serial));
out:
	if (h != CK_INVALID_HANDLE)
		eng->f->C_CloseSession(h);
	return r;
}

/* A fresh token.  The cards and the world (its serial still empty: the
 * token has none before C_InitToken) are written first, so that the
 * token is never initialised with PINs no card holds; then C_InitToken
 * with the SO PIN, C_InitPIN as SO with the user PIN, and the world again
 * with the serial.  The world is removed if C_InitToken fails (the token
 * is still fresh). */
static int
init_token(struct p11_engine *eng, struct p11_world *w, const uint8_t *s,
    const uint8_t *so, const uint8_t *user,
    const struct engine_world_req *req, struct kr_err *e)
{
	unsigned char label[32];
	char path[PATH_MAX];
	CK_RV rv;
	int r, pad = w->pin_pad;

	memset(label, ' ', sizeof(label));
	memcpy(label, w->label, strlen(w->label));
	w->serial[0] = '\0';
	if ((r = write_cards(eng, w, s, req, e)) != 0 ||
	    (r = world_write(eng, w, e)) != 0)
		return r;
	if ((rv = eng->f->C_InitToken(eng->slot, PIN_ARG(pad, so), PIN_LEN(pad),
	    label)) != CKR_OK) {
		if (world_path(eng, P11_WORLD_FILE, path, sizeof(path),
		    NULL) == 0)
			(void)unlink(path);
		return p11_fail(e, KR_EFAIL, "C_InitToken", rv);
	}
	if ((r = p11_token_find(eng, 0, e)) != 0 ||
	    (r = so_init_pin(eng, w, so, user, e)) != 0)
		return r;
	return world_write(eng, w, e);
}

/* The resume (replace) of a fresh token's initialisation interrupted once
 * C_InitToken may have run: the token is initialised, and the world of
 * that attempt is for it (its label; its serial, or none yet) and not an
 * adoption's. */
static int
init_interrupted(const struct p11_engine *eng,
    const struct engine_world_req *req)
{
	char serial[17];

	if (eng->uninit || req->adopt || !req->replace || !eng->has_world ||
	    eng->world.adopted || strcmp(eng->world.label, eng->label) != 0)
		return 0;
	p11_text(eng->ti.serialNumber, sizeof(eng->ti.serialNumber), serial,
	    sizeof(serial));
	return eng->world.serial[0] == '\0' ||
	    strcmp(eng->world.serial, serial) == 0;
}

/* Finishes that initialisation with the interrupted attempt's world and
 * cards: K of them, opened with the PINs typed again, rebuild the token's
 * PINs (checked against the world before the token sees one); the SO logs
 * in and sets the user PIN again (C_InitPIN: the attempt may not have);
 * the world takes the serial.  No card changes. */
static int
init_finish(struct p11_engine *eng, struct p11_world *w, uint8_t *s,
    uint8_t *so, uint8_t *user, const struct engine_world_req *req,
    struct kr_err *e)
{
	int r;

	*w = eng->world;
	if ((r = p11_quorum_rebuild(eng, req->pins, s, e)) != 0)
		return r;
	p11_pin(s, "so", so);
	p11_pin(s, "user", user);
	if ((r = so_init_pin(eng, w, so, user, e)) != 0)
		return r;
	return world_write(eng, w, e);
}

/* Adoption, first half: a session in which the SO is logged in with the
 * PIN the custodians entered.  Nothing is written before this succeeds. */
static int
adopt_login(struct p11_engine *eng, const struct p11_world *w,
    const struct engine_pin *old, int again, CK_SESSION_HANDLE *hp,
    struct kr_err *e)
{
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv;
	int pad = w->pin_pad;

	*hp = CK_INVALID_HANDLE;
	if ((rv = eng->f->C_OpenSession(eng->slot, CKF_SERIAL_SESSION |
	    CKF_RW_SESSION, NULL, NULL, &h)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_OpenSession", rv);
	rv = eng->f->C_Login(h, CKU_SO, PIN_ARG(pad, old->pin), pad ? 0 :
	    (CK_ULONG)old->len);
	if (rv == CKR_OK) {
		*hp = h;
		return 0;
	}
	eng->f->C_CloseSession(h);
	if (rv != CKR_PIN_INCORRECT && rv != CKR_PIN_LEN_RANGE)
		return p11_fail(e, KR_EFAIL, "C_Login (SO, the PIN entered)", rv);
	if (again)
		return kr_errf(e, KR_EAUTH, "token '%s': the SO PIN entered is "
		    "wrong (the token counts the failed try); nothing was "
		    "changed. An interrupted attempt of this step may have "
		    "replaced the token's PINs already: its cards and %s/%s "
		    "are kept and hold them", eng->label, eng->dir,
		    P11_WORLD_FILE);
	return kr_errf(e, KR_EAUTH, "token '%s': the SO PIN entered is wrong "
	    "(the token counts the failed try); nothing was changed",
	    eng->label);
}

/* Adoption, second half, with the SO logged in: the SO PIN is replaced by
 * the new random one and the user PIN is set anew. */
static int
adopt_token(struct p11_engine *eng, CK_SESSION_HANDLE h, int pad,
    const struct engine_pin *old, const uint8_t *so, const uint8_t *user,
    int *changed, struct kr_err *e)
{
	CK_RV rv;

	*changed = 0;
	if (!pad && (rv = eng->f->C_SetPIN(h, PIN_ARG(0, old->pin),
	    (CK_ULONG)old->len, PIN_ARG(0, so), P11_PIN_HEX)) != CKR_OK)
		return p11_fail(e, KR_EFAIL, "C_SetPIN (the new SO PIN)", rv);
	*changed = 1;
	return init_pin(eng, h, pad, user, e);
}

static int
world_req_check(struct p11_engine *eng, const struct engine_world_req *req,
    struct kr_err *e)
{
	int i, min = req->min_pin_len ? req->min_pin_len : ENGINE_MIN_PIN_DEFAULT;

	if (!eng->uninit && !req->adopt && !init_interrupted(eng, req))
		return kr_errf(e, KR_EFAIL, "token '%s' is already initialised: "
		    "keyrite initialises only a fresh token, unless the "
		    "ceremony adopts it ('adopt: true' in its new-world step)",
		    eng->label);
	if (eng->uninit && req->adopt)
		return kr_errf(e, KR_EUSAGE, "token '%s' is not initialised: "
		    "nothing to adopt (new-world initialises it)", eng->label);
	if (req->adopt && !p11_pin_pad(eng) && (req->token_so_pin.pin == NULL ||
	    req->token_so_pin.len == 0))
		return kr_errf(e, KR_EUSAGE, "adopting token '%s' needs its "
		    "current SO PIN", eng->label);
	if (eng->has_world && !req->replace)
		return kr_errf(e, KR_EFAIL, "%s: there is a world for token '%s' "
		    "already", eng->dir, eng->world.label);
	if (req->k < 1 || req->k > req->n || req->n > ENGINE_MAX_CARDS)
		return kr_errf(e, KR_EUSAGE, "quorum %d/%d: need 1 <= K <= N <= %d",
		    req->k, req->n, ENGINE_MAX_CARDS);
	for (i = 0; i < req->n; i++)
		if (req->pins[i].len < (size_t)min)
			return kr_errf(e, KR_EUSAGE, "card %d: PIN shorter than %d",
			    i + 1, min);
	return 0;
}

static int
world_start(struct p11_engine *eng, const struct engine_world_req *req,
    struct p11_world *w, struct kr_err *e)
{
	uint8_t id[32];
	int r;

	memset(w, 0, sizeof(*w));
	w->k = req->k;
	w->n = req->n;
	w->min_pin_len = req->min_pin_len ? req->min_pin_len :
	    ENGINE_MIN_PIN_DEFAULT;
	w->log2n = req->scrypt_log2n ? req->scrypt_log2n :
	    ENGINE_SCRYPT_LOG2N_DEFAULT;
	w->adopted = req->adopt != 0;
	w->pin_pad = p11_pin_pad(eng);
	snprintf(w->label, sizeof(w->label), "%s", eng->label);
	if (req->adopt)
		p11_text(eng->ti.serialNumber, sizeof(eng->ti.serialNumber),
		    w->serial, sizeof(w->serial));
	if (kr_rfc3339(kr_now(), w->created, sizeof(w->created)) != 0)
		return kr_errf(e, KR_EFAIL, "clock: cannot format the time");
	if ((r = soft_random(id, sizeof(id), e)) != 0)
		return r;
	kr_hex_encode(id, sizeof(id), w->world_id, sizeof(w->world_id));
	return pin_len_check(eng, w->pin_pad, e);
}

/* The SO logs in with the PIN entered, then the cards and the world are
 * written and the token's PINs replaced.  A wrong PIN changes nothing: not
 * even the cards of an earlier attempt that was killed after it replaced
 * the token's PINs (its resume is asked the old PIN, which the token now
 * refuses), so those cards still open the token.  The world file is
 * removed if the token refuses the new SO PIN (its PINs are unchanged). */
static int
adopt(struct p11_engine *eng, struct p11_world *w, const uint8_t *s,
    const uint8_t *so, const uint8_t *user, const struct engine_world_req *req,
    struct kr_err *e)
{
	CK_SESSION_HANDLE h;
	char path[PATH_MAX];
	int r, changed = 0;

	if ((r = adopt_login(eng, w, &req->token_so_pin, req->replace, &h,
	    e)) != 0)
		return r;
	if ((r = write_cards(eng, w, s, req, e)) == 0 &&
	    (r = world_write(eng, w, e)) == 0 &&
	    (r = adopt_token(eng, h, w->pin_pad, &req->token_so_pin, so, user,
	    &changed, e)) != 0 && !changed &&
	    world_path(eng, P11_WORLD_FILE, path, sizeof(path), NULL) == 0)
		(void)unlink(path);
	eng->f->C_Logout(h);
	eng->f->C_CloseSession(h);
	return r;
}

int
p11_new_world(struct engine *engine, const struct engine_world_req *req,
    struct engine_world_info *out, struct kr_err *e)
{
	struct p11_engine *eng = P11_ENG(engine);
	struct p11_world w;
	uint8_t *s = NULL, *so = NULL, *user = NULL;
	int r;

	if ((r = world_req_check(eng, req, e)) != 0 ||
	    (!init_interrupted(eng, req) &&
	    (r = world_start(eng, req, &w, e)) != 0))
		return r;
	if ((s = kr_secure_malloc(P11_SECRET_LEN)) == NULL ||
	    (so = kr_secure_malloc(P11_PIN_HEX)) == NULL ||
	    (user = kr_secure_malloc(P11_PIN_HEX)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of secure memory");
		goto out;
	}
	if (init_interrupted(eng, req))
		r = init_finish(eng, &w, s, so, user, req, e);
	else if ((r = soft_random(s, P11_SECRET_LEN, e)) == 0 &&
	    (r = p11_check_value(w.world_id, s, w.check, e)) == 0) {
		p11_pin(s, "so", so);
		p11_pin(s, "user", user);
		r = req->adopt ? adopt(eng, &w, s, so, user, req, e) :
		    init_token(eng, &w, s, so, user, req, e);
	}
	if (r != 0)
		goto out;
	eng->uninit = 0;
	eng->world = w;
	eng->has_world = 1;
	r = p11_world_info(engine, out, e);
out:
	kr_secure_free(s, P11_SECRET_LEN);
	kr_secure_free(so, P11_PIN_HEX);
	kr_secure_free(user, P11_PIN_HEX);
	return r;
}

int
p11_world_info(struct engine *engine, struct engine_world_info *out,
    struct kr_err *e)
{
	struct p11_engine *eng = P11_ENG(engine);
	const struct p11_world *w = &eng->world;

	memset(out, 0, sizeof(*out));
	if (!eng->has_world)
		return kr_errf(e, KR_EFAIL, "%s: no world for this token (run "
		    "new-world on a fresh token first)", eng->dir);
	snprintf(out->world_id, sizeof(out->world_id), "%s", w->world_id);
	snprintf(out->suite, sizeof(out->suite), "PKCS11");
	out->k = w->k;
	out->n = w->n;
	out->min_pin_len = w->min_pin_len;
	out->scrypt_log2n = w->log2n;
	snprintf(out->created, sizeof(out->created), "%s", w->created);
	memcpy(out->cards, w->cards, sizeof(out->cards));
	snprintf(out->warning, sizeof(out->warning), "token '%s' serial %s%s%s",
	    w->label, w->serial, w->adopted ? ", adopted" : "", w->pin_pad ?
	    "; PIN pad: the token's PINs are typed on its pad" : "");
	out->pin_pad = w->pin_pad;
	return 0;
}

int
p11_card_path(struct engine *engine, int index, char *buf, size_t sz,
    struct kr_err *e)
{
	struct p11_engine *eng = P11_ENG(engine);

	if (eng->dir[0] == '\0')	/* "needs a state directory" */
		return world_path(eng, "cards", buf, sz, e);
	return soft_card_file(eng->dir, index, buf, sz, e);
}
