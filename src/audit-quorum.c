/* SPDX-License-Identifier: ISC */
/*
 * audit-quorum.c: the quorum policy and the cards' cosignatures.
 *
 * world-created records the policy (K of N) and each card's Ed25519 public
 * key.  From then on every checkpoint, resume and the seal needs at least
 * K valid cosignatures from known cards over the note
 *
 *	keyrite-log/v1/cosign\n
 *	<origin>\n<size>\n<base64 root>\n<checkpoint|resume|seal>\n
 *
 * (a C2SP checkpoint body with one extension line naming the kind, after a
 * domain prefix).  An invalid signature from a known card fails the entry,
 * a card counted twice fails it, a key that is no card is ignored.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "audit-int.h"
#include "err.h"

int
audit_policy_from_data(struct audit_policy *p, const json_t *data,
    struct audit_fail *f)
{
	const json_t *cards, *c;
	json_int_t k, n, idx;
	unsigned seen = 0, i, j;
	size_t x;

	memset(p, 0, sizeof(*p));
	k = json_integer_value(json_object_get(data, "k"));
	n = json_integer_value(json_object_get(data, "n"));
	cards = json_object_get(data, "cards");
	if (k < 1 || n < k || n > AUDIT_CARDS_MAX)
		return audit_failf(f, AUDIT_E_SCHEMA,
		    "world-created: policy must have 1 <= K <= N <= %d",
		    AUDIT_CARDS_MAX);
	if (json_array_size(cards) != (size_t)n)
		return audit_failf(f, AUDIT_E_SCHEMA,
		    "world-created: %lld cards listed for N = %lld",
		    (long long)json_array_size(cards), (long long)n);
	json_array_foreach(cards, x, c) {
		idx = json_integer_value(json_object_get(c, "index"));
		if (idx < 1 || idx > n || (seen & (1u << idx)))
			return audit_failf(f, AUDIT_E_SCHEMA,
			    "world-created: card indexes must be 1..N, once each");
		seen |= 1u << idx;
		if (audit_get_b64(json_object_get(c, "pk"), p->pk[idx], 32, f,
		    "card pk") != 0)
			return -1;
	}
	for (i = 1; i <= (unsigned)n; i++)
		for (j = i + 1; j <= (unsigned)n; j++)
			if (memcmp(p->pk[i], p->pk[j], 32) == 0)
				return audit_failf(f, AUDIT_E_SCHEMA,
				    "world-created: cards %u and %u share a key",
				    i, j);
	snprintf(p->world_id, sizeof(p->world_id), "%s",
	    json_string_value(json_object_get(data, "world_id")));
	p->k = (unsigned)k;
	p->n = (unsigned)n;
	p->have = 1;
	return 0;
}

int
audit_cosign_note(struct audit_buf *b, const char *origin, uint64_t size,
    const uint8_t root[32], int type)
{
	int r;

	audit_buf_reset(b);
	if ((r = audit_buf_adds(b, AUDIT_NOTE_DOMAIN)) != 0 ||
	    (r = audit_buf_addf(b, "%s\n%llu\n", origin,
	    (unsigned long long)size)) != 0 ||
	    (r = audit_buf_add_b64(b, root, 32)) != 0 ||
	    (r = audit_buf_addf(b, "\n%s\n", audit_type_name(type))) != 0)
		return r;
	return 0;
}

int
audit_quorum_check(const struct audit_policy *p, const char *note,
    size_t len, const json_t *cosigs, int type, struct audit_quorum *q,
    struct audit_fail *f)
{
	uint8_t pk[32], sig[64];
	unsigned seen = 0, card, i;
	const json_t *c;
	size_t x;
	int known;

	memset(q, 0, sizeof(*q));
	json_array_foreach(cosigs, x, c) {
		card = (unsigned)json_integer_value(json_object_get(c, "card"));
		if (audit_get_b64(json_object_get(c, "pk"), pk, 32, f,
		    "cosig pk") != 0 ||
		    audit_get_b64(json_object_get(c, "sig"), sig, 64, f,
		    "cosig sig") != 0)
			return -1;
		known = 0;
		for (i = 1; i <= p->n; i++) {
			if (CRYPTO_memcmp(p->pk[i], pk, 32) != 0)
				continue;
			known = 1;
			if (i != card)
				return audit_failf(f, AUDIT_E_COSIG,
				    "cosig %zu: key of card %u labelled card %u",
				    x + 1, i, card);
		}
		if (!known)
			continue;	/* not a card of this world: ignored */
		if (seen & (1u << card))
			return audit_failf(f, AUDIT_E_COSIG,
			    "card %u cosigned twice", card);
		seen |= 1u << card;
		if (!audit_verify_sig(pk, note, len, sig))
			return audit_failf(f, AUDIT_E_COSIG,
			    "card %u: cosignature does not verify", card);
		q->cards[q->count++] = card;
	}
	if (q->count < p->k)
		return audit_failf(f, type == AUDIT_T_RESUME ?
		    AUDIT_E_RESUME_AUTH : AUDIT_E_QUORUM,
		    "%s cosigned by %u of the %u cards needed",
		    audit_type_name(type), q->count, p->k);
	return 0;
}

void
audit_quorum_cards(const struct audit_quorum *q, char *out, size_t outsz)
{
	size_t off = 0;
	unsigned i;
	int n;

	if (outsz == 0)
		return;
	out[0] = '\0';
	n = snprintf(out, outsz, "[");
	for (i = 0; i < q->count && n >= 0 && (size_t)n < outsz - off; i++) {
		off += (size_t)n;
		n = snprintf(out + off, outsz - off, "%sacs-%u",
		    i > 0 ? ", " : "", q->cards[i]);
	}
	if (n >= 0 && (size_t)n < outsz - off) {
		off += (size_t)n;
		snprintf(out + off, outsz - off, "]");
	}
}
