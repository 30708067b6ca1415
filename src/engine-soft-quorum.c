/* SPDX-License-Identifier: ISC */
/*
 * engine-soft-quorum.c: presenting Administrator cards, one at a time.
 *
 * Each card is checked the moment it is presented, in this order, and the
 * first failure is named: the file (missing, not a card, damaged), its
 * world, whether it was presented already in this session, its PIN, then
 * its share against the world's commitment and its Ed25519 key against the
 * world's record.  When K good cards are in, the shares are combined and
 * the authorization secret must open the world key sealed in the world
 * file and equal the key the module holds; only then is the session
 * authorized.  Shares and card seeds stay in the secure heap until
 * card_end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

struct engine_quorum {
	struct engine	*eng;
	int		 count;
	int		 authorized;
	int		 index[ENGINE_MAX_CARDS];
	uint8_t		*secret[ENGINE_MAX_CARDS];	/* share || seed, secure */
};

int
soft_card_begin(struct engine *eng, struct engine_quorum **out,
    struct kr_err *e)
{
	struct engine_quorum *q;
	int r;

	if ((r = soft_need_world(eng, e)) != 0)
		return r;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	q->eng = eng;
	*out = q;
	return 0;
}

void
soft_card_end(struct engine_quorum *q)
{
	int i;

	if (q == NULL)
		return;
	for (i = 0; i < q->count; i++)
		kr_secure_free(q->secret[i], 2 * SOFT_KEY_LEN);
	kr_cleanse(q, sizeof(*q));
	free(q);
}

int
soft_card_state(const struct engine_quorum *q, int *presented, int *needed)
{
	if (presented != NULL)
		*presented = q->count;
	if (needed != NULL)
		*needed = q->eng->world->k;
	return q->authorized;
}

/* K shares in: the secret must open the world's sealed world key and match
 * the module's. */
static int
authorize(struct engine_quorum *q, struct kr_err *e)
{
	const struct soft_world *w = q->eng->world;
	const uint8_t *shares[ENGINE_MAX_CARDS];
	uint8_t xs[ENGINE_MAX_CARDS], wrap[32];
	uint8_t *secret = NULL, *wk = NULL;
	char aad[160];
	int i, r;

	for (i = 0; i < q->count; i++) {
		shares[i] = q->secret[i];
		xs[i] = (uint8_t)q->index[i];
	}
	if ((secret = kr_secure_malloc(SOFT_KEY_LEN)) == NULL ||
	    (wk = kr_secure_malloc(SOFT_KEY_LEN)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of secure memory");
		goto out;
	}
	if ((r = soft_shamir_combine(shares, xs, q->count, SOFT_KEY_LEN, secret,
	    e)) != 0 ||
	    (r = soft_hmac(secret, SOFT_KEY_LEN, "keyrite-world-key-wrap-1",
	    w->world_id, 64, wrap, e)) != 0)
		goto out;
	snprintf(aad, sizeof(aad), "keyrite-world-1 world=%s world-key",
	    w->world_id);
	if ((r = soft_gcm_open(wrap, aad, strlen(aad), w->wk_nonce, w->wk_ct,
	    sizeof(w->wk_ct), wk, e)) != 0 ||
	    CRYPTO_memcmp(wk, q->eng->world_key, SOFT_KEY_LEN) != 0) {
		r = kr_errf(e, KR_EAUTH, "quorum: the cards do not open this "
		    "world's key");
		goto out;
	}
	q->authorized = 1;
	r = 0;
out:
	kr_cleanse(wrap, sizeof(wrap));
	kr_secure_free(secret, SOFT_KEY_LEN);
	kr_secure_free(wk, SOFT_KEY_LEN);
	return r;
}

int
soft_card_present(struct engine_quorum *q, const char *path,
    const struct engine_pin *pin, int *index, struct kr_err *e)
{
	const struct soft_world *w = q->eng->world;
	struct soft_card c;
	char label[32], *buf = NULL;
	uint8_t *sec = NULL, commit[32], pub[32];
	size_t len = 0;
	int i, r;

	if (q->count >= w->n)
		return kr_errf(e, KR_EUSAGE, "all %d cards are in already", w->n);
	if ((r = kr_read_file(path, SOFT_CARD_MAX, &buf, &len, e)) != 0)
		return r;
	if ((r = soft_card_parse(path, buf, len, &c, e)) != 0)
		goto out;
	snprintf(label, sizeof(label), "card %d", c.index);
	if (strcmp(c.world_id, w->world_id) != 0) {
		r = kr_errf(e, KR_EAUTH, "%s: belongs to another world (%.8s, "
		    "not %.8s)", label, c.world_id, w->world_id);
		goto out;
	}
	if (c.index > w->n) {
		r = kr_errf(e, KR_EAUTH, "%s: this world has only %d cards",
		    label, w->n);
		goto out;
	}
	for (i = 0; i < q->count; i++)
		if (q->index[i] == c.index) {
			r = kr_errf(e, KR_EAUTH, "%s: presented already", label);
			goto out;
		}
	if (pin == NULL || pin->pin == NULL) {
		r = kr_errf(e, KR_EUSAGE, "%s: no PIN", label);
		goto out;
	}
	if ((sec = kr_secure_malloc(2 * SOFT_KEY_LEN)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of secure memory");
		goto out;
	}
	if ((r = soft_card_open(label, &c, pin, sec, e)) != 0)
		goto out;
	soft_commit(w->world_id, c.index, sec, commit);
	if (CRYPTO_memcmp(commit, w->commit[c.index - 1], 32) != 0) {
		r = kr_errf(e, KR_EAUTH, "%s: share does not match the world's "
		    "commitment", label);
		goto out;
	}
	if ((r = soft_ed25519_pub(sec + SOFT_KEY_LEN, pub, e)) != 0)
		goto out;
	if (CRYPTO_memcmp(pub, w->cards[c.index - 1].pub, 32) != 0) {
		r = kr_errf(e, KR_EAUTH, "%s: card key does not match the world's "
		    "record", label);
		goto out;
	}
	q->index[q->count] = c.index;
	q->secret[q->count] = sec;
	q->count++;
	sec = NULL;
	if (q->count == w->k && (r = authorize(q, e)) != 0)
		goto out;
	if (index != NULL)
		*index = c.index;
	r = 0;
out:
	kr_secure_free(sec, 2 * SOFT_KEY_LEN);
	kr_cleanse(&c, sizeof(c));
	free(buf);
	return r;
}

int
soft_quorum_authorized(const struct engine_quorum *q, const struct engine *eng,
    struct kr_err *e)
{
	if (q == NULL)
		return kr_errf(e, KR_EAUTH, "quorum: no cards presented "
		    "(needs %d of %d)", eng->world->k, eng->world->n);
	if (q->eng != eng)
		return kr_errf(e, KR_EUSAGE, "quorum: session of another module");
	if (!q->authorized)
		return kr_errf(e, KR_EAUTH, "quorum not met: %d of %d cards "
		    "presented, %d needed", q->count, eng->world->n, eng->world->k);
	return 0;
}

int
soft_cosign(struct engine_quorum *q, const uint8_t *msg, size_t len,
    struct engine_cosig *out, size_t max, size_t *n, struct kr_err *e)
{
	int i, r;

	if (q == NULL)
		return kr_errf(e, KR_EAUTH, "cosign: no cards presented");
	if ((r = soft_quorum_authorized(q, q->eng, e)) != 0)
		return r;
	if (max < (size_t)q->count)
		return kr_errf(e, KR_EUSAGE, "cosign: room for %zu signatures, "
		    "%d cards", max, q->count);
	for (i = 0; i < q->count; i++) {
		out[i].index = q->index[i];
		memcpy(out[i].pub, q->eng->world->cards[q->index[i] - 1].pub, 32);
		if ((r = soft_ed25519_sign(q->secret[i] + SOFT_KEY_LEN, msg, len,
		    out[i].sig, e)) != 0)
			return r;
	}
	*n = (size_t)q->count;
	return 0;
}
