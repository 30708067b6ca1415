/*
 * engine-soft-acl.c: reduce-acl, the procedure's -ModifyAcls.
 *
 * With an authorized quorum, makes local/key_xferacld_<ident>: the same
 * private key, sealed again under the world key with a header whose ACL
 * allows exactly one thing, "export-wrapped kek=<KEK package SHA-256>
 * world=<Security World package SHA-256>", after both packages verified.
 * Every card of the session signs the ACL statement (world id, key, public
 * key hash, ACL) with its Ed25519 key; package() checks that at least K
 * distinct cards of the world signed it before using the key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine-soft.h"
#include "err.h"
#include "manifest.h"

int
soft_acl_statement(const char *world_id, const struct soft_key *k, char **out,
    size_t *len, struct kr_err *e)
{
	char *s;
	int n;

	n = snprintf(NULL, 0, "keyrite-acl-1\nworld=%s\nkey=%s/%s\npub=%s\n"
	    "acl=%s\n", world_id, k->info.appname, k->info.ident,
	    k->info.pub_sha256, k->info.acl);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	snprintf(s, (size_t)n + 1, "keyrite-acl-1\nworld=%s\nkey=%s/%s\npub=%s\n"
	    "acl=%s\n", world_id, k->info.appname, k->info.ident,
	    k->info.pub_sha256, k->info.acl);
	*out = s;
	*len = (size_t)n;
	return 0;
}

int
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

int
soft_reduce_acl(struct engine *eng, struct engine_quorum *q,
    const struct engine_acl_req *req, struct engine_key_info *out,
    struct kr_err *e)
{
	struct engine_cosig sigs[ENGINE_MAX_CARDS];
	struct engine_pkg_result pr;
	struct soft_key k, x;
	EVP_PKEY *pk = NULL, *kek = NULL;
	char ident[ENGINE_IDENT_MAX], *stmt = NULL;
	size_t len = 0, n = 0, i;
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
	if ((r = soft_verify_packages_info(&req->pkg, &pr, &kek, e)) != 0)
		goto out;
	if ((r = soft_key_private(eng, &k, &pk, e)) != 0)
		goto out;

	x.info = k.info;
	snprintf(x.info.appname, sizeof(x.info.appname), "xferacld");
	kr_rfc3339(kr_now(), x.info.created, sizeof(x.info.created));
	if (manifest_acl_format(x.info.acl, sizeof(x.info.acl), pr.kek_sha256,
	    pr.world_sha256) != 0) {
		r = kr_errf(e, KR_EUSAGE, "ACL too long");
		goto out;
	}
	snprintf(x.world_id, sizeof(x.world_id), "%s", eng->world->world_id);
	snprintf(x.kek_pkg_sha256, sizeof(x.kek_pkg_sha256), "%s", pr.kek_sha256);
	snprintf(x.world_pkg_sha256, sizeof(x.world_pkg_sha256), "%s",
	    pr.world_sha256);
	if ((x.pub = malloc(k.pub_len)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(x.pub, k.pub, k.pub_len);
	x.pub_len = k.pub_len;

	if ((r = soft_acl_statement(eng->world->world_id, &x, &stmt, &len, e)) != 0 ||
	    (r = soft_cosign(q, (const uint8_t *)stmt, len, sigs, ENGINE_MAX_CARDS,
	    &n, e)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		x.cosig[i].index = sigs[i].index;
		memcpy(x.cosig[i].sig, sigs[i].sig, 64);
		x.info.cosigners[i] = sigs[i].index;
	}
	x.ncosig = (int)n;
	x.info.ncosigners = (int)n;
	if ((r = soft_key_write(eng, &x, pk, e)) != 0)
		goto out;
	if (out != NULL)
		*out = x.info;
	r = 0;
out:
	free(stmt);
	EVP_PKEY_free(pk);
	EVP_PKEY_free(kek);
	soft_key_free(&k);
	soft_key_free(&x);
	return r;
}
