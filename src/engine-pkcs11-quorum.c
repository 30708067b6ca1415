/* SPDX-License-Identifier: ISC */
/*
 * engine-pkcs11-quorum.c: the custodians' cards log keyrite in to the
 * token.  Each card is checked the moment it is presented, as in the
 * software module (file, world, twice, PIN, share commitment, card key),
 * and the first failure is named.  When K good cards are in, their shares
 * rebuild S, the token's SO PIN and user PIN, in the secure heap; S must
 * match the world's check value (so wrong cards never cost the token a
 * PIN try); then the user PIN, written out in the secure heap, logs the
 * engine's session in (C_Login, engine-pkcs11-login.c; a PIN pad gets no
 * PIN) and is wiped at once.  S stays in the secure heap until card_end,
 * for the SO operations of the same quorum (p11_login with CKU_SO); K-1
 * cards never log in.  p11_quorum_rebuild does the same with the PINs
 * new-world's resume is given, for the SO PIN of a token an interrupted
 * attempt initialised, and logs nothing in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "engine-pkcs11.h"
#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

struct p11_quorum {
	struct p11_engine *eng;
	int		 count;
	int		 authorized;
	int		 index[ENGINE_MAX_CARDS];
	uint8_t		*card[ENGINE_MAX_CARDS];	/* share || seed, secure */
	uint8_t		*secret;			/* S once authorized */
	int		 nologin;	/* 1: rebuild S only (p11_quorum_rebuild) */
};

#define Q(q)	((struct p11_quorum *)(void *)(q))

int
p11_card_begin(struct engine *engine, struct engine_quorum **out,
    struct kr_err *e)
{
	struct p11_engine *eng = P11_ENG(engine);
	struct p11_quorum *q;

	if (!eng->has_world)
		return kr_errf(e, KR_EFAIL, "%s: no world for this token (run "
		    "new-world first)", eng->dir);
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	q->eng = eng;
	*out = (struct engine_quorum *)(void *)q;
	return 0;
}

void
p11_card_end(struct engine_quorum *quorum)
{
	struct p11_quorum *q = Q(quorum);
	int i;

	if (q == NULL)
		return;
	if (q->eng->q == quorum)
		q->eng->q = NULL;
	for (i = 0; i < q->count; i++)
		kr_secure_free(q->card[i], 2 * P11_SECRET_LEN);
	kr_secure_free(q->secret, P11_SECRET_LEN);
	kr_cleanse(q, sizeof(*q));
	free(q);
}

int
p11_card_state(const struct engine_quorum *quorum, int *presented,
    int *needed)
{
	const struct p11_quorum *q = (const struct p11_quorum *)(const void *)
	    quorum;

	if (presented != NULL)
		*presented = q->count;
	if (needed != NULL)
		*needed = q->eng->world.k;
	return q->authorized;
}

static int
authorize(struct p11_quorum *q, struct kr_err *e)
{
	const uint8_t *shares[ENGINE_MAX_CARDS];
	uint8_t xs[ENGINE_MAX_CARDS], check[32];
	int i, r;

	for (i = 0; i < q->count; i++) {
		shares[i] = q->card[i];
		xs[i] = (uint8_t)q->index[i];
	}
	if ((q->secret = kr_secure_malloc(P11_SECRET_LEN)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of secure memory");
	if ((r = soft_shamir_combine(shares, xs, q->count, P11_SECRET_LEN,
	    q->secret, e)) != 0 ||
	    (r = p11_check_value(q->eng->world.world_id, q->secret, check,
	    e)) != 0)
		return r;
	if (CRYPTO_memcmp(check, q->eng->world.check, 32) != 0)
		return kr_errf(e, KR_EAUTH, "quorum: the cards do not rebuild "
		    "this token's PIN");
	q->authorized = 1;
	if (q->nologin)
		return 0;
	q->eng->q = (struct engine_quorum *)(void *)q;
	return p11_login(q->eng, CKU_USER, e);
}

/* Checks one card against the world; sec gets share || seed. */
static int
card_check(struct p11_quorum *q, const struct soft_card *c, const char *label,
    const struct engine_pin *pin, uint8_t *sec, struct kr_err *e)
{
	const struct p11_world *w = &q->eng->world;
	uint8_t commit[32], pub[32];
	int i, r;

	if (strcmp(c->world_id, w->world_id) != 0)
		return kr_errf(e, KR_EAUTH, "%s: belongs to another world (%.8s, "
		    "not %.8s)", label, c->world_id, w->world_id);
	if (c->index > w->n)
		return kr_errf(e, KR_EAUTH, "%s: this world has only %d cards",
		    label, w->n);
	for (i = 0; i < q->count; i++)
		if (q->index[i] == c->index)
			return kr_errf(e, KR_EAUTH, "%s: presented already", label);
	if (pin == NULL || pin->pin == NULL)
		return kr_errf(e, KR_EUSAGE, "%s: no PIN", label);
	if ((r = soft_card_open(label, c, pin, sec, e)) != 0)
		return r;
	soft_commit(w->world_id, c->index, sec, commit);
	if (CRYPTO_memcmp(commit, w->commit[c->index - 1], 32) != 0)
		return kr_errf(e, KR_EAUTH, "%s: share does not match the world's "
		    "commitment", label);
	if ((r = soft_ed25519_pub(sec + P11_SECRET_LEN, pub, e)) != 0)
		return r;
	if (CRYPTO_memcmp(pub, w->cards[c->index - 1].pub, 32) != 0)
		return kr_errf(e, KR_EAUTH, "%s: card key does not match the "
		    "world's record", label);
	return 0;
}

int
p11_card_present(struct engine_quorum *quorum, const char *path,
    const struct engine_pin *pin, int *index, struct kr_err *e)
{
	struct p11_quorum *q = Q(quorum);
	struct soft_card c;
	char label[32], *buf = NULL;
	uint8_t *sec = NULL;
	size_t len = 0;
	int r;

	if (q->count >= q->eng->world.n)
		return kr_errf(e, KR_EUSAGE, "all %d cards are in already",
		    q->eng->world.n);
	if ((r = kr_read_file(path, SOFT_CARD_MAX, &buf, &len, e)) != 0)
		return r;
	if ((r = soft_card_parse(path, buf, len, &c, e)) != 0)
		goto out;
	snprintf(label, sizeof(label), "card %d", c.index);
	if ((sec = kr_secure_malloc(2 * P11_SECRET_LEN)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of secure memory");
		goto out;
	}
	if ((r = card_check(q, &c, label, pin, sec, e)) != 0)
		goto out;
	q->index[q->count] = c.index;
	q->card[q->count++] = sec;
	sec = NULL;
	if (q->count == q->eng->world.k && (r = authorize(q, e)) != 0)
		goto out;
	if (index != NULL)
		*index = c.index;
	r = 0;
out:
	kr_secure_free(sec, 2 * P11_SECRET_LEN);
	kr_cleanse(&c, sizeof(c));
	free(buf);
	return r;
}

int
p11_quorum_rebuild(struct p11_engine *eng, const struct engine_pin *pins,
    uint8_t *secret, struct kr_err *e)
{
	struct p11_quorum *q;
	struct kr_err one, first;
	char path[PATH_MAX];
	int i, r = 0;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	q->eng = eng;
	q->nologin = 1;
	kr_err_clear(&first);
	kr_err_clear(&one);
	for (i = 0; i < eng->world.n && !q->authorized &&
	    q->count < eng->world.k; i++) {
		if ((r = soft_card_file(eng->dir, i + 1, path, sizeof(path),
		    e)) != 0)
			goto out;
		if (p11_card_present((struct engine_quorum *)(void *)q, path,
		    &pins[i], NULL, &one) != 0 && first.code == 0)
			first = one;
	}
	if (q->authorized)
		memcpy(secret, q->secret, P11_SECRET_LEN);
	else
		r = kr_errf(e, KR_EAUTH, "token '%s' was initialised by an "
		    "interrupted attempt of this step, and %d of its %d cards "
		    "(%s/cards) open with the PINs typed, not the %d needed "
		    "(%s): type the card PINs of that attempt; nothing was "
		    "changed", eng->world.label, q->count, eng->world.n,
		    eng->dir, eng->world.k, first.code != 0 ? first.msg :
		    "no card");
out:
	kr_cleanse(&one, sizeof(one));
	p11_card_end((struct engine_quorum *)(void *)q);
	return r;
}

int
p11_cosign(struct engine_quorum *quorum, const uint8_t *msg, size_t len,
    struct engine_cosig *out, size_t max, size_t *n, struct kr_err *e)
{
	struct p11_quorum *q = Q(quorum);
	int i, r;

	if (q == NULL || !q->authorized)
		return kr_errf(e, KR_EAUTH, "cosign: quorum not met");
	if (max < (size_t)q->count)
		return kr_errf(e, KR_EUSAGE, "cosign: room for %zu signatures, "
		    "%d cards", max, q->count);
	for (i = 0; i < q->count; i++) {
		out[i].index = q->index[i];
		memcpy(out[i].pub, q->eng->world.cards[q->index[i] - 1].pub, 32);
		if ((r = soft_ed25519_sign(q->card[i] + P11_SECRET_LEN, msg, len,
		    out[i].sig, e)) != 0)
			return r;
	}
	*n = (size_t)q->count;
	return 0;
}

void
p11_logout(struct p11_engine *eng)
{
	if (eng->s != CK_INVALID_HANDLE && eng->login != (CK_USER_TYPE)-1)
		eng->f->C_Logout(eng->s);
	eng->login = (CK_USER_TYPE)-1;
}

static int
quorum_pin(const void *arg, CK_USER_TYPE who, uint8_t *pin, struct kr_err *e)
{
	return p11_quorum_pin((const struct engine_quorum *)arg, who == CKU_SO ?
	    "so" : "user", pin, e);
}

int
p11_login(struct p11_engine *eng, CK_USER_TYPE who, struct kr_err *e)
{
	struct p11_quorum *q = Q(eng->q);

	if (eng->login == who)
		return 0;
	if (q == NULL || !q->authorized || q->secret == NULL)
		return kr_errf(e, KR_EAUTH, "token '%s': not logged in: the "
		    "custodians' quorum (%d of %d cards) logs in", eng->world.label,
		    eng->world.k, eng->world.n);
	p11_logout(eng);
	return p11_session_login(eng, who, quorum_pin, eng->q, e);
}

int
p11_quorum_pin(const struct engine_quorum *quorum, const char *which,
    uint8_t *pin, struct kr_err *e)
{
	const struct p11_quorum *q = (const struct p11_quorum *)(const void *)
	    quorum;

	if (q == NULL || !q->authorized || q->secret == NULL)
		return kr_errf(e, KR_EAUTH, "quorum not met");
	p11_pin(q->secret, which, pin);
	return 0;
}
