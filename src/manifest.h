/* SPDX-License-Identifier: ISC */
/*
 * manifest.h: the signed manifest beside a legacy-flow .byok.  It binds the
 * package to the subscription ID, the key's friendly name, the hashes of the
 * KEK and Security World packages it was made for, the .byok itself and the
 * key's ACL, and is signed by the source world's signing key (whose public
 * key it carries, with the world ID).
 *
 * Format: one signed statement (sjson.h), {"body": {...}, "signature": b64}
 * with body = { "format": "keyrite-byok-manifest", "version": 1,
 *   "subscription_id", "friendly_name", "ident", "world_id",
 *   "kek_pkg_sha256", "world_pkg_sha256", "byok_sha256", "acl", "kty",
 *   "created", "signer_key": "<base64 DER SubjectPublicKeyInfo>" }.
 * The signature covers the canonical form of body, so it covers the
 * signer's key too.  Field rules: subscription_id printable ASCII; the
 * friendly name UTF-8 without control characters; ident [a-z0-9-]; world_id
 * 2..64 lowercase hex digits; the three hashes 64 lowercase hex digits; acl
 * printable ASCII; kty "RSA" or "EC"; created RFC 3339 UTC.  The signer may
 * be any key keyio signs with (DSA, RSA, ECDSA: SHA-256; Ed25519).
 */
#ifndef KR_MANIFEST_H
#define KR_MANIFEST_H

#include <stddef.h>

#include <openssl/evp.h>

struct kr_err;

#define MANIFEST_MAX_FILE	(64 * 1024)

struct manifest {
	char	subscription_id[64];
	char	friendly_name[128];
	char	ident[64];
	char	world_id[65];
	char	kek_pkg_sha256[65];
	char	world_pkg_sha256[65];
	char	byok_sha256[65];
	char	acl[256];		/* the ACL, as text: see manifest_acl_format() */
	char	kty[16];		/* "RSA" or "EC" */
	char	created[32];		/* RFC 3339 */
};

/* Serialises and signs m with the world signing key (SHA-256 digest);
 * *json is malloc'd. */
int	manifest_sign(const struct manifest *m, EVP_PKEY *signer,
	    char **json, size_t *len, struct kr_err *e);

/* Parses a manifest buffer and verifies its signature under the public
 * key it carries; fills *m.  *signer_out, when not NULL, receives the
 * signer's public key (owned by the caller). */
int	manifest_parse_verify(const char *name, const char *buf, size_t len,
	    struct manifest *m, EVP_PKEY **signer_out, struct kr_err *e);

/*
 * The ACL text a reduced key carries and the manifest repeats:
 * "export-wrapped kek=<kek_pkg_sha256> world=<world_pkg_sha256>", the
 * SHA-256 (lowercase hex) of the KEK package file and of the Security World
 * package file it may be exported for.  vault import requires the
 * manifest's acl to be exactly this text for its own packages.
 */
int	manifest_acl_format(char *out, size_t outsz, const char *kek_pkg_sha256,
	    const char *world_pkg_sha256);

#endif
