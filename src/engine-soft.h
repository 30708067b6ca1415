/* SPDX-License-Identifier: ISC */
/*
 * engine-soft.h: internals shared by the software module's files
 * (engine-soft-*.c).  Not for the runner: it calls engine.h.
 *
 * State directory (DESIGN section 4):
 *   module/mode          {"format":"keyrite-mode-1","mode":"I"}; missing: O
 *   module/key           the module key: 32 raw bytes (read into secure memory)
 *   module/world-key     the world key encrypted under the module key
 *   local/world          the world file (no secret in the clear)
 *   local/key_simple_<ident>, local/key_xferacld_<ident>, local/pub_simple_<ident>.pem
 *   cards/card-<i>       card files
 *   lock                 flock against a second process
 *
 * Every JSON file is written canonically (compact, sorted keys, one
 * trailing newline) with a "sum" member: the SHA-256 of the canonical
 * object without "sum".  Readers refuse a file that is not exactly
 * canonical or whose sum does not match ("damaged"), before trusting any
 * member; then each member is checked for type, size and range.
 */
#ifndef KR_ENGINE_SOFT_H
#define KR_ENGINE_SOFT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "engine.h"

struct kr_err;

#define SOFT_WORLD_MAX		(64 * 1024)
#define SOFT_CARD_MAX		4096
#define SOFT_KEY_MAX		(64 * 1024)
#define SOFT_MODE_MAX		1024
#define SOFT_KEY_LEN		32	/* AES-256 keys, the secret, shares */
#define SOFT_NONCE_LEN		12
#define SOFT_TAG_LEN		16
#define SOFT_ID_LEN		32	/* world id bytes */

struct engine {
	char		 dir[PATH_MAX];
	int		 lockfd;
	int		 mode;
	struct soft_world *world;	/* NULL when there is none */
	uint8_t		*world_key;	/* secure heap; NULL when no world */
};

struct soft_world {
	char		 world_id[ENGINE_HEX256];
	char		 suite[40];
	int		 k, n, min_pin_len, log2n;
	char		 created[32];
	struct engine_card_pub cards[ENGINE_MAX_CARDS];
	uint8_t		 commit[ENGINE_MAX_CARDS][32];
	uint8_t		 wk_nonce[SOFT_NONCE_LEN];
	uint8_t		 wk_ct[SOFT_KEY_LEN + SOFT_TAG_LEN];
	char		 sign_alg[32];
	uint8_t		*sign_pub;	/* SPKI DER, malloc'd */
	size_t		 sign_pub_len;
	uint8_t		 sk_nonce[SOFT_NONCE_LEN];
	uint8_t		*sk_ct;		/* PKCS#8 under the world key, malloc'd */
	size_t		 sk_ct_len;
	uint8_t		 mac[32];	/* HMAC-SHA256(world key, body) */
	char		*body;		/* canonical JSON without mac and sum */
};

struct soft_card {
	char		 world_id[ENGINE_HEX256];
	int		 index;
	uint8_t		 salt[16];
	int		 log2n, r, p;
	uint8_t		 nonce[SOFT_NONCE_LEN];
	uint8_t		 ct[2 * SOFT_KEY_LEN + SOFT_TAG_LEN];
};

struct soft_cosig {
	int		 index;
	uint8_t		 sig[64];
};

struct soft_key {
	struct engine_key_info info;
	char		 world_id[ENGINE_HEX256];
	char		 kek_pkg_sha256[ENGINE_HEX256];		/* xferacld only */
	char		 world_pkg_sha256[ENGINE_HEX256];	/* xferacld only */
	uint8_t		*pub;		/* SPKI DER, malloc'd; NULL for AES */
	size_t		 pub_len;
	uint8_t		 nonce[SOFT_NONCE_LEN];
	uint8_t		*blob;		/* PKCS#8 (AES: the 32 key bytes) under
					   the world key, malloc'd */
	size_t		 blob_len;
	struct soft_cosig cosig[ENGINE_MAX_CARDS];
	int		 ncosig;
	char		*aad;		/* canonical header (the AAD), malloc'd */
};

/* A use of a key that its ACL must allow (engine-soft-acl.c decides). */
enum soft_acl_op {
	SOFT_USE_MODIFY_ACL,
	SOFT_USE_EXPORT_WRAPPED,
};

struct soft_acl_use {
	enum soft_acl_op op;
	const char	*format;	/* export: "byok" or "legacy" */
	const char	*kek_spki;	/* export: SHA-256 of the KEK's SPKI DER */
	const char	*kek_pkg;	/* legacy: SHA-256 of the KEK package */
	const char	*world_pkg;	/* legacy: SHA-256 of the world package */
};

/* engine-soft-json.c */
int	soft_json_load(const char *name, const char *buf, size_t len,
	    size_t max, const char *format, json_t **out, struct kr_err *e);
int	soft_json_dump(json_t *obj, char **out, size_t *len, struct kr_err *e);
char	*soft_json_canon(json_t *obj, const char *drop1, const char *drop2);
int	soft_get_str(const char *name, json_t *o, const char *key, char *out,
	    size_t outsz, struct kr_err *e);
int	soft_get_int(const char *name, json_t *o, const char *key, long long min,
	    long long max, long long *out, struct kr_err *e);
int	soft_get_hex(const char *name, json_t *o, const char *key, uint8_t *out,
	    size_t len, struct kr_err *e);
int	soft_get_b64(const char *name, json_t *o, const char *key, size_t maxlen,
	    uint8_t **out, size_t *len, struct kr_err *e);
int	soft_set_hex(json_t *o, const char *key, const uint8_t *in, size_t len);
int	soft_set_b64(json_t *o, const char *key, const uint8_t *in, size_t len);
int	soft_write_json(const char *path, json_t *obj, struct kr_err *e);
int	soft_is_lower_hex(const char *s, size_t len);

/* engine-soft-crypto.c */
int	soft_random(uint8_t *buf, size_t len, struct kr_err *e);
int	soft_gcm_seal(const uint8_t key[SOFT_KEY_LEN], const void *aad,
	    size_t aadlen, const uint8_t *pt, size_t ptlen,
	    uint8_t nonce[SOFT_NONCE_LEN], uint8_t *ct, struct kr_err *e);
int	soft_gcm_open(const uint8_t key[SOFT_KEY_LEN], const void *aad,
	    size_t aadlen, const uint8_t nonce[SOFT_NONCE_LEN], const uint8_t *ct,
	    size_t ctlen, uint8_t *pt, struct kr_err *e);
int	soft_hmac(const uint8_t *key, size_t keylen, const char *label,
	    const void *data, size_t len, uint8_t out[32], struct kr_err *e);
int	soft_pkcs8_der(EVP_PKEY *pk, uint8_t **der, size_t *len, struct kr_err *e);
int	soft_sha256_hex(const void *buf, size_t len, char out[ENGINE_HEX256]);
int	soft_ed25519_sign(const uint8_t seed[32], const void *msg, size_t len,
	    uint8_t sig[64], struct kr_err *e);
int	soft_ed25519_pub(const uint8_t seed[32], uint8_t pub[32], struct kr_err *e);
int	soft_ed25519_verify(const uint8_t pub[32], const void *msg, size_t len,
	    const uint8_t sig[64]);
/* Seals/opens key material (bytes) under the world key; *mat is in the
 * secure heap (kr_secure_free(*mat, *matlen)). */
int	soft_seal_raw(const uint8_t wk[SOFT_KEY_LEN], const char *aad,
	    const uint8_t *mat, size_t len, uint8_t nonce[SOFT_NONCE_LEN],
	    uint8_t **ct, size_t *ctlen, struct kr_err *e);
int	soft_open_raw(const char *name, const uint8_t wk[SOFT_KEY_LEN],
	    const char *aad, const uint8_t nonce[SOFT_NONCE_LEN],
	    const uint8_t *ct, size_t ctlen, uint8_t **mat, size_t *matlen,
	    struct kr_err *e);
/* Seals/opens a private key (PKCS#8 DER) under the world key. */
int	soft_seal_pkey(const uint8_t wk[SOFT_KEY_LEN], const char *aad,
	    EVP_PKEY *pk, uint8_t nonce[SOFT_NONCE_LEN], uint8_t **ct,
	    size_t *ctlen, struct kr_err *e);
int	soft_open_pkey(const char *name, const uint8_t wk[SOFT_KEY_LEN],
	    const char *aad, const uint8_t nonce[SOFT_NONCE_LEN],
	    const uint8_t *ct, size_t ctlen, EVP_PKEY **pk, struct kr_err *e);

/* engine-soft-shamir.c: GF(2^8), x = 1..255 */
int	soft_shamir_split(const uint8_t *secret, size_t len, int k, int n,
	    uint8_t **shares, struct kr_err *e);
int	soft_shamir_combine(const uint8_t *const *shares, const uint8_t *xs,
	    int count, size_t len, uint8_t *secret, struct kr_err *e);
uint8_t	soft_gf_mul(uint8_t a, uint8_t b);
uint8_t	soft_gf_inv(uint8_t a);

/* engine-soft.c */
int	soft_path(const struct engine *eng, const char *rel, char *out,
	    size_t outsz, struct kr_err *e);
int	soft_need_mode(const struct engine *eng, enum engine_op op,
	    struct kr_err *e);
int	soft_need_world(const struct engine *eng, struct kr_err *e);

/* engine-soft-mode.c */
int	soft_mode_load(struct engine *eng, struct kr_err *e);
int	soft_set_mode(struct engine *eng, int mode, struct kr_err *e);

/* engine-soft-card.c */
int	soft_card_parse(const char *name, const char *buf, size_t len,
	    struct soft_card *c, struct kr_err *e);
int	soft_card_write(const char *path, const char *world_id, int index,
	    int log2n, const struct engine_pin *pin, const uint8_t share[32],
	    const uint8_t seed[32], struct kr_err *e);
/* Opens a parsed card with a PIN into out (64 bytes: share || seed,
 * secure).  KR_EAUTH "wrong PIN" when it does not open. */
/* DIR/cards/card-<index> (both engines' state directories); KR_EUSAGE
 * "card 17: no such card" outside 1..ENGINE_MAX_CARDS. */
int	soft_card_file(const char *dir, int index, char *buf, size_t sz,
	    struct kr_err *e);
int	soft_card_open(const char *label, const struct soft_card *c,
	    const struct engine_pin *pin, uint8_t *out, struct kr_err *e);
void	soft_commit(const char *world_id, int index, const uint8_t share[32],
	    uint8_t out[32]);

/* engine-soft-world.c */
int	soft_world_parse(const char *name, const char *buf, size_t len,
	    struct soft_world *w, struct kr_err *e);
void	soft_world_free(struct soft_world *w);
/* n, k, min_pin_len, log2n and the cards of a world file's JSON (both
 * engines' worlds); KR_EDATA naming the member. */
int	soft_world_quorum_get(const char *name, json_t *obj, int *k, int *n,
	    int *min_pin_len, int *log2n, struct engine_card_pub *cards,
	    uint8_t (*commit)[32], struct kr_err *e);
int	soft_world_load(struct engine *eng, struct kr_err *e);
int	soft_world_check_mac(const char *name, const struct soft_world *w,
	    const uint8_t wk[SOFT_KEY_LEN], struct kr_err *e);
int	soft_world_info(const struct soft_world *w, struct engine_world_info *out);
int	soft_world_signing_key(const struct engine *eng, EVP_PKEY **pk,
	    struct kr_err *e);
int	soft_new_world(struct engine *eng, const struct engine_world_req *req,
	    struct engine_world_info *out, struct kr_err *e);
int	soft_world_info_op(struct engine *eng, struct engine_world_info *out,
	    struct kr_err *e);
int	soft_card_path(struct engine *eng, int index, char *buf, size_t sz,
	    struct kr_err *e);

/* engine-soft-quorum.c */
int	soft_card_begin(struct engine *eng, struct engine_quorum **out,
	    struct kr_err *e);
int	soft_card_present(struct engine_quorum *q, const char *path,
	    const struct engine_pin *pin, int *index, struct kr_err *e);
int	soft_card_state(const struct engine_quorum *q, int *presented,
	    int *needed);
void	soft_card_end(struct engine_quorum *q);
int	soft_quorum_authorized(const struct engine_quorum *q,
	    const struct engine *eng, struct kr_err *e);
int	soft_cosign(struct engine_quorum *q, const uint8_t *msg, size_t len,
	    struct engine_cosig *out, size_t max, size_t *n, struct kr_err *e);

/* engine-soft-keyfile.c: the sealed key file */
/* A curve as keyrite names it (P-256, P-384, P-521, P-256K), case-blind. */
struct soft_curve {
	const char	*name;
	int		 bits;
	const char	*ossl;		/* OpenSSL's group name */
};
/* The curve named name, or NULL when keyrite does not know it. */
const struct soft_curve *soft_curve_find(const char *name);
/* "local/key_<appname>_<ident>" into out; KR_EUSAGE when it does not fit. */
int	soft_key_rel(const char *appname, const char *ident, char *out,
	    size_t sz);
int	soft_key_parse(const char *name, const char *buf, size_t len,
	    struct soft_key *k, struct kr_err *e);
void	soft_key_free(struct soft_key *k);
int	soft_key_load(const struct engine *eng, const char *appname,
	    const char *ident, struct soft_key *k, struct kr_err *e);
/* Writes k (header filled, cosignatures set) with pk sealed under the world
 * key to local/key_<appname>_<ident>; fills k->aad, nonce, blob. */
int	soft_key_write(const struct engine *eng, struct soft_key *k,
	    EVP_PKEY *pk, struct kr_err *e);
/* The same with the key material as bytes (PKCS#8 DER, or an AES key). */
int	soft_key_write_mat(const struct engine *eng, struct soft_key *k,
	    const uint8_t *mat, size_t len, struct kr_err *e);
/* 1 when k is a secret (AES) key: no public key, a check value. */
int	soft_key_is_secret(const struct soft_key *k);
/* An AES key's 32 bytes into the secure heap (kr_secure_free(*mat, 32)),
 * checked against the check value in its header. */
int	soft_key_secret(const struct engine *eng, const struct soft_key *k,
	    uint8_t **mat, size_t *len, struct kr_err *e);
/* The material a package carries: PKCS#8 DER of an RSA or EC private
 * key, the raw bytes of an AES key; in the secure heap. */
int	soft_key_material(const struct engine *eng, const struct soft_key *k,
	    uint8_t **mat, size_t *len, struct kr_err *e);
int	soft_key_private(const struct engine *eng, const struct soft_key *k,
	    EVP_PKEY **pk, struct kr_err *e);
/* The public key of an RSA or EC key (EVP_PKEY_free it); KR_EUSAGE for an
 * AES key. */
int	soft_key_public(const struct soft_key *k, EVP_PKEY **pk,
	    struct kr_err *e);

/* engine-soft-key.c: generatekey and export-public */
int	soft_generate_key(struct engine *eng, const struct engine_key_req *req,
	    struct engine_key_info *out, struct kr_err *e);
int	soft_export_public(struct engine *eng, const char *ident,
	    const char *out_path, char sha256[ENGINE_HEX256], struct kr_err *e);

/* engine-soft-acl.c: the one place that decides what a key may do. */
/* The ACL of a new key: no KEK, "sign [decrypt] modify-acl(quorum)";
 * with the SPKI hash of a KEK, export wrapped to it as a .byok only. */
int	soft_acl_simple(char *out, size_t sz, const char *type,
	    const char *kek_spki);
/* 1 when the ACL grants some export-wrapped (it must then be cosigned). */
int	soft_acl_grants_export(const char *acl);
/* 0 when k's ACL allows the use (and, for an export, K cards of this world
 * cosigned it); else KR_EAUTH naming the key, its ACL and the use. */
int	soft_acl_allows(const struct engine *eng, const struct soft_key *k,
	    const struct soft_acl_use *u, struct kr_err *e);
/* Reads a KEK public key PEM (RSA 2048..4096): the file's SHA-256 and
 * the SPKI hash an ACL names it by.  kek may be NULL; data (dlen bytes):
 * the PEM as the caller read it, else it is read from path. */
int	soft_acl_kek_pem(const char *path, const char *data, size_t dlen,
	    EVP_PKEY **kek,
	    char file_sha[ENGINE_HEX256], char spki_sha[ENGINE_HEX256],
	    struct kr_err *e);
/* Signs k's ACL statement with the session's cards (k->cosig). */
int	soft_acl_cosign(const struct engine *eng, struct engine_quorum *q,
	    struct soft_key *k, struct kr_err *e);
int	soft_reduce_acl(struct engine *eng, struct engine_quorum *q,
	    const struct engine_acl_req *req, struct engine_key_info *out,
	    struct kr_err *e);

/* engine-soft-package.c */
int	soft_verify_packages(struct engine *eng, const struct engine_pkg_req *req,
	    struct engine_pkg_result *out, struct kr_err *e);
int	soft_verify_packages_info(const struct engine_pkg_req *req,
	    struct engine_pkg_result *out, EVP_PKEY **kek, struct kr_err *e);
int	soft_package(struct engine *eng, const struct engine_package_req *req,
	    struct engine_package_result *out, struct kr_err *e);

/* engine-soft-status.c */
int	soft_status(struct engine *eng, struct engine_status *out,
	    struct kr_err *e);
void	soft_status_free(struct engine_status *st);

#endif
