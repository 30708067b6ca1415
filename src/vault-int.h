/* SPDX-License-Identifier: ISC */
/*
 * vault-int.h: what the vault*.c files share and nobody else uses: the
 * vault's metadata (vault.json), the KEK records (keks/<NAME>.json beside
 * keks/<NAME>.key), kids, and the toolset bundle.
 */
#ifndef KR_VAULT_INT_H
#define KR_VAULT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "vault.h"

struct kr_err;

#define VAULT_META_MAX	(16 * 1024)
#define VAULT_LEGACY_KEK_PREFIX "BYOK-KEK-"

struct vault_meta {
	char	 name[VAULT_NAME_MAX];
	char	 created[32];
	int	 kek_bits;
	size_t	 ncodes;
	char	 codes[VAULT_NREGIONS][16];	/* package codes, no repeats */
};

/* DIR/vault.json.  read: KR_ENOINPUT when dir is not a vault. */
int	vault_meta_read(const char *dir, struct vault_meta *m, struct kr_err *e);
int	vault_meta_write(const char *dir, const struct vault_meta *m,
	    struct kr_err *e);

struct vault_kek_rec {
	char	 name[VAULT_KEK_NAME_MAX];
	char	 kid[VAULT_KID_MAX];
	char	 region[16];		/* package code for a legacy KEK, else "" */
	int	 bits;
	char	 spki_sha256[65];
};

/* 1 when s is 1..max-1 lowercase letters, digits and dashes (and, with
 * upper, uppercase letters): the one rule for vault, KEK and service
 * names. */
int	vault_name_ok(const char *s, int upper, size_t max);
/* "https://<vault>.vault.azure.net/keys/<name>/<version>"; version NULL
 * makes a random one (32 hex digits). */
int	vault_kid_make(const char *vault_name, const char *key_name,
	    const char *version, char *out, size_t outsz, struct kr_err *e);
/* Writes keks/<name>.key (private) and keks/<name>.json; KR_ECANTCREAT
 * when the name is taken. */
int	vault_kek_store(const char *dir, const struct vault_kek_rec *rec,
	    EVP_PKEY *priv, struct kr_err *e);
/* Removes keks/<name>.json and keks/<name>.key (undoing a store). */
void	vault_kek_remove(const char *dir, const char *name);
/* Reads keks/<name>.json; KR_EFAIL "no KEK named" when missing. */
int	vault_kek_lookup(const char *dir, const char *name,
	    struct vault_kek_rec *rec, struct kr_err *e);
/* Finds the KEK whose kid is kid; KR_EFAIL when none is. */
int	vault_kek_by_kid(const char *dir, const char *kid,
	    struct vault_kek_rec *rec, struct kr_err *e);
/* The private key of a KEK record. */
int	vault_kek_private(const char *dir, const struct vault_kek_rec *rec,
	    EVP_PKEY **out, struct kr_err *e);

/* A stored zip (no compression, fixed timestamps) of the named buffers;
 * *out is malloc'd. */
struct vault_zip_entry {
	const char	*name;
	const void	*data;
	size_t		 len;
};
int	vault_zip(const struct vault_zip_entry *ents, size_t n, uint8_t **out,
	    size_t *outlen, struct kr_err *e);

#endif
