/* SPDX-License-Identifier: ISC */
/*
 * pkg.h: the receiving vault's KEK package and Security World package, as
 * the legacy toolset ships them (BYOK-KEK-pkg-<CODE>-1 and
 * BYOK-SecurityWorld-pkg-<CODE>-1), and their verification.
 *
 * Both packages carry a signer chain up to the vendor root key; the
 * ceremony pins the root key's hash (SHA-1 or SHA-256 of its public key in
 * DER, hex, spaces ignored).  Verification names the first failing link:
 * the root hash, a certificate in the chain, the package signature, an
 * exportable KEK, a region that does not match.
 *
 * Format (keyrite's simulation of the vendor's signed packages): one JSON
 * object per file, the file named exactly BYOK-KEK-pkg-<CODE>-1 or
 * BYOK-SecurityWorld-pkg-<CODE>-1:
 *
 *   { "format": "keyrite-byok-package", "version": 1,
 *     "root_key": "<base64 DER SubjectPublicKeyInfo of the root key>",
 *     "module_certificate": {             signed by the root key
 *        "body": { "type": "module-certificate", "region": "NA",
 *                  "serial": 1, "module_key": "<base64 SPKI>" },
 *        "signature": "<base64>" },
 *     "package": {                        signed by the module key
 *        "body": { "type": "kek", "name": "BYOK-KEK-pkg-NA-1",
 *                  "region": "NA", "world_id": "<64 hex>",
 *                  "kid": "https://.../keys/BYOK-KEK-NA/<version>",
 *                  "kek_key": "<base64 SPKI>", "exportable": false }
 *        or      { "type": "security-world",
 *                  "name": "BYOK-SecurityWorld-pkg-NA-1", "region": "NA",
 *                  "world_id": "<SHA-256 hex of world_key>",
 *                  "world_key": "<base64 SPKI>",
 *                  "cipher_suite": "DLf3072s256mRijndael" },
 *        "signature": "<base64>" } }
 *
 * Signatures cover the canonical form of "body" (sjson.h).  Keys: any
 * type keyio signs with; the vault uses Ed25519 for root and module keys.
 * Verification order, the first failure wins, KEK package first, then
 * the world package, then the pair:
 *   1. the file is a package (else KR_EDATA)
 *   2. "root key hash does not match the pinned hash"
 *   3. "module certificate signature does not verify under the root key"
 *   4. "module certificate is for region X, package is for Y"
 *   5. "package signature does not verify"
 *   6. the package is of the right kind and its name fits its region
 *   7. "KEK is exportable" (KEK package)
 *   8. "region is X, expected Y"
 *   9. world package: "world id does not match the world key"
 *  10. "KEK package is for world X, Security World package is world Y"
 * Every message starts with the package's name as given by the caller.
 */
#ifndef KR_PKG_H
#define KR_PKG_H

#include <stddef.h>

#include <openssl/evp.h>

struct kr_err;

#define PKG_MAX_FILE	(256 * 1024)

struct pkg_info {
	char		 region[32];		/* package code, "NA" */
	char		 world_id[65];		/* the receiving world's id (hex) */
	char		 kek_sha256[65];	/* SHA-256 of the KEK package file */
	char		 world_sha256[65];	/* SHA-256 of the world package file */
	char		 root_sha256[65];	/* SHA-256 of the root public key DER */
	EVP_PKEY	*kek;			/* the KEK public key (owned) */
	/* added by the vault: */
	char		 kid[256];		/* the KEK's key identifier */
	int		 kek_bits;		/* the KEK's size */
};

/*
 * Verifies a KEK package and a Security World package (buffers, no I/O)
 * against the pinned root hash and the expected package code.  On success
 * fills *info (free with pkg_info_free) and returns 0; on failure returns
 * KR_EFAIL (a link failed) or KR_EDATA (not a package) with a message that
 * names the package and the failing link.  The pinned hash is 64 hex
 * digits (SHA-256) or 40 (SHA-1) of the root key's DER SubjectPublicKeyInfo,
 * either case, spaces ignored (KR_EDATA when it is neither).  region is a
 * package code ("NA") or a region id ("unitedstates").
 */
int	pkg_verify(const char *kek_name, const char *kek_buf, size_t kek_len,
	    const char *world_name, const char *world_buf, size_t world_len,
	    const char *pinned_root_hash, const char *region,
	    struct pkg_info *info, struct kr_err *e);
void	pkg_info_free(struct pkg_info *info);

/*
 * Building packages (the vault, and tests that need packages signed by a
 * real chain with one field wrong).  The module certificate is made for
 * cert_region (NULL: the package's region) and signed by root; the package
 * is signed by module.  *buf is malloc'd JSON ending with a newline.
 */
struct pkg_chain {
	EVP_PKEY	*root;		/* private */
	EVP_PKEY	*module;	/* private */
	const char	*cert_region;	/* NULL: the package's region */
	long long	 serial;
};

struct pkg_kek_spec {
	const char	*region;	/* package code */
	const char	*world_id;	/* 64 hex */
	const char	*kid;
	EVP_PKEY	*kek;		/* its public part is used */
	int		 exportable;	/* 0 for a real package */
};

struct pkg_world_spec {
	const char	*region;
	EVP_PKEY	*world_key;	/* its public part is used */
	const char	*world_id;	/* NULL: SHA-256 of world_key's SPKI */
	const char	*cipher_suite;	/* NULL: DLf3072s256mRijndael */
};

int	pkg_build_kek(const struct pkg_chain *c, const struct pkg_kek_spec *s,
	    char **buf, size_t *len, struct kr_err *e);
int	pkg_build_world(const struct pkg_chain *c,
	    const struct pkg_world_spec *s, char **buf, size_t *len,
	    struct kr_err *e);

#endif
