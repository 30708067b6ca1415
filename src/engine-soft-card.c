/* SPDX-License-Identifier: ISC */
/*
 * engine-soft-card.c: an Administrator card as a file.
 *
 * A card holds its world id and index in the clear and, sealed with
 * AES-256-GCM under a key derived from the card's PIN with scrypt (the
 * parameters and salt stored in the card), 64 secret bytes: the card's
 * Shamir share of the world's authorization secret and its Ed25519 seed.
 * The associated data binds the world id, the index and the KDF
 * parameters.  The file's checksum tells a damaged card from a wrong PIN.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

#define CARD_FORMAT	"keyrite-card-1"
#define CARD_R		8
#define CARD_P		1
#define CARD_SECRET	(2 * SOFT_KEY_LEN)

void
soft_commit(const char *world_id, int index, const uint8_t share[32],
    uint8_t out[32])
{
	static const char label[] = "keyrite-share-commitment-1";
	uint8_t ix = (uint8_t)index;
	EVP_MD_CTX *ctx;
	unsigned int n;

	memset(out, 0, 32);
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, label, sizeof(label)) != 1 ||
	    EVP_DigestUpdate(ctx, world_id, strlen(world_id)) != 1 ||
	    EVP_DigestUpdate(ctx, &ix, 1) != 1 ||
	    EVP_DigestUpdate(ctx, share, 32) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, &n) != 1)
		memset(out, 0, 32);
	EVP_MD_CTX_free(ctx);
}

static int
card_aad(const struct soft_card *c, char *out, size_t outsz)
{
	char salt[33];
	int n;

	for (n = 0; n < 16; n++)
		snprintf(salt + 2 * n, 3, "%02x", c->salt[n]);
	n = snprintf(out, outsz, "%s world=%s index=%d kdf=scrypt log2n=%d "
	    "r=%d p=%d salt=%s", CARD_FORMAT, c->world_id, c->index, c->log2n,
	    c->r, c->p, salt);
	return n < 0 || (size_t)n >= outsz ? KR_EUSAGE : 0;
}

static int
card_kdf(const struct soft_card *c, const struct engine_pin *pin,
    uint8_t key[SOFT_KEY_LEN], struct kr_err *e)
{
	uint64_t nn = (uint64_t)1 << c->log2n;

	if (EVP_PBE_scrypt((const char *)pin->pin, pin->len, c->salt,
	    sizeof(c->salt), nn, (uint64_t)c->r, (uint64_t)c->p,
	    (((uint64_t)c->r * 130) << c->log2n) + ((uint64_t)1 << 24), key,
	    SOFT_KEY_LEN) != 1)
		return kr_errf(e, KR_ECRYPTO, "scrypt failed");
	return 0;
}

int
soft_card_parse(const char *name, const char *buf, size_t len,
    struct soft_card *c, struct kr_err *e)
{
	json_t *obj = NULL;
	uint8_t *ct = NULL;
	size_t ctlen = 0;
	long long v;
	char kdf[16];
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = soft_json_load(name, buf, len, SOFT_CARD_MAX, CARD_FORMAT,
	    &obj, e)) != 0)
		return r;
	if ((r = soft_get_str(name, obj, "world_id", c->world_id,
	    sizeof(c->world_id), e)) != 0)
		goto out;
	if (strlen(c->world_id) != 64 || !soft_is_lower_hex(c->world_id, 64)) {
		r = kr_errf(e, KR_EDATA, "%s: bad world id", name);
		goto out;
	}
	if ((r = soft_get_int(name, obj, "index", 1, ENGINE_MAX_CARDS, &v, e)) != 0)
		goto out;
	c->index = (int)v;
	if ((r = soft_get_str(name, obj, "kdf", kdf, sizeof(kdf), e)) != 0)
		goto out;
	if (strcmp(kdf, "scrypt") != 0) {
		r = kr_errf(e, KR_EDATA, "%s: unknown kdf '%s'", name, kdf);
		goto out;
	}
	if ((r = soft_get_int(name, obj, "log2n", ENGINE_SCRYPT_LOG2N_MIN,
	    ENGINE_SCRYPT_LOG2N_MAX, &v, e)) != 0)
		goto out;
	c->log2n = (int)v;
	if ((r = soft_get_int(name, obj, "r", 1, 8, &v, e)) != 0)
		goto out;
	c->r = (int)v;
	if ((r = soft_get_int(name, obj, "p", 1, 4, &v, e)) != 0)
		goto out;
	c->p = (int)v;
	if ((r = soft_get_hex(name, obj, "salt", c->salt, sizeof(c->salt), e)) != 0 ||
	    (r = soft_get_hex(name, obj, "nonce", c->nonce, sizeof(c->nonce), e)) != 0 ||
	    (r = soft_get_b64(name, obj, "ct", sizeof(c->ct), &ct, &ctlen, e)) != 0)
		goto out;
	if (ctlen != sizeof(c->ct)) {
		r = kr_errf(e, KR_EDATA, "%s: 'ct' has the wrong length", name);
		goto out;
	}
	memcpy(c->ct, ct, ctlen);
	r = 0;
out:
	free(ct);
	json_decref(obj);
	return r;
}

int
soft_card_open(const char *label, const struct soft_card *c,
    const struct engine_pin *pin, uint8_t *out, struct kr_err *e)
{
	uint8_t *key;
	char aad[256];
	int r;

	if (card_aad(c, aad, sizeof(aad)) != 0)
		return kr_errf(e, KR_EDATA, "%s: bad card header", label);
	if ((key = kr_secure_malloc(SOFT_KEY_LEN)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of secure memory");
	if ((r = card_kdf(c, pin, key, e)) != 0)
		goto out;
	r = soft_gcm_open(key, aad, strlen(aad), c->nonce, c->ct, sizeof(c->ct),
	    out, e);
	if (r == KR_EAUTH)
		kr_errf(e, KR_EAUTH, "%s: wrong PIN", label);
out:
	kr_secure_free(key, SOFT_KEY_LEN);
	return r;
}

int
soft_card_write(const char *path, const char *world_id, int index, int log2n,
    const struct engine_pin *pin, const uint8_t share[32],
    const uint8_t seed[32], struct kr_err *e)
{
	struct soft_card c;
	uint8_t *key = NULL, *pt = NULL;
	json_t *obj = NULL;
	char aad[256];
	int r;

	memset(&c, 0, sizeof(c));
	snprintf(c.world_id, sizeof(c.world_id), "%s", world_id);
	c.index = index;
	c.log2n = log2n;
	c.r = CARD_R;
	c.p = CARD_P;
	if ((r = soft_random(c.salt, sizeof(c.salt), e)) != 0)
		return r;
	if (card_aad(&c, aad, sizeof(aad)) != 0)
		return kr_errf(e, KR_EUSAGE, "card %d: bad header", index);
	if ((key = kr_secure_malloc(SOFT_KEY_LEN)) == NULL ||
	    (pt = kr_secure_malloc(CARD_SECRET)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of secure memory");
		goto out;
	}
	memcpy(pt, share, SOFT_KEY_LEN);
	memcpy(pt + SOFT_KEY_LEN, seed, SOFT_KEY_LEN);
	if ((r = card_kdf(&c, pin, key, e)) != 0 ||
	    (r = soft_gcm_seal(key, aad, strlen(aad), pt, CARD_SECRET, c.nonce,
	    c.ct, e)) != 0)
		goto out;
	if ((obj = json_pack("{s:s, s:s, s:i, s:s, s:i, s:i, s:i}",
	    "format", CARD_FORMAT, "world_id", world_id, "index", index,
	    "kdf", "scrypt", "log2n", log2n, "r", c.r, "p", c.p)) == NULL ||
	    soft_set_hex(obj, "salt", c.salt, sizeof(c.salt)) != 0 ||
	    soft_set_hex(obj, "nonce", c.nonce, sizeof(c.nonce)) != 0 ||
	    soft_set_b64(obj, "ct", c.ct, sizeof(c.ct)) != 0) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	r = soft_write_json(path, obj, e);
out:
	json_decref(obj);
	kr_secure_free(key, SOFT_KEY_LEN);
	kr_secure_free(pt, CARD_SECRET);
	return r;
}

int
soft_card_file(const char *dir, int index, char *buf, size_t sz,
    struct kr_err *e)
{
	char rel[32];

	if (index < 1 || index > ENGINE_MAX_CARDS)
		return kr_errf(e, KR_EUSAGE, "card %d: no such card", index);
	snprintf(rel, sizeof(rel), "cards/card-%d", index);
	if (kr_path_join(buf, sz, dir, rel) != 0)
		return kr_errf(e, KR_EUSAGE, "%s: path too long", dir);
	return 0;
}
