/* SPDX-License-Identifier: ISC */
/*
 * vault.h: the receiving vault, the other side of both ceremonies, for
 * rehearsals and tests (DESIGN section 4).  It simulates what the cloud
 * provides: a vendor root key whose hash the ceremony pins, per-region KEKs
 * with their KEK and Security World packages and a toolset bundle per
 * region (legacy method), KEKs with a kid for the current method, and the
 * import of a .byok (with its manifest for the legacy method).
 *
 * Layout of a vault directory (0700; every file 0600, written atomically):
 *
 *   vault.json                       name, creation time, regions, KEK size
 *   root.key, root.pub.pem           the root key (Ed25519), private / public
 *   root.hash                        SHA-256 (hex) of the root key's DER
 *                                    SubjectPublicKeyInfo: the pinned hash
 *   packages/BYOK-KEK-pkg-<CODE>-1   the KEK package of a region
 *   packages/BYOK-SecurityWorld-pkg-<CODE>-1
 *   toolsets/<toolset zip name>      a stored (uncompressed) zip holding the
 *                                    region's two packages and a README
 *   toolsets/SHA256SUMS              "<hex>  <zip name>" per region
 *   keks/<NAME>.key, keks/<NAME>.json  every KEK: private key and record
 *                                    (name, kid, region code or "", bits)
 *   <NAME>.pem                       a current-method KEK's public key
 *   keys/<name>.pem                  imported keys (PKCS#8, private)
 *   lock                             flock against a second writer
 *
 * The legacy KEK of region CODE is named BYOK-KEK-<CODE>; germany and
 * germany-public share the GERMANY packages and KEK.  Module and world
 * keys are generated, used to sign and describe the packages, and not kept:
 * nothing in a rehearsal needs them again.
 *
 * Functions return 0 or a negative KR_E code with a message in *e.
 */
#ifndef KR_VAULT_H
#define KR_VAULT_H

#include <limits.h>
#include <stddef.h>

struct kr_err;

#define VAULT_NREGIONS	18
#define VAULT_NAME_MAX	64
#define VAULT_KEK_NAME_MAX 128
#define VAULT_KID_MAX	512

/* One row of the region table (reference/byok-regions.tsv). */
struct vault_region {
	const char	*id;		/* "unitedstates" */
	const char	*display;	/* "North America" */
	const char	*toolset_zip;	/* "KeyVault-BYOK-Tools-UnitedStates.zip" */
	const char	*published_sha256; /* the vendor's published toolset hash */
	const char	*code;		/* package code, "NA" */
};

/* The i-th region (0 .. VAULT_NREGIONS-1), or NULL. */
const struct vault_region *vault_region_at(size_t i);
/* A region by id or package code, case-insensitive; a code shared by two
 * regions (GERMANY) gives the first.  NULL when unknown. */
const struct vault_region *vault_region_find(const char *id_or_code);
/* "BYOK-KEK-pkg-<CODE>-1" (kind "KEK") or "BYOK-SecurityWorld-pkg-<CODE>-1"
 * (kind "SecurityWorld"). */
int	vault_pkg_name(char *out, size_t outsz, const char *kind,
	    const char *code);

/* The vault name derived from a directory: its basename lowercased, with
 * anything but letters, digits and dashes turned into dashes. */
void	vault_name_from_dir(const char *dir, char *out, size_t outsz);

/* vault init */
struct vault_init_opts {
	const char *const *regions;	/* ids or codes; NULL or 0: all 18 */
	size_t		 nregions;
	int		 kek_bits;	/* 2048 (0), 3072 or 4096 */
	const char	*name;		/* vault name; NULL: from the directory */
};

struct vault_toolset {
	const struct vault_region *region;
	char		 sha256[65];	/* of DIR/toolsets/<toolset_zip> */
};

struct vault_init_info {
	char		 name[VAULT_NAME_MAX];
	char		 root_sha256[65];	/* the pinned hash */
	char		 root_sha1[41];		/* the legacy SHA-1-sized pin */
	size_t		 ntoolsets;
	struct vault_toolset toolsets[VAULT_NREGIONS];
};

/*
 * Creates the vault in dir, which must not exist or be empty.  Everything
 * is built in a sibling temporary directory and renamed into place, so a
 * failure leaves nothing behind.  KR_ECANTCREAT when dir is not empty.
 */
int	vault_init(const char *dir, const struct vault_init_opts *o,
	    struct vault_init_info *info, struct kr_err *e);

/* vault kek */
struct vault_kek_opts {
	const char	*name;		/* [A-Za-z0-9-], 1..127 */
	int		 bits;		/* 2048 (0), 3072 or 4096 */
	const char	*vault_name;	/* NULL: vault.json's, or from dir */
	const char	*import_path;	/* an existing RSA private key PEM */
	const char	*version;	/* 32 hex digits; NULL: random */
};

struct vault_kek_info {
	char		 name[VAULT_KEK_NAME_MAX];
	char		 kid[VAULT_KID_MAX];
	char		 pem_path[PATH_MAX];	/* DIR/NAME.pem */
	char		 spki_sha256[65];
	int		 bits;
};

/*
 * Makes (or, with import_path, takes) a KEK for the current method: its
 * private key stays in the vault, its public key goes to DIR/NAME.pem.
 * A missing or empty dir becomes a vault without regions.  KR_ECANTCREAT
 * when a KEK of that name exists; KR_ELOCKED when the vault is locked.
 */
int	vault_kek_create(const char *dir, const struct vault_kek_opts *o,
	    struct vault_kek_info *info, struct kr_err *e);

/* vault import */
struct vault_import_opts {
	const char	*kek;		/* a KEK name or region id/code; NULL: by kid */
	const char	*manifest;	/* the manifest path, or NULL */
	const char	*name;		/* stored key name; NULL: from the file */
	/* When set, the .byok's and the manifest's bytes as the caller read
	 * them through descriptors it checked (path.h); the paths then only
	 * name them. */
	const char	*byok_data, *manifest_data;
	size_t		 byok_len, manifest_len;
	const char	*kty;		/* the key type the import declares (az's
					   --kty): "RSA", "EC", "oct", or NULL
					   (RSA or EC, read from the key) */
	int		 managed_hsm;	/* the receiver is a Managed HSM pool:
					   the only one that takes oct keys */
};

struct vault_import_info {
	char		 name[VAULT_KEK_NAME_MAX];	/* the stored key */
	char		 stored[PATH_MAX];		/* DIR/keys/<name>.pem */
	char		 kek_name[VAULT_KEK_NAME_MAX];
	char		 kek_kid[VAULT_KID_MAX];
	char		 region[32];		/* the KEK's region code, or "" */
	int		 kid_matches;		/* the .byok kid is the KEK's */
	int		 manifest_checked;
	char		 subscription_id[64];	/* from the manifest */
	char		 friendly_name[128];
	char		 kty[16];		/* "RSA", "EC" or "oct" (AES) */
	int		 bits;
	char		 curve[16];		/* "P-256" for EC, else "" */
	char		 spki_sha256[65];	/* of the public key, DER SPKI */
	int		 signature_verified;
	char		 kcv[7];		/* oct: the key check value */
};

/*
 * Imports a .byok: finds the KEK by the file's kid (or o->kek), unwraps,
 * parses the PKCS#8, checks the manifest binding when given (signature;
 * byok_sha256 is the file's SHA-256; kek_pkg_sha256 and world_pkg_sha256
 * are this vault's packages of the KEK's region; the ACL is exactly export
 * wrapped to that KEK for that world), makes and verifies a test signature
 * and stores the private key as DIR/keys/<name>.pem.  With o->kty "oct"
 * (an AES key, Managed HSM only: o->managed_hsm) the unwrapped payload
 * must be the raw key of 16, 24 or 32 bytes; its check value goes to
 * info->kcv and the key to DIR/keys/<name>.key (no manifest, no test
 * signature).  A declared kty other than the key's is refused.
 * KR_EFAIL for a failed check (no such KEK, wrong KEK, damaged ciphertext,
 * manifest mismatch), KR_EDATA for a malformed file, KR_ENOINPUT for a
 * missing one.  Nothing is stored unless every check passed.
 */
int	vault_import(const char *dir, const char *byok_path,
	    const struct vault_import_opts *o, struct vault_import_info *info,
	    struct kr_err *e);

/* The paths of a region's packages in a vault (code or region id). */
int	vault_package_paths(const char *dir, const char *region,
	    char *kek_path, size_t kek_sz, char *world_path, size_t world_sz,
	    struct kr_err *e);

/* The vault's pinned root hash (DIR/root.hash). */
int	vault_root_hash(const char *dir, char out[65], struct kr_err *e);

#endif
