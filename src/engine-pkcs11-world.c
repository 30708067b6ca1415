/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11-world.c: initialising a token for a ceremony.
 *
 * new-world on a fresh token makes a random 256-bit secret S, splits it
 * K-of-N with the software module's Shamir code onto N PIN-protected cards
 * (the same card files, each with its own Ed25519 key for cosigning), and
 * derives the token's SO PIN and user PIN from S (HMAC-SHA256 with the
 * world id, 128 bits each, written as hex).  C_InitToken sets the SO PIN,
 * C_InitPIN as SO the user PIN; both PINs live only in the secure heap for
 * those calls, and S only until the cards are written: no PIN is shown,
 * logged or stored, and K cards are needed to log in again
 * (engine-pkcs11-quorum.c).  A token that is already initialised is
 * refused.  DIR/token-world keeps what is not secret: the world id, the
 * token's label and serial, K/N, the cards' public keys and share
 * commitments, and HMAC(S, "check") to recognise S when it is rebuilt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "codec.h"
#include "engine-pkcs11.h"
#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

#define P11_WORLD_FORMAT	"keyrite-p11-world-1"
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

int
p11_pin(const struct p11_world *w, const uint8_t *secret, const char *which,
    uint8_t *pin, struct kr_err *e)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t mac[32];
	char label[32];
	int i, r;

	snprintf(label, sizeof(label), "keyrite p11 %s-pin", which);
	if ((r = soft_hmac(secret, P11_SECRET_LEN, label, w->world_id,
	    strlen(w->world_id), mac, e)) != 0)
		return r;
	for (i = 0; i < P11_PIN_HEX / 2; i++) {
		pin[2 * i] = (uint8_t)hex[mac[i] >> 4];
		pin[2 * i + 1] = (uint8_t)hex[mac[i] & 15];
	}
	kr_cleanse(mac, sizeof(mac));
	return 0;
}

static int
world_parse(const char *name, const char *buf, size_t len, struct p11_world *w,
    struct kr_err *e)
{
	json_t *obj = NULL, *cards, *c;
	long long v;
	size_t i;
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
	    (r = soft_get_hex(name, obj, "check", w->check, 32, e)) != 0)
		goto out;
	if ((r = soft_get_int(name, obj, "n", 1, ENGINE_MAX_CARDS, &v, e)) != 0)
		goto out;
	w->n = (int)v;
	if ((r = soft_get_int(name, obj, "k", 1, w->n, &v, e)) != 0)
		goto out;
	w->k = (int)v;
	if ((r = soft_get_int(name, obj, "min_pin_len", 1, 256, &v, e)) != 0)
		goto out;
	w->min_pin_len = (int)v;
	if ((r = soft_get_int(name, obj, "log2n", ENGINE_SCRYPT_LOG2N_MIN,
	    ENGINE_SCRYPT_LOG2N_MAX, &v, e)) != 0)
		goto out;
	w->log2n = (int)v;
	cards = json_object_get(obj, "cards");
	if (!json_is_array(cards) || json_array_size(cards) != (size_t)w->n) {
		r = kr_errf(e, KR_EDATA, "%s: cards: not %d entries", name, w->n);
		goto out;
	}
	json_array_foreach(cards, i, c) {
		w->cards[i].index = (int)i + 1;
		if ((r = soft_get_hex(name, c, "pub", w->cards[i].pub, 32,
		    e)) != 0 || (r = soft_get_hex(name, c, "commit", w->commit[i],
		    32, e)) != 0)
			goto out;
		kr_hex_encode(w->cards[i].pub, 32, w->cards[i].pub_hex,
		    sizeof(w->cards[i].pub_hex));
	}
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
	if (!kr_path_exists(path))
		return 0;
	if ((r = kr_read_file(path, SOFT_WORLD_MAX, &buf, &len, e)) != 0)
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
	if ((obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i}",
	    "format", P11_WORLD_FORMAT, "world_id", w->world_id, "label",
	    w->label, "serial", w->serial, "created", w->created, "k", w->k,
	    "n", w->n, "min_pin_len", w->min_pin_len, "log2n", w->log2n)) == NULL ||
	    soft_set_hex(obj, "check", w->check, 32) != 0 ||
	    (cards = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < w->n; i++) {
		if ((c = json_object()) == NULL || json_array_append_new(cards,
		    c) != 0 || soft_set_hex(c, "pub", w->cards[i].pub, 32) != 0 ||
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

/* The cards: S split K-of-N, each with an Ed25519 seed of its own. */
static int
write_cards(struct p11_engine *eng, struct p11_world *w, const uint8_t *s,
    const struct engine_world_req *req, struct kr_err *e)
{
	uint8_t *shares[ENGINE_MAX_CARDS] = { NULL }, *seed = NULL;
	char path[PATH_MAX], rel[32];
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
		snprintf(rel, sizeof(rel), "cards/card-%d", i + 1);
		if ((r = soft_random(seed, 32, e)) != 0 ||
		    (r = soft_ed25519_pub(seed, w->cards[i].pub, e)) != 0 ||
		    (r = world_path(eng, rel, path, sizeof(path), e)) != 0)
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

/* C_InitToken with the SO PIN, then C_InitPIN as SO with the user PIN. */
static int
init_token(struct p11_engine *eng, struct p11_world *w, const uint8_t *s,
    struct kr_err *e)
{
	unsigned char label[32];
	uint8_t *so = NULL, *user = NULL;
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv;
	int r;

	memset(label, ' ', sizeof(label));
	memcpy(label, w->label, strlen(w->label));
	if ((so = kr_secure_malloc(P11_PIN_HEX)) == NULL ||
	    (user = kr_secure_malloc(P11_PIN_HEX)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of secure memory");
		goto out;
	}
	if ((r = p11_pin(w, s, "so", so, e)) != 0 ||
	    (r = p11_pin(w, s, "user", user, e)) != 0)
		goto out;
	if ((rv = eng->f->C_InitToken(eng->slot, so, P11_PIN_HEX, label)) !=
	    CKR_OK) {
		r = p11_fail(e, KR_EFAIL, "C_InitToken", rv);
		goto out;
	}
	if ((r = p11_token_find(eng, 0, e)) != 0)
		goto out;
	if ((rv = eng->f->C_OpenSession(eng->slot, CKF_SERIAL_SESSION |
	    CKF_RW_SESSION, NULL, NULL, &h)) != CKR_OK ||
	    (rv = eng->f->C_Login(h, CKU_SO, so, P11_PIN_HEX)) != CKR_OK ||
	    (rv = eng->f->C_InitPIN(h, user, P11_PIN_HEX)) != CKR_OK) {
		r = p11_fail(e, KR_EFAIL, "C_InitPIN", rv);
		goto out;
	}
	eng->f->C_Logout(h);
	p11_text(eng->ti.serialNumber, sizeof(eng->ti.serialNumber), w->serial,
	    sizeof(w->serial));
	r = 0;
out:
	if (h != CK_INVALID_HANDLE)
		eng->f->C_CloseSession(h);
	kr_secure_free(so, P11_PIN_HEX);
	kr_secure_free(user, P11_PIN_HEX);
	return r;
}

static int
world_req_check(const struct p11_engine *eng, const struct engine_world_req *req,
    struct kr_err *e)
{
	int i, min = req->min_pin_len ? req->min_pin_len : ENGINE_MIN_PIN_DEFAULT;

	if (!eng->uninit)
		return kr_errf(e, KR_EFAIL, "token '%s' is already initialised: "
		    "keyrite initialises only a fresh token (adopting one is "
		    "not supported)", eng->label);
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

int
p11_new_world(struct engine *engine, const struct engine_world_req *req,
    struct engine_world_info *out, struct kr_err *e)
{
	struct p11_engine *eng = P11_ENG(engine);
	struct p11_world w;
	uint8_t *s = NULL, id[32];
	int r;

	if ((r = world_req_check(eng, req, e)) != 0)
		return r;
	memset(&w, 0, sizeof(w));
	w.k = req->k;
	w.n = req->n;
	w.min_pin_len = req->min_pin_len ? req->min_pin_len :
	    ENGINE_MIN_PIN_DEFAULT;
	w.log2n = req->scrypt_log2n ? req->scrypt_log2n :
	    ENGINE_SCRYPT_LOG2N_DEFAULT;
	snprintf(w.label, sizeof(w.label), "%s", eng->label);
	if (kr_rfc3339(kr_now(), w.created, sizeof(w.created)) != 0)
		return kr_errf(e, KR_EFAIL, "clock: cannot format the time");
	if ((s = kr_secure_malloc(P11_SECRET_LEN)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of secure memory");
	if ((r = soft_random(id, sizeof(id), e)) != 0 ||
	    (r = soft_random(s, P11_SECRET_LEN, e)) != 0)
		goto out;
	kr_hex_encode(id, sizeof(id), w.world_id, sizeof(w.world_id));
	if ((r = p11_check_value(w.world_id, s, w.check, e)) != 0 ||
	    (r = write_cards(eng, &w, s, req, e)) != 0 ||
	    (r = init_token(eng, &w, s, e)) != 0)
		goto out;
	eng->uninit = 0;
	if ((r = world_write(eng, &w, e)) != 0)
		goto out;
	eng->world = w;
	eng->has_world = 1;
	r = p11_world_info(engine, out, e);
out:
	kr_secure_free(s, P11_SECRET_LEN);
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
	snprintf(out->warning, sizeof(out->warning), "token '%s' serial %s",
	    w->label, w->serial);
	return 0;
}

int
p11_card_path(struct engine *engine, int index, char *buf, size_t sz,
    struct kr_err *e)
{
	char rel[32];

	if (index < 1 || index > ENGINE_MAX_CARDS)
		return kr_errf(e, KR_EUSAGE, "card %d: no such card", index);
	snprintf(rel, sizeof(rel), "cards/card-%d", index);
	return world_path(P11_ENG(engine), rel, buf, sz, e);
}
