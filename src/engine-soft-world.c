/* SPDX-License-Identifier: ISC */
/*
 * engine-soft-world.c: the Security World.
 *
 * new-world makes a world id, a world key W (the module's day-to-day key
 * for module-protected keys), an authorization secret S split K-of-N by
 * Shamir onto the cards, and a world signing key (DSA with fixed, published
 * domain parameters: 3072/256 with SHA-256, or 1024/160 with SHA-1 for the
 * legacy suite).  The world file local/world holds, with nothing secret in
 * the clear: the suite, K/N, each card's Ed25519 public key and a
 * commitment to its share, W sealed under a key derived from S (so K cards
 * restore the world elsewhere), the signing key sealed under W, and an
 * HMAC under W over all of it.  The module keeps W sealed under its own
 * module key in module/world-key.
 *
 * The domain parameters below were generated once with
 *   openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:3072
 *     -pkeyopt dsa_paramgen_q_bits:256 -pkeyopt dsa_paramgen_md:sha256
 * (and 1024/160/sha1) and are public; only the keys are fresh per world.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "clock.h"
#include "codec.h"
#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "secmem.h"

#define WORLD_FORMAT	"keyrite-world-1"
#define MWK_FORMAT	"keyrite-module-world-key-1"

static const char dsa3072_pem[] =
	"-----BEGIN DSA PARAMETERS-----\n"
	"MIIDLQKCAYEA3HNZIIV3LhALr7I0DAwzyW8yRPhq8RSxwIEFbrCKTivaOR2LjInh\n"
	"MPfqsFm5+6rUizIthXoqM3fCcFiDbIPIWHG75rMREU2KG+TY6eMpqq2ZkkX7fmBF\n"
	"ZSBfmL06UFl6N4Ju1MwiQXtKTQFrzIo5eVVwFeCD1kZM/sFWJ7B1i1TJDJ8rygXC\n"
	"G8vFrD+CbjQqcxSHgNfxcVb8DBM0Jx5R3J/qghWcMBi1wyp4buoZy+z0Z1/u5MAE\n"
	"xN0TfytQ4/+d7Ouq8JxIUpEPPOTQfsfI11vLoljQDgUoca+yFqt0ZvDcySCeJI2z\n"
	"Ql3ageE5b+SZZIlvv+5IFkn1p1rtMsUDHC4fhxLuiaLnV4R2jS12eS1VpNdue22s\n"
	"1dngdKAFjl0mE4qJK8XcpvJqStEARPX/BZbnzy8eDI3iWnBR10DUkPsfWxEk9FKb\n"
	"FNCpWI4AR56YJLR/9rv2lQTisuLYpe6HJgZixg8ghA2wmAX91E/mMxjUWQ419ktG\n"
	"8H8f9dIESmMtAiEAkrbuVB45Ht4V12Y2UIe5dlGefJAsU9sT1/HPTjKa+Y0CggGB\n"
	"AJmgdahnDMDLnudt+cOZ9hGm9mnz0QBkFgvHWNLmUEY+jQwcCewBy4AJUztjT2ht\n"
	"SrB8G8lG56b0BCUnBr7S4R6Bni/YgHmteDlYrE4OkmM7pqieCBXA/z1utX2nJtoQ\n"
	"/RygTToJOcR+EmZwrMbWM5TMp6euHjUdJGCKQqq3LR+9axopns2RaRfmtmvvlm/p\n"
	"/lKzsCRfvoT5T5j2rw7My+nB+NM1fS5F7ULuIKtKvPG0ZJe31c//Y+Ms9XhG35GV\n"
	"hc07p9T1s9zZxIQRgspc5jsRIrmHMBPVNffIkb7DVkKu2cGQjmeDMIhOUM2TRzgK\n"
	"YG55X6zqpwOnmDGhmoDnpXJltF8DE5ENGrAZqVH2KgDzg2vcdKJgBq9reUE/w8Kk\n"
	"DxblRm8HSa5OtRS4ZomzBpkIp3+Iwi1FyoiWKxKTRT5shlEej9pj9lL4EVJ7CeYl\n"
	"9d2nwFfxJ5pvdf/qoWUy8qsLAzwqNj+TnwiAgwxf/Kz1udnbPO0j9LYphfAmIIdZ\n"
	"ag==\n"
	"-----END DSA PARAMETERS-----\n"
;
static const char dsa1024_pem[] =
	"-----BEGIN DSA PARAMETERS-----\n"
	"MIIBHgKBgQDxC/V+BIcRqqaj9Pg1vDisucWuDnnDsBhoW7lyZVqhr90kPoPFTDQO\n"
	"xPUnKWM6wGmJmDa5C52gWgGbdbHLZoZhKqHJa4qDSAMKc35J/RhG2/yTzMsfa4cY\n"
	"5oeHvEBCYScKxc3Gce5Th4ytAbv2KUQxuvOu7NWQfDdKB5wvxDUMuQIVAKGfYAWI\n"
	"11os0DpXIdIZHH2cSrqrAoGAdSCOa/Tnlaw0fblBS6JyyQCbVyw17vbjPYXe3y/d\n"
	"dYtdVKMnQrR0o7cUGg8J51JC++4zYkzQA1KDoZ3JF1NIf9Wa4+uynw9iVLULIxwX\n"
	"JWq4Xqg3gTasHvjcURDxZqjcVkYusT7TbHKgdHE3je97h2Piqkbi9eMEjgXQ/b2d\n"
	"034=\n"
	"-----END DSA PARAMETERS-----\n"
;

static const struct suite {
	const char	*name;
	const char	*sign_alg;
	const char	*params;
	const char	*warning;
} suites[] = {
	{ "DLf3072s256mRijndael", "DSA-3072-SHA256", dsa3072_pem, NULL },
	{ "DLf3072s256mAEScSP800131Ar1", "DSA-3072-SHA256", dsa3072_pem, NULL },
	{ "DLf1024s160mRijndael", "DSA-1024-SHA1", dsa1024_pem,
	  "cipher suite DLf1024s160mRijndael is legacy (1024-bit DSA, SHA-1); "
	  "use DLf3072s256mRijndael unless the module cannot" },
};

static const struct suite *
suite_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (strcmp(suites[i].name, name) == 0)
			return &suites[i];
	return NULL;
}

void
soft_world_free(struct soft_world *w)
{
	if (w == NULL)
		return;
	free(w->sign_pub);
	free(w->sk_ct);
	free(w->body);
	free(w);
}

static int
world_aad(const char *world_id, const char *what, char *out, size_t sz)
{
	int n = snprintf(out, sz, "%s world=%s %s", WORLD_FORMAT, world_id, what);

	return n < 0 || (size_t)n >= sz ? KR_EUSAGE : 0;
}

/* The quorum half of a world file, the same in both engines' worlds
 * (engine-pkcs11-world.c too): n, k, min_pin_len, log2n and the cards, each
 * exactly { index, pub, commit } in card order. */
int
soft_world_quorum_get(const char *name, json_t *obj, int *k, int *n,
    int *min_pin_len, int *log2n, struct engine_card_pub *cards,
    uint8_t (*commit)[32], struct kr_err *e)
{
	json_t *list, *c;
	char cname[64];
	long long v;
	size_t i;
	int r;

	if ((r = soft_get_int(name, obj, "n", 1, ENGINE_MAX_CARDS, &v, e)) != 0)
		return r;
	*n = (int)v;
	if ((r = soft_get_int(name, obj, "k", 1, *n, &v, e)) != 0)
		return r;
	*k = (int)v;
	if ((r = soft_get_int(name, obj, "min_pin_len", 1, 256, &v, e)) != 0)
		return r;
	*min_pin_len = (int)v;
	if ((r = soft_get_int(name, obj, "log2n", ENGINE_SCRYPT_LOG2N_MIN,
	    ENGINE_SCRYPT_LOG2N_MAX, &v, e)) != 0)
		return r;
	*log2n = (int)v;
	list = json_object_get(obj, "cards");
	if (!json_is_array(list) || json_array_size(list) != (size_t)*n)
		return kr_errf(e, KR_EDATA, "%s: 'cards' must list %d cards", name,
		    *n);
	json_array_foreach(list, i, c) {
		snprintf(cname, sizeof(cname), "%s: card %zu", name, i + 1);
		if (!json_is_object(c))
			return kr_errf(e, KR_EDATA, "%s: not an object", cname);
		if ((r = soft_get_int(cname, c, "index", (long long)i + 1,
		    (long long)i + 1, &v, e)) != 0 ||
		    (r = soft_get_hex(cname, c, "pub", cards[i].pub, 32, e)) != 0 ||
		    (r = soft_get_hex(cname, c, "commit", commit[i], 32, e)) != 0)
			return r;
		if (json_object_size(c) != 3)
			return kr_errf(e, KR_EDATA, "%s: unknown member", cname);
		cards[i].index = (int)i + 1;
		kr_hex_encode(cards[i].pub, 32, cards[i].pub_hex,
		    sizeof(cards[i].pub_hex));
	}
	return 0;
}

int
soft_world_parse(const char *name, const char *buf, size_t len,
    struct soft_world *w, struct kr_err *e)
{
	const struct suite *su;
	json_t *obj = NULL;
	int r;

	memset(w, 0, sizeof(*w));
	if ((r = soft_json_load(name, buf, len, SOFT_WORLD_MAX, WORLD_FORMAT,
	    &obj, e)) != 0)
		return r;
	if ((r = soft_get_str(name, obj, "world_id", w->world_id,
	    sizeof(w->world_id), e)) != 0)
		goto out;
	if (strlen(w->world_id) != 64 || !soft_is_lower_hex(w->world_id, 64)) {
		r = kr_errf(e, KR_EDATA, "%s: bad world id", name);
		goto out;
	}
	if ((r = soft_get_str(name, obj, "suite", w->suite, sizeof(w->suite),
	    e)) != 0)
		goto out;
	if ((su = suite_find(w->suite)) == NULL) {
		r = kr_errf(e, KR_EDATA, "%s: unknown cipher suite '%s'", name,
		    w->suite);
		goto out;
	}
	if ((r = soft_get_str(name, obj, "created", w->created,
	    sizeof(w->created), e)) != 0 ||
	    (r = soft_get_str(name, obj, "sign_alg", w->sign_alg,
	    sizeof(w->sign_alg), e)) != 0)
		goto out;
	if (strcmp(w->sign_alg, su->sign_alg) != 0) {
		r = kr_errf(e, KR_EDATA, "%s: signing algorithm does not match "
		    "the suite", name);
		goto out;
	}
	if ((r = soft_world_quorum_get(name, obj, &w->k, &w->n, &w->min_pin_len,
	    &w->log2n, w->cards, w->commit, e)) != 0)
		goto out;
	if ((r = soft_get_hex(name, obj, "wk_nonce", w->wk_nonce,
	    sizeof(w->wk_nonce), e)) != 0 ||
	    (r = soft_get_hex(name, obj, "wk_ct", w->wk_ct, sizeof(w->wk_ct),
	    e)) != 0 ||
	    (r = soft_get_hex(name, obj, "sk_nonce", w->sk_nonce,
	    sizeof(w->sk_nonce), e)) != 0 ||
	    (r = soft_get_hex(name, obj, "mac", w->mac, sizeof(w->mac), e)) != 0 ||
	    (r = soft_get_b64(name, obj, "sign_pub", 4096, &w->sign_pub,
	    &w->sign_pub_len, e)) != 0 ||
	    (r = soft_get_b64(name, obj, "sk_ct", 4096, &w->sk_ct,
	    &w->sk_ct_len, e)) != 0)
		goto out;
	if ((w->body = soft_json_canon(obj, "mac", "sum")) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	r = 0;
out:
	json_decref(obj);
	if (r != 0) {
		free(w->sign_pub);
		free(w->sk_ct);
		free(w->body);
		memset(w, 0, sizeof(*w));
	}
	return r;
}

int
soft_world_check_mac(const char *name, const struct soft_world *w,
    const uint8_t wk[SOFT_KEY_LEN], struct kr_err *e)
{
	uint8_t mac[32];
	int r;

	if ((r = soft_hmac(wk, SOFT_KEY_LEN, "keyrite-world-mac-1", w->body,
	    strlen(w->body), mac, e)) != 0)
		return r;
	if (CRYPTO_memcmp(mac, w->mac, sizeof(mac)) != 0)
		return kr_errf(e, KR_EDATA, "%s: does not verify under the "
		    "module's world key (tampered, or another world)", name);
	return 0;
}

int
soft_world_info(const struct soft_world *w, struct engine_world_info *out)
{
	const struct suite *s = suite_find(w->suite);

	memset(out, 0, sizeof(*out));
	snprintf(out->world_id, sizeof(out->world_id), "%s", w->world_id);
	snprintf(out->suite, sizeof(out->suite), "%s", w->suite);
	out->k = w->k;
	out->n = w->n;
	out->min_pin_len = w->min_pin_len;
	out->scrypt_log2n = w->log2n;
	snprintf(out->created, sizeof(out->created), "%s", w->created);
	snprintf(out->signing_alg, sizeof(out->signing_alg), "%s", w->sign_alg);
	soft_sha256_hex(w->sign_pub, w->sign_pub_len, out->signing_pub_sha256);
	memcpy(out->cards, w->cards, sizeof(out->cards));
	if (s != NULL && s->warning != NULL)
		snprintf(out->warning, sizeof(out->warning), "%s", s->warning);
	return 0;
}

int
soft_world_info_op(struct engine *eng, struct engine_world_info *out,
    struct kr_err *e)
{
	if (eng->world == NULL)
		return kr_errf(e, KR_EFAIL, "%s: no security world on this module",
		    eng->dir);
	return soft_world_info(eng->world, out);
}

int
soft_card_path(struct engine *eng, int index, char *buf, size_t sz,
    struct kr_err *e)
{
	return soft_card_file(eng->dir, index, buf, sz, e);
}

/* The module key (module/key, 32 raw bytes) into secure memory; made when
 * create is set and it is missing. */
static int
module_key(struct engine *eng, int create, uint8_t **km, struct kr_err *e)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	uint8_t *k;
	int r;

	if ((r = soft_path(eng, "module/key", path, sizeof(path), e)) != 0)
		return r;
	if ((k = kr_secure_malloc(SOFT_KEY_LEN)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of secure memory");
	if (!kr_path_exists(path) && create) {
		if ((r = soft_random(k, SOFT_KEY_LEN, e)) != 0 ||
		    (r = soft_path(eng, "module", path, sizeof(path), e)) != 0 ||
		    (r = kr_mkdir_private(path, e)) != 0 ||
		    (r = soft_path(eng, "module/key", path, sizeof(path), e)) != 0 ||
		    (r = kr_write_atomic(path, k, SOFT_KEY_LEN, 0600, e)) != 0)
			goto fail;
		*km = k;
		return 0;
	}
	if ((r = kr_read_file_secure(path, 64, &buf, &len, e)) != 0)
		goto fail;
	if (len != SOFT_KEY_LEN) {
		kr_secure_free(buf, len + 1);
		r = kr_errf(e, KR_EDATA, "%s: not a module key", path);
		goto fail;
	}
	memcpy(k, buf, SOFT_KEY_LEN);
	kr_secure_free(buf, len + 1);
	*km = k;
	return 0;
fail:
	kr_secure_free(k, SOFT_KEY_LEN);
	return r;
}

/* Reads module/world-key and opens W for world_id into wk (secure). */
static int
module_world_key(struct engine *eng, const char *world_id, uint8_t *wk,
    struct kr_err *e)
{
	char path[PATH_MAX], *buf = NULL, id[ENGINE_HEX256], aad[160];
	uint8_t nonce[SOFT_NONCE_LEN], ct[SOFT_KEY_LEN + SOFT_TAG_LEN];
	uint8_t *km = NULL;
	json_t *obj = NULL;
	size_t len;
	int r;

	if ((r = soft_path(eng, "module/world-key", path, sizeof(path), e)) != 0)
		return r;
	if ((r = kr_read_file(path, SOFT_MODE_MAX, &buf, &len, e)) != 0)
		return r;
	if ((r = soft_json_load(path, buf, len, SOFT_MODE_MAX, MWK_FORMAT, &obj,
	    e)) != 0 ||
	    (r = soft_get_str(path, obj, "world_id", id, sizeof(id), e)) != 0 ||
	    (r = soft_get_hex(path, obj, "nonce", nonce, sizeof(nonce), e)) != 0 ||
	    (r = soft_get_hex(path, obj, "ct", ct, sizeof(ct), e)) != 0)
		goto out;
	if (strcmp(id, world_id) != 0) {
		r = kr_errf(e, KR_EFAIL, "%s: the module holds the key of another "
		    "world", path);
		goto out;
	}
	snprintf(aad, sizeof(aad), "%s world=%s", MWK_FORMAT, world_id);
	if ((r = module_key(eng, 0, &km, e)) != 0)
		goto out;
	if ((r = soft_gcm_open(km, aad, strlen(aad), nonce, ct, sizeof(ct), wk,
	    e)) != 0)
		kr_errf(e, KR_EDATA, "%s: does not open under the module key", path);
out:
	kr_secure_free(km, SOFT_KEY_LEN);
	json_decref(obj);
	free(buf);
	return r;
}

int
soft_world_load(struct engine *eng, struct kr_err *e)
{
	char path[PATH_MAX], mwk[PATH_MAX], *buf = NULL;
	struct soft_world *w = NULL;
	uint8_t *wk = NULL;
	size_t len;
	int r;

	if ((r = soft_path(eng, "local/world", path, sizeof(path), e)) != 0 ||
	    (r = soft_path(eng, "module/world-key", mwk, sizeof(mwk), e)) != 0)
		return r;
	if ((r = kr_read_file_if(path, SOFT_WORLD_MAX, &buf, &len, e)) != 0 ||
	    buf == NULL)
		return r;
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	if ((r = soft_world_parse(path, buf, len, w, e)) != 0)
		goto out;
	if (kr_path_exists(mwk)) {
		if ((wk = kr_secure_malloc(SOFT_KEY_LEN)) == NULL) {
			r = kr_errf(e, KR_ENOMEM, "out of secure memory");
			goto out;
		}
		if ((r = module_world_key(eng, w->world_id, wk, e)) != 0 ||
		    (r = soft_world_check_mac(path, w, wk, e)) != 0)
			goto out;
	}
	eng->world = w;
	eng->world_key = wk;
	w = NULL;
	wk = NULL;
	r = 0;
out:
	if (w != NULL)
		soft_world_free(w);
	kr_secure_free(wk, SOFT_KEY_LEN);
	free(buf);
	return r;
}

int
soft_world_signing_key(const struct engine *eng, EVP_PKEY **pk,
    struct kr_err *e)
{
	char aad[160];
	int r;

	if ((r = soft_need_world(eng, e)) != 0)
		return r;
	world_aad(eng->world->world_id, "signing-key", aad, sizeof(aad));
	return soft_open_pkey("local/world", eng->world_key, aad,
	    eng->world->sk_nonce, eng->world->sk_ct, eng->world->sk_ct_len, pk, e);
}

static int
dsa_keygen(const struct suite *s, EVP_PKEY **out, struct kr_err *e)
{
	EVP_PKEY *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIO *bio;
	int r = KR_ECRYPTO;

	if ((bio = BIO_new_mem_buf(s->params, -1)) == NULL ||
	    (params = PEM_read_bio_Parameters(bio, NULL)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL)) == NULL ||
	    EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_generate(ctx, out) != 1) {
		kr_errf(e, KR_ECRYPTO, "world signing key generation failed");
		goto out;
	}
	r = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(params);
	BIO_free(bio);
	return r;
}

/* Files of a new world are written as "<path>.new" and renamed into place
 * at the end, the world file last; a failure removes the .new files. */
struct staged {
	char	path[ENGINE_MAX_CARDS + 3][PATH_MAX];
	int	n;
};

static int
stage(struct staged *st, const char *path, struct kr_err *e)
{
	if (st->n >= (int)(sizeof(st->path) / sizeof(st->path[0])))
		return kr_errf(e, KR_EUSAGE, "too many files");
	snprintf(st->path[st->n++], PATH_MAX, "%s", path);
	return 0;
}

static void
staged_path(const char *path, char *out, size_t sz)
{
	snprintf(out, sz, "%s.new", path);
}

static void
stage_abort(struct staged *st)
{
	char tmp[PATH_MAX + 8];
	int i;

	for (i = 0; i < st->n; i++) {
		staged_path(st->path[i], tmp, sizeof(tmp));
		unlink(tmp);
	}
}

static int
stage_commit(struct engine *eng, struct staged *st, struct kr_err *e)
{
	char tmp[PATH_MAX + 8], dir[PATH_MAX];
	int i, r;

	for (i = 0; i < st->n; i++) {
		staged_path(st->path[i], tmp, sizeof(tmp));
		if (rename(tmp, st->path[i]) == -1)
			return kr_errf(e, KR_EIO, "%s: cannot rename into place",
			    st->path[i]);
	}
	if ((r = soft_path(eng, "cards", dir, sizeof(dir), e)) != 0 ||
	    (r = kr_fsync_dir(dir, e)) != 0 ||
	    (r = soft_path(eng, "module", dir, sizeof(dir), e)) != 0 ||
	    (r = kr_fsync_dir(dir, e)) != 0 ||
	    (r = soft_path(eng, "local", dir, sizeof(dir), e)) != 0 ||
	    (r = kr_fsync_dir(dir, e)) != 0)
		return r;
	return 0;
}

/* One new-world's working state; the secrets are on the secure heap and
 * nw_free() wipes them on every path. */
struct nw {
	const struct suite *s;
	int		 min_pin, log2n, n;
	uint8_t		*secret, *wk, *seeds, *shares[ENGINE_MAX_CARDS];
	struct soft_world *w;
	json_t		*obj, *cards, *mwk;
	char		 created[32];
};

static void
nw_free(struct nw *x)
{
	int i;

	json_decref(x->obj);
	json_decref(x->cards);
	json_decref(x->mwk);
	soft_world_free(x->w);
	kr_secure_free(x->secret, SOFT_KEY_LEN);
	kr_secure_free(x->wk, SOFT_KEY_LEN);
	kr_secure_free(x->seeds, x->n > 0 ? (size_t)x->n * 32 : 0);
	for (i = 0; i < ENGINE_MAX_CARDS; i++)
		kr_secure_free(x->shares[i], SOFT_KEY_LEN);
}

/* The request: suite, quorum, PIN policy, KDF cost; the directories. */
static int
nw_check(struct engine *eng, const struct engine_world_req *req,
    struct nw *x, struct kr_err *e)
{
	static const char *const sub[] = { "module", "local", "cards" };
	char path[PATH_MAX];
	int i, r;

	if ((r = soft_need_mode(eng, ENGINE_OP_NEW_WORLD, e)) != 0)
		return r;
	if ((x->s = suite_find(req->suite != NULL ? req->suite :
	    ENGINE_SUITE_DEFAULT)) == NULL)
		return kr_errf(e, KR_EUSAGE, "new-world: unknown cipher suite '%s' "
		    "(DLf3072s256mRijndael, DLf3072s256mAEScSP800131Ar1 or "
		    "DLf1024s160mRijndael)", req->suite);
	if (req->k < 1 || req->n < req->k || req->n > ENGINE_MAX_CARDS)
		return kr_errf(e, KR_EUSAGE, "new-world: quorum %d/%d: need "
		    "1 <= K <= N <= %d", req->k, req->n, ENGINE_MAX_CARDS);
	x->min_pin = req->min_pin_len > 0 ? req->min_pin_len :
	    ENGINE_MIN_PIN_DEFAULT;
	if (x->min_pin > 256)
		return kr_errf(e, KR_EUSAGE, "new-world: minimum PIN length %d "
		    "is too large", x->min_pin);
	x->log2n = req->scrypt_log2n > 0 ? req->scrypt_log2n :
	    ENGINE_SCRYPT_LOG2N_DEFAULT;
	if (x->log2n < ENGINE_SCRYPT_LOG2N_MIN ||
	    x->log2n > ENGINE_SCRYPT_LOG2N_MAX)
		return kr_errf(e, KR_EUSAGE, "new-world: scrypt cost 2^%d out of "
		    "range (2^%d..2^%d)", x->log2n, ENGINE_SCRYPT_LOG2N_MIN,
		    ENGINE_SCRYPT_LOG2N_MAX);
	for (i = 0; i < req->n; i++) {
		if (req->pins[i].pin == NULL)
			return kr_errf(e, KR_EUSAGE, "card %d: no PIN", i + 1);
		if (req->pins[i].len < (size_t)x->min_pin)
			return kr_errf(e, KR_EUSAGE, "card %d: PIN too short "
			    "(at least %d characters)", i + 1, x->min_pin);
		if (req->pins[i].len > 1024)
			return kr_errf(e, KR_EUSAGE, "card %d: PIN too long", i + 1);
	}
	if (eng->world != NULL && !req->replace)
		return kr_errf(e, KR_EFAIL, "%s/local/world: this module has a "
		    "security world already", eng->dir);
	for (i = 0; i < 3; i++)
		if ((r = soft_path(eng, sub[i], path, sizeof(path), e)) != 0 ||
		    (r = kr_mkdir_private(path, e)) != 0)
			return r;
	return 0;
}

/* The authorization secret S and its shares, the world key W, the card
 * seeds, the world id; each card's public key and share commitment. */
static int
nw_secrets(const struct engine_world_req *req, struct nw *x, struct kr_err *e)
{
	uint8_t id[SOFT_ID_LEN], commit[32], pub[32];
	json_t *c;
	int i, r;

	x->n = req->n;
	if ((x->secret = kr_secure_malloc(SOFT_KEY_LEN)) == NULL ||
	    (x->wk = kr_secure_malloc(SOFT_KEY_LEN)) == NULL ||
	    (x->seeds = kr_secure_malloc((size_t)req->n * 32)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of secure memory");
	for (i = 0; i < req->n; i++)
		if ((x->shares[i] = kr_secure_malloc(SOFT_KEY_LEN)) == NULL)
			return kr_errf(e, KR_ENOMEM, "out of secure memory");
	if ((r = soft_random(id, sizeof(id), e)) != 0 ||
	    (r = soft_random(x->secret, SOFT_KEY_LEN, e)) != 0 ||
	    (r = soft_random(x->wk, SOFT_KEY_LEN, e)) != 0 ||
	    (r = soft_random(x->seeds, (size_t)req->n * 32, e)) != 0 ||
	    (r = soft_shamir_split(x->secret, SOFT_KEY_LEN, req->k, req->n,
	    x->shares, e)) != 0)
		return r;
	if ((x->w = calloc(1, sizeof(*x->w))) == NULL ||
	    (x->cards = json_array()) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	for (i = 0; i < SOFT_ID_LEN; i++)
		snprintf(x->w->world_id + 2 * i, 3, "%02x", id[i]);
	kr_rfc3339(kr_now(), x->created, sizeof(x->created));
	for (i = 0; i < req->n; i++) {
		if ((r = soft_ed25519_pub(x->seeds + 32 * i, pub, e)) != 0)
			return r;
		soft_commit(x->w->world_id, i + 1, x->shares[i], commit);
		if ((c = json_pack("{s:i}", "index", i + 1)) == NULL ||
		    json_array_append_new(x->cards, c) != 0 ||
		    soft_set_hex(c, "pub", pub, 32) != 0 ||
		    soft_set_hex(c, "commit", commit, 32) != 0)
			return kr_errf(e, KR_ENOMEM, "out of memory");
	}
	return 0;
}

/* The world file: W under a key derived from S, the signing key under W,
 * the body and its MAC under W. */
static int
nw_world_file(const struct engine_world_req *req, struct nw *x,
    struct kr_err *e)
{
	struct soft_world *w = x->w;
	EVP_PKEY *sk = NULL;
	uint8_t wrap[32], *spki = NULL;
	size_t spki_len = 0;
	char aad[160];
	int r;

	memset(wrap, 0, sizeof(wrap));
	if ((r = soft_hmac(x->secret, SOFT_KEY_LEN, "keyrite-world-key-wrap-1",
	    w->world_id, 64, wrap, e)) != 0)
		goto out;
	world_aad(w->world_id, "world-key", aad, sizeof(aad));
	if ((r = soft_gcm_seal(wrap, aad, strlen(aad), x->wk, SOFT_KEY_LEN,
	    w->wk_nonce, w->wk_ct, e)) != 0 ||
	    (r = dsa_keygen(x->s, &sk, e)) != 0 ||
	    (r = keyio_spki_der(sk, &spki, &spki_len, e)) != 0)
		goto out;
	world_aad(w->world_id, "signing-key", aad, sizeof(aad));
	if ((r = soft_seal_pkey(x->wk, aad, sk, w->sk_nonce, &w->sk_ct,
	    &w->sk_ct_len, e)) != 0)
		goto out;
	if ((x->obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, "
	    "s:O}", "format", WORLD_FORMAT, "world_id", w->world_id,
	    "suite", x->s->name, "created", x->created,
	    "sign_alg", x->s->sign_alg, "k", req->k, "n", req->n,
	    "min_pin_len", x->min_pin, "log2n", x->log2n,
	    "cards", x->cards)) == NULL ||
	    soft_set_hex(x->obj, "wk_nonce", w->wk_nonce,
	    sizeof(w->wk_nonce)) != 0 ||
	    soft_set_hex(x->obj, "wk_ct", w->wk_ct, sizeof(w->wk_ct)) != 0 ||
	    soft_set_hex(x->obj, "sk_nonce", w->sk_nonce,
	    sizeof(w->sk_nonce)) != 0 ||
	    soft_set_b64(x->obj, "sk_ct", w->sk_ct, w->sk_ct_len) != 0 ||
	    soft_set_b64(x->obj, "sign_pub", spki, spki_len) != 0 ||
	    (w->body = soft_json_canon(x->obj, "mac", "sum")) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	if ((r = soft_hmac(x->wk, SOFT_KEY_LEN, "keyrite-world-mac-1", w->body,
	    strlen(w->body), w->mac, e)) != 0)
		goto out;
	if (soft_set_hex(x->obj, "mac", w->mac, sizeof(w->mac)) != 0) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	r = 0;
out:
	kr_cleanse(wrap, sizeof(wrap));
	free(spki);
	EVP_PKEY_free(sk);
	return r;
}

/* The module's copy of W, under the module key. */
static int
nw_module_copy(struct engine *eng, struct nw *x, struct kr_err *e)
{
	uint8_t *km = NULL, nonce[SOFT_NONCE_LEN];
	uint8_t ct[SOFT_KEY_LEN + SOFT_TAG_LEN];
	char aad[160];
	int r;

	if ((r = module_key(eng, 1, &km, e)) != 0)
		return r;
	snprintf(aad, sizeof(aad), "%s world=%s", MWK_FORMAT, x->w->world_id);
	r = soft_gcm_seal(km, aad, strlen(aad), x->wk, SOFT_KEY_LEN, nonce, ct,
	    e);
	kr_secure_free(km, SOFT_KEY_LEN);
	if (r != 0)
		return r;
	if ((x->mwk = json_pack("{s:s, s:s}", "format", MWK_FORMAT, "world_id",
	    x->w->world_id)) == NULL ||
	    soft_set_hex(x->mwk, "nonce", nonce, sizeof(nonce)) != 0 ||
	    soft_set_hex(x->mwk, "ct", ct, sizeof(ct)) != 0)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	return 0;
}

/* Stages every file, re-reads the world through the reader, then renames
 * them into place, the world last. */
static int
nw_write(struct engine *eng, const struct engine_world_req *req,
    struct nw *x, struct kr_err *e)
{
	struct staged st;
	char path[PATH_MAX], tmp[PATH_MAX + 8], *buf = NULL;
	size_t len = 0;
	int i, r;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < req->n; i++) {
		if ((r = soft_card_path(eng, i + 1, path, sizeof(path), e)) != 0 ||
		    (r = stage(&st, path, e)) != 0)
			goto out;
		staged_path(path, tmp, sizeof(tmp));
		if ((r = soft_card_write(tmp, x->w->world_id, i + 1, x->log2n,
		    &req->pins[i], x->shares[i], x->seeds + 32 * i, e)) != 0)
			goto out;
	}
	if ((r = soft_path(eng, "module/world-key", path, sizeof(path), e)) != 0 ||
	    (r = stage(&st, path, e)) != 0)
		goto out;
	staged_path(path, tmp, sizeof(tmp));
	if ((r = soft_write_json(tmp, x->mwk, e)) != 0)
		goto out;
	if ((r = soft_path(eng, "local/world", path, sizeof(path), e)) != 0 ||
	    (r = stage(&st, path, e)) != 0)
		goto out;
	staged_path(path, tmp, sizeof(tmp));
	if ((r = soft_json_dump(x->obj, &buf, &len, e)) != 0 ||
	    (r = kr_write_atomic(tmp, buf, len, 0600, e)) != 0)
		goto out;
	soft_world_free(x->w);
	if ((x->w = calloc(1, sizeof(*x->w))) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	if ((r = soft_world_parse(path, buf, len, x->w, e)) != 0 ||
	    (r = soft_world_check_mac(path, x->w, x->wk, e)) != 0 ||
	    (r = stage_commit(eng, &st, e)) != 0)
		goto out;
	st.n = 0;
	r = 0;
out:
	stage_abort(&st);
	free(buf);
	return r;
}

int
soft_new_world(struct engine *eng, const struct engine_world_req *req,
    struct engine_world_info *out, struct kr_err *e)
{
	struct nw x;
	int r;

	memset(&x, 0, sizeof(x));
	if ((r = nw_check(eng, req, &x, e)) != 0 ||
	    (r = nw_secrets(req, &x, e)) != 0 ||
	    (r = nw_world_file(req, &x, e)) != 0 ||
	    (r = nw_module_copy(eng, &x, e)) != 0 ||
	    (r = nw_write(eng, req, &x, e)) != 0)
		goto out;
	soft_world_free(eng->world);
	kr_secure_free(eng->world_key, SOFT_KEY_LEN);
	eng->world = x.w;
	eng->world_key = x.wk;
	x.w = NULL;
	x.wk = NULL;
	if (out != NULL)
		soft_world_info(eng->world, out);
	r = 0;
out:
	nw_free(&x);
	return r;
}
