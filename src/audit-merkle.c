/* SPDX-License-Identifier: ISC */
/*
 * audit-merkle.c: line hashes and the RFC 6962 Merkle tree over them.
 *
 * Leaf lh = SHA-256(0x00 || line), node = SHA-256(0x01 || left || right),
 * split at the largest power of two below n.  The tree is kept as a compact
 * range from 0: one perfect subtree root per set bit of n, largest first,
 * so adding a leaf costs O(1) amortized and any prefix root O(log n).
 */
#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

#include "audit-int.h"

/* Fetched once: OpenSSL 3's implicit fetch on every EVP_sha256() init
 * costs more than hashing a line. */
static pthread_once_t	 sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD		*sha256_md;

static void
sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

static void
digest(const void *a, size_t alen, const void *b, size_t blen,
    const void *c, size_t clen, uint8_t out[32])
{
	EVP_MD_CTX *ctx;
	unsigned int n = 32;

	pthread_once(&sha256_once, sha256_fetch);
	if (sha256_md == NULL || (ctx = EVP_MD_CTX_new()) == NULL) {
		memset(out, 0, 32);	/* cannot match any real hash */
		return;
	}
	if (EVP_DigestInit_ex(ctx, sha256_md, NULL) != 1 ||
	    (alen > 0 && EVP_DigestUpdate(ctx, a, alen) != 1) ||
	    (blen > 0 && EVP_DigestUpdate(ctx, b, blen) != 1) ||
	    (clen > 0 && EVP_DigestUpdate(ctx, c, clen) != 1) ||
	    EVP_DigestFinal_ex(ctx, out, &n) != 1)
		memset(out, 0, 32);	/* cannot match any real hash */
	EVP_MD_CTX_free(ctx);
}

void
audit_sha256(const void *p, size_t len, uint8_t out[32])
{
	digest(p, len, NULL, 0, NULL, 0, out);
}

void
audit_leaf_hash(const void *line, size_t len, uint8_t out[32])
{
	static const uint8_t zero = 0x00;

	digest(&zero, 1, line, len, NULL, 0, out);
}

void
audit_node_hash(const uint8_t l[32], const uint8_t r[32], uint8_t out[32])
{
	static const uint8_t one = 0x01;

	digest(&one, 1, l, 32, r, 32, out);
}

void
audit_merkle_init(struct audit_merkle *m)
{
	memset(m, 0, sizeof(*m));
}

void
audit_merkle_add(struct audit_merkle *m, const uint8_t leaf[32])
{
	uint64_t n = m->n;

	memcpy(m->stack[m->depth++], leaf, 32);
	/* Each trailing 1 bit of the old size is a subtree of the same size
	 * as the one just completed: merge. */
	while (n & 1) {
		audit_node_hash(m->stack[m->depth - 2], m->stack[m->depth - 1],
		    m->stack[m->depth - 2]);
		m->depth--;
		n >>= 1;
	}
	m->n++;
}

void
audit_merkle_root(const struct audit_merkle *m, uint8_t root[32])
{
	uint8_t r[32];
	unsigned i;

	if (m->depth == 0) {
		audit_sha256("", 0, root);
		return;
	}
	memcpy(r, m->stack[m->depth - 1], 32);
	for (i = m->depth - 1; i > 0; i--)
		audit_node_hash(m->stack[i - 1], r, r);
	memcpy(root, r, 32);
}
