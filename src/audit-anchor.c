/* SPDX-License-Identifier: ISC */
/*
 * audit-anchor.c: what pins a log from outside it (keyrite-audit(5),
 * "Anchors").
 *
 * The log cannot vouch for the cards it names: whoever held a chain key
 * from before `world-created' can write a tail with cards of their own and
 * cosign a seal with them.  The paper minutes carry, when the world is
 * made, each card's fingerprint (SHA-256 of its Ed25519 public key); the
 * auditor gives them back with --expect-cards, or gives the world's public
 * description with --world, and the verifier compares them with the
 * world-created entry.  --expect-seal (the seal line's hash) pins the whole
 * file on its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit-int.h"
#include "audit-verify.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"

#define WORLD_FILE_MAX	(1024 * 1024)

void
audit_card_fingerprint(const uint8_t pk[32], uint8_t fp[32])
{
	audit_sha256(pk, 32, fp);
}

int
audit_parse_cards(const char *s, struct audit_verify_opts *o,
    struct kr_err *e)
{
	char item[256];
	const char *comma;
	size_t len;
	unsigned n = 0;

	for (;;) {
		comma = strchr(s, ',');
		len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (n == AUDIT_ANCHOR_CARDS_MAX)
			return kr_errf(e, KR_EUSAGE, "--expect-cards: more "
			    "than %d cards", AUDIT_ANCHOR_CARDS_MAX);
		if (len >= sizeof(item))
			return kr_errf(e, KR_EUSAGE, "--expect-cards: card "
			    "%u: not 64 hex digits", n + 1);
		memcpy(item, s, len);
		item[len] = '\0';
		if (audit_parse_fingerprint(item, o->expect_cards[n]) != 0)
			return kr_errf(e, KR_EUSAGE, "--expect-cards: card "
			    "%u: not 64 hex digits", n + 1);
		n++;
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	o->ncards = n;
	return 0;
}

static int
world_card(const char *path, size_t i, const json_t *c,
    struct audit_verify_opts *o, struct kr_err *e)
{
	const char *hex = json_string_value(json_object_get(c, "pub"));
	json_int_t idx = json_integer_value(json_object_get(c, "index"));
	uint8_t pk[32];
	size_t n = 0;

	if (idx != (json_int_t)i + 1)
		return kr_errf(e, KR_EDATA, "%s: card %zu: index must be %zu",
		    path, i + 1, i + 1);
	if (hex == NULL || kr_hex_decode(hex, pk, 32, &n) != 0 || n != 32)
		return kr_errf(e, KR_EDATA, "%s: card %zu: 'pub' is not 32 "
		    "bytes of hex", path, i + 1);
	audit_card_fingerprint(pk, o->expect_cards[i]);
	return 0;
}

int
audit_load_world(const char *path, struct audit_verify_opts *o,
    struct kr_err *e)
{
	json_error_t je;
	json_t *w = NULL, *cards, *c;
	const char *id;
	char *buf = NULL;
	size_t len, i;
	int r;

	if ((r = kr_read_file(path, WORLD_FILE_MAX, &buf, &len, e)) != 0)
		return r;
	r = KR_EDATA;
	if ((w = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		kr_errf(e, r, "%s:%d:%d: %s", path, je.line, je.column,
		    je.text);
		goto out;
	}
	cards = json_object_get(w, "cards");
	id = json_string_value(json_object_get(w, "world_id"));
	if (id == NULL || strlen(id) >= sizeof(o->expect_world) ||
	    !json_is_array(cards) || json_array_size(cards) == 0 ||
	    json_array_size(cards) > AUDIT_ANCHOR_CARDS_MAX) {
		kr_errf(e, r, "%s: not a world file (no 'world_id' or 'cards')",
		    path);
		goto out;
	}
	json_array_foreach(cards, i, c)
		if (world_card(path, i, c, o, e) != 0)
			goto out;
	o->ncards = (unsigned)json_array_size(cards);
	snprintf(o->expect_world, sizeof(o->expect_world), "%s", id);
	r = 0;
out:
	json_decref(w);
	free(buf);
	return r;
}

int
audit_anchor_cards(const struct audit_policy *p,
    const struct audit_verify_opts *o, struct audit_fail *f)
{
	uint8_t fp[32];
	unsigned i;

	if (o->expect_world[0] != '\0' &&
	    strcmp(o->expect_world, p->world_id) != 0)
		return audit_failf(f, AUDIT_E_ANCHOR, "world-created names "
		    "world %.40s, not the world of --world (%.40s)",
		    p->world_id, o->expect_world);
	if (o->ncards != p->n)
		return audit_failf(f, AUDIT_E_ANCHOR, "world-created lists %u "
		    "cards; the minutes list %u", p->n, o->ncards);
	for (i = 1; i <= p->n; i++) {
		audit_card_fingerprint(p->pk[i], fp);
		if (memcmp(fp, o->expect_cards[i - 1], 32) != 0)
			return audit_failf(f, AUDIT_E_ANCHOR, "card %u's key "
			    "in world-created is not the one on the minutes "
			    "(%s)", i, o->expect_world[0] != '\0' ? "--world" :
			    "--expect-cards");
	}
	return 0;
}
