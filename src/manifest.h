/*
 * manifest.h: the signed manifest beside a legacy-flow .byok.  It binds the
 * package to the subscription ID, the key's friendly name, the hashes of the
 * KEK and Security World packages it was made for, the .byok itself and the
 * key's ACL, and is signed by the source world's signing key (whose public
 * key it carries, with the world ID).
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
	char	acl[256];		/* the ACL, as text: "export-wrapped kek=<sha256> world=<sha256>" */
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

#endif
