/* SPDX-License-Identifier: ISC */
/*
 * engine-soft-acl.c: the software module's ACL model, decided here and
 * nowhere else (keyrite-acl(7) is its description for people).
 *
 * A key's ACL is a line of permissions separated by spaces; a permission
 * is a name, with its bounds in parentheses: "sign", "decrypt",
 * "modify-acl(quorum)", "export-wrapped(format=F,kek-spki=H[,kek-pkg=H,
 * world-pkg=H])".  Who may do what:
 *   - generatekey with no KEK: "sign [decrypt] modify-acl(quorum)" ("sign
 *     decrypt" for RSA, "sign" for EC, "encrypt decrypt" for AES): the key
 *     can never leave the module; only a quorum can give it a new ACL.
 *   - generatekey naming a KEK (the current method), under an authorized
 *     quorum: "sign [decrypt] export-wrapped(format=byok,kek-spki=H)": the
 *     one export allowed is a .byok wrapped to the KEK whose
 *     SubjectPublicKeyInfo hashes to H.
 *   - reduce-acl (the legacy -ModifyAcls), under an authorized quorum, of a
 *     key whose ACL has modify-acl(quorum): key_xferacld_<ident> with
 *     "export-wrapped(format=legacy,kek-spki=H,kek-pkg=P,world-pkg=W)".
 * Every ACL that grants export-wrapped is signed by the cards of the
 * quorum (the statement: world id, key, public key hash or, for an AES
 * key, its check value, ACL); an export
 * needs K valid cosignatures of distinct cards of this world, the format
 * and every hash equal to the ones the ACL names.  Anything else is refused
 * with the key, its ACL and the use attempted.  The ACL is also in the AAD
 * of the sealed private key, so it cannot be edited in the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h>

#include "clock.h"
#include "engine-soft.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "secmem.h"

static int	soft_acl_statement(const char *world_id, const struct soft_key *k,
		    char **out, size_t *len, struct kr_err *e);
static int	soft_acl_check_cosigs(const struct engine *eng,
		    const struct soft_key *k, struct kr_err *e);

#define KEK_PEM_MAX	(16 * 1024)

int
soft_acl_simple(char *out, size_t sz, const char *type, const char *kek_spki)
{
	const char *base = strcmp(type, "RSA") == 0 ? "sign decrypt" :
	    strcmp(type, "AES") == 0 ? "encrypt decrypt" : "sign";
	int n;

	if (kek_spki == NULL)
		n = snprintf(out, sz, "%s modify-acl(quorum)", base);
	else
		n = snprintf(out, sz, "%s export-wrapped(format=byok,kek-spki=%s)",
		    base, kek_spki);
	return n < 0 || (size_t)n >= sz ? KR_EUSAGE : 0;
}

/* The ACL of a reduced (xferacld) key. */
static int
soft_acl_xfer(char *out, size_t sz, const char *kek_spki, const char *kek_pkg,
    const char *world_pkg)
{
	int n = snprintf(out, sz, "export-wrapped(format=legacy,kek-spki=%s,"
	    "kek-pkg=%s,world-pkg=%s)", kek_spki, kek_pkg, world_pkg);

	return n < 0 || (size_t)n >= sz ? KR_EUSAGE : 0;
}

/* The bounds of permission name in acl ("" when it has none), or -1 when
 * the ACL does not have it. */
static int
acl_find(const char *acl, const char *name, char *bounds, size_t sz)
{
	size_t nl = strlen(name), bl;
	const char *p = acl, *end;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, " ");
		if (strncmp(p, name, nl) == 0 && (p + nl == end ||
		    (p[nl] == '(' && end[-1] == ')'))) {
			bl = p + nl == end ? 0 : (size_t)(end - p) - nl - 2;
			if (bl >= sz)
				return -1;
			memcpy(bounds, p + nl + (bl > 0 ? 1 : 0), bl);
			bounds[bl] = '\0';
			return 0;
		}
		p = end;
	}
	return -1;
}

int
soft_acl_grants_export(const char *acl)
{
	char b[ENGINE_ACL_MAX];

	return acl_find(acl, "export-wrapped", b, sizeof(b)) == 0;
}

/* The use as text, for messages: "export-wrapped(format=byok,
 * kek-spki=0123abcd...)". */
static void
use_text(const struct soft_acl_use *u, char *out, size_t sz)
{
	if (u->op == SOFT_USE_MODIFY_ACL) {
		snprintf(out, sz, "modify-acl");
		return;
	}
	snprintf(out, sz, "export-wrapped(format=%s,kek-spki=%.16s...%s%.16s%s%.16s%s)",
	    u->format, u->kek_spki,
	    u->kek_pkg != NULL ? ",kek-pkg=" : "",
	    u->kek_pkg != NULL ? u->kek_pkg : "",
	    u->kek_pkg != NULL ? "...,world-pkg=" : "",
	    u->world_pkg != NULL ? u->world_pkg : "",
	    u->world_pkg != NULL ? "..." : "");
}

static int
refuse(const struct soft_key *k, const struct soft_acl_use *u, const char *why,
    struct kr_err *e)
{
	char use[256];

	use_text(u, use, sizeof(use));
	return kr_errf(e, KR_EAUTH, "key_%s_%s: ACL '%s' does not allow %s%s%s",
	    k->info.appname, k->info.ident, k->info.acl, use,
	    why != NULL ? ": " : "", why != NULL ? why : "");
}

int
soft_acl_allows(const struct engine *eng, const struct soft_key *k,
    const struct soft_acl_use *u, struct kr_err *e)
{
	char b[ENGINE_ACL_MAX], want[ENGINE_ACL_MAX];
	int n;

	if (u->op == SOFT_USE_MODIFY_ACL) {
		if (acl_find(k->info.acl, "modify-acl", b, sizeof(b)) != 0 ||
		    strcmp(b, "quorum") != 0)
			return refuse(k, u, NULL, e);
		return 0;
	}
	if (acl_find(k->info.acl, "export-wrapped", b, sizeof(b)) != 0)
		return refuse(k, u, strcmp(u->format, "legacy") == 0 &&
		    acl_find(k->info.acl, "modify-acl", b, sizeof(b)) == 0 ?
		    "reduce the ACL first (reduce-acl, under the quorum)" : NULL,
		    e);
	if (strcmp(u->format, "legacy") == 0)
		n = snprintf(want, sizeof(want), "format=legacy,kek-spki=%s,"
		    "kek-pkg=%s,world-pkg=%s", u->kek_spki,
		    u->kek_pkg != NULL ? u->kek_pkg : "",
		    u->world_pkg != NULL ? u->world_pkg : "");
	else
		n = snprintf(want, sizeof(want), "format=%s,kek-spki=%s",
		    u->format, u->kek_spki);
	if (n < 0 || (size_t)n >= sizeof(want))
		return refuse(k, u, NULL, e);
	if (strncmp(b, "format=", 7) == 0 &&
	    strncmp(b + 7, u->format, strlen(u->format)) != 0)
		return refuse(k, u, "another format", e);
	if (strcmp(b, want) != 0)
		return refuse(k, u, "another KEK", e);
	/* The grant stands only if a quorum of this world signed it. */
	return soft_acl_check_cosigs(eng, k, e);
}

int
soft_acl_kek_pem(const char *path, const char *data, size_t dlen,
    EVP_PKEY **kek,
    char file_sha[ENGINE_HEX256], char spki_sha[ENGINE_HEX256],
    struct kr_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	EVP_PKEY *pk = NULL;
	int r, bits;

	if ((r = kr_read_file_given(path, data, dlen, KEK_PEM_MAX, &buf,
	    &len, e)) != 0)
		return r;
	if (file_sha != NULL)
		soft_sha256_hex(buf, len, file_sha);
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL ||
	    (pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL)) == NULL) {
		r = kr_errf(e, KR_EDATA, "%s: not a public key PEM "
		    "(SubjectPublicKeyInfo)", path);
		goto out;
	}
	bits = EVP_PKEY_get_bits(pk);
	if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA ||
	    (bits != 2048 && bits != 3072 && bits != 4096)) {
		r = kr_errf(e, KR_EDATA, "%s: the KEK must be RSA 2048, 3072 or "
		    "4096", path);
		goto out;
	}
	if ((r = keyio_spki_sha256_hex(pk, spki_sha, e)) != 0)
		goto out;
	if (kek != NULL) {
		*kek = pk;
		pk = NULL;
	}
	r = 0;
out:
	EVP_PKEY_free(pk);
	BIO_free(bio);
	free(buf);
	return r;
}

/* Signs k's ACL statement with the session's cards into k->cosig. */
int
soft_acl_cosign(const struct engine *eng, struct engine_quorum *q,
    struct soft_key *k, struct kr_err *e)
{
	struct engine_cosig sigs[ENGINE_MAX_CARDS];
	char *stmt = NULL;
	size_t len = 0, n = 0, i;
	int r;

	if ((r = soft_acl_statement(eng->world->world_id, k, &stmt, &len,
	    e)) != 0 || (r = soft_cosign(q, (const uint8_t *)stmt, len, sigs,
	    ENGINE_MAX_CARDS, &n, e)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		k->cosig[i].index = sigs[i].index;
		memcpy(k->cosig[i].sig, sigs[i].sig, 64);
		k->info.cosigners[i] = sigs[i].index;
	}
	k->ncosig = (int)n;
	k->info.ncosigners = (int)n;
	r = 0;
out:
	free(stmt);
	return r;
}

static int
soft_acl_statement(const char *world_id, const struct soft_key *k, char **out,
    size_t *len, struct kr_err *e)
{
	/* An AES key is named by its check value ("kcv=" instead of "pub="). */
	const char *what = soft_key_is_secret(k) ? "kcv" : "pub";
	const char *id = soft_key_is_secret(k) ? k->info.kcv :
	    k->info.pub_sha256;
	char *s;
	int n;

	n = snprintf(NULL, 0, "keyrite-acl-1\nworld=%s\nkey=%s/%s\n%s=%s\n"
	    "acl=%s\n", world_id, k->info.appname, k->info.ident, what, id,
	    k->info.acl);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	snprintf(s, (size_t)n + 1, "keyrite-acl-1\nworld=%s\nkey=%s/%s\n%s=%s\n"
	    "acl=%s\n", world_id, k->info.appname, k->info.ident, what, id,
	    k->info.acl);
	*out = s;
	*len = (size_t)n;
	return 0;
}

static int
soft_acl_check_cosigs(const struct engine *eng, const struct soft_key *k,
    struct kr_err *e)
{
	const struct soft_world *w = eng->world;
	char *stmt = NULL;
	size_t len = 0;
	int seen[ENGINE_MAX_CARDS + 1] = { 0 }, good = 0, i, r;

	if ((r = soft_acl_statement(w->world_id, k, &stmt, &len, e)) != 0)
		return r;
	for (i = 0; i < k->ncosig; i++) {
		int ix = k->cosig[i].index;

		if (ix < 1 || ix > w->n || seen[ix])
			continue;
		if (soft_ed25519_verify(w->cards[ix - 1].pub, stmt, len,
		    k->cosig[i].sig) != 0) {
			r = kr_errf(e, KR_EFAIL, "key_%s_%s: cosignature of card "
			    "%d does not verify", k->info.appname, k->info.ident, ix);
			goto out;
		}
		seen[ix] = 1;
		good++;
	}
	if (good < w->k) {
		r = kr_errf(e, KR_EFAIL, "key_%s_%s: ACL cosigned by %d cards, "
		    "the quorum is %d", k->info.appname, k->info.ident, good, w->k);
		goto out;
	}
	r = 0;
out:
	free(stmt);
	return r;
}

/* The source key may have its ACL changed (modify-acl under the quorum);
 * the packages verify; fills x with the reduced-ACL copy's header. */
static int
reduce_prepare(struct engine *eng, const struct engine_acl_req *req,
    const struct soft_key *k, struct soft_key *x, struct kr_err *e)
{
	struct soft_acl_use use = { SOFT_USE_MODIFY_ACL, NULL, NULL, NULL, NULL };
	struct engine_pkg_result pr;
	EVP_PKEY *kek = NULL;
	char spki[ENGINE_HEX256];
	int r;

	if ((r = soft_acl_allows(eng, k, &use, e)) != 0)
		return r;
	if ((r = soft_verify_packages_info(&req->pkg, &pr, &kek, e)) != 0)
		return r;
	r = keyio_spki_sha256_hex(kek, spki, e);
	EVP_PKEY_free(kek);
	if (r != 0)
		return r;
	x->info = k->info;
	snprintf(x->info.appname, sizeof(x->info.appname), "xferacld");
	kr_rfc3339(kr_now(), x->info.created, sizeof(x->info.created));
	if (soft_acl_xfer(x->info.acl, sizeof(x->info.acl), spki, pr.kek_sha256,
	    pr.world_sha256) != 0)
		return kr_errf(e, KR_EUSAGE, "ACL too long");
	snprintf(x->world_id, sizeof(x->world_id), "%s", eng->world->world_id);
	snprintf(x->kek_pkg_sha256, sizeof(x->kek_pkg_sha256), "%s",
	    pr.kek_sha256);
	snprintf(x->world_pkg_sha256, sizeof(x->world_pkg_sha256), "%s",
	    pr.world_sha256);
	if (soft_key_is_secret(k))
		return 0;		/* no public key: the check value */
	if ((x->pub = malloc(k->pub_len)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	memcpy(x->pub, k->pub, k->pub_len);
	x->pub_len = k->pub_len;
	return 0;
}

int
soft_reduce_acl(struct engine *eng, struct engine_quorum *q,
    const struct engine_acl_req *req, struct engine_key_info *out,
    struct kr_err *e)
{
	struct soft_key k, x;
	uint8_t *mat = NULL;
	size_t len = 0;
	char ident[ENGINE_IDENT_MAX];
	int r;

	memset(&k, 0, sizeof(k));
	memset(&x, 0, sizeof(x));
	if ((r = soft_need_mode(eng, ENGINE_OP_REDUCE_ACL, e)) != 0 ||
	    (r = soft_need_world(eng, e)) != 0 ||
	    (r = soft_quorum_authorized(q, eng, e)) != 0)
		return r;
	if ((r = engine_ident_normalize(req->ident, ident, sizeof(ident), e)) != 0)
		return r;
	if ((r = soft_key_load(eng, "simple", ident, &k, e)) != 0)
		return r;
	if ((r = reduce_prepare(eng, req, &k, &x, e)) != 0 ||
	    (r = soft_key_material(eng, &k, &mat, &len, e)) != 0 ||
	    (r = soft_acl_cosign(eng, q, &x, e)) != 0 ||
	    (r = soft_key_write_mat(eng, &x, mat, len, e)) != 0)
		goto out;
	if (out != NULL)
		*out = x.info;
	r = 0;
out:
	kr_secure_free(mat, len);
	soft_key_free(&k);
	soft_key_free(&x);
	return r;
}
