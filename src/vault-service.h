/* SPDX-License-Identifier: ISC */
/*
 * vault-service.h: the simulated receiving services of the wrapping
 * profiles other than Azure (keyrite-profiles(7)): AWS KMS, Google Cloud
 * KMS and Vault/OpenBao Transit, for rehearsals and tests.
 *
 * "Issue" is what the connected workstation asks the service for:
 *   AWS KMS   aws kms create-key --origin EXTERNAL, then
 *             get-parameters-for-import: a wrapping key of a chosen size for
 *             one wrapping algorithm, with an import token (valid 24 h)
 *   Cloud KMS gcloud kms import-jobs create: an import job (one import
 *             method, so one size and hash) whose wrapping key expires with
 *             the job after 3 days
 *   Transit   vault read transit/wrapping_key: the mount's RSA-4096 key
 * "Import" is the service's side of import-key-material / keys versions
 * import / transit/keys/NAME/import: it takes only a package made for it
 * (the profile it issued for, its wrapping key, an unexpired token or job,
 * the token that goes with the key), unwraps it, checks the key is of a
 * type the service takes (and the one asked for), stores it and reports
 * its public-key fingerprint (RSA, EC) or check value (AES) and the
 * identifier the service gives it.
 *
 * Files, in a vault directory (vault.h) under services/:
 *   <name>.json        the record: service, profile, id, bits, created,
 *                      expires ("" for none), token SHA-256, key SHA-256
 *   <name>.key         the wrapping key's private half (0600)
 * and beside the vault's other files: <name>.wrapping.pem (public) and,
 * for AWS, <name>.token (the import token, opaque bytes).  Imported keys go
 * to keys/<key name>.pem (PKCS#8) or keys/<key name>.aes (raw).
 *
 * Functions return 0 or a negative KR_E code with a message naming the
 * thing: KR_EFAIL for a refusal, KR_EDATA for a malformed input,
 * KR_ENOINPUT for a missing file, KR_EUSAGE for a bad option.
 */
#ifndef KR_VAULT_SERVICE_H
#define KR_VAULT_SERVICE_H

#include <limits.h>

struct kr_err;

#define VAULT_SERVICE_ID_MAX	256

struct vault_service_opts {
	const char	*profile;	/* a profile of AWS, GCP or Transit */
	const char	*name;		/* 1..63 letters, digits, dashes */
	int		 bits;		/* wrapping key; 0: the profile's largest */
	const char	*import_path;	/* an existing RSA private key PEM, or NULL */
	const char	*alt_profile;	/* also write <name>.alt.json naming this
					 * profile (a rehearsal's wrong-profile
					 * fault copies it over the record) */
};

struct vault_service_info {
	char	 service[32];			/* "AWS KMS" */
	char	 id[VAULT_SERVICE_ID_MAX];	/* key ARN, import job, mount path */
	char	 pem_path[PATH_MAX];
	char	 token_path[PATH_MAX];		/* "" when the service has none */
	char	 record_path[PATH_MAX];
	char	 alt_record_path[PATH_MAX];	/* "" without alt_profile */
	char	 expires[32];			/* RFC 3339, "" for never */
	int	 bits;
};

int	vault_service_issue(const char *dir, const struct vault_service_opts *o,
	    struct vault_service_info *info, struct kr_err *e);

struct vault_service_import_opts {
	const char	*name;		/* what was issued (vault_service_opts.name) */
	const char	*token;		/* path of the import token (AWS) */
	const char	*key_name;	/* the imported key's name */
	const char	*key_type;	/* "RSA-2048" ... "AES-256" (the type
					 * the key was created as); one the
					 * service does not take is refused
					 * before the unwrap; NULL: any it
					 * takes */
	/* When set, the package's and the token's bytes as the caller read
	 * them through descriptors it checked (path.h); the paths then only
	 * name them. */
	const char	*pkg_data, *token_data;
	size_t		 pkg_len, token_len;
};

struct vault_service_result {
	char	 key_id[VAULT_SERVICE_ID_MAX];	/* the service's identifier */
	char	 profile[40];
	char	 key_type[16];			/* "RSA-2048", "AES-256" */
	char	 spki_sha256[65];		/* RSA, EC; else "" */
	char	 kcv[7];			/* AES; else "" */
	char	 stored[PATH_MAX];
};

int	vault_service_import(const char *dir, const char *pkg_path,
	    const struct vault_service_import_opts *o,
	    struct vault_service_result *res, struct kr_err *e);

#endif
