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
};

/*
 * Verifies a KEK package and a Security World package (buffers, no I/O)
 * against the pinned root hash and the expected package code.  On success
 * fills *info (free with pkg_info_free) and returns 0; on failure returns
 * KR_EFAIL (a link failed) or KR_EDATA (not a package) with a message that
 * names the package and the failing link.
 */
int	pkg_verify(const char *kek_name, const char *kek_buf, size_t kek_len,
	    const char *world_name, const char *world_buf, size_t world_len,
	    const char *pinned_root_hash, const char *region,
	    struct pkg_info *info, struct kr_err *e);
void	pkg_info_free(struct pkg_info *info);

#endif
