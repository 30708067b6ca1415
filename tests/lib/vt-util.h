/* SPDX-License-Identifier: ISC */
/*
 * vt-util.h: helpers shared by the vault's unit tests (test-byok,
 * test-pkg, test-vault): test data paths, whole-file reads, PKCS#8 DER of
 * a key, throwaway directories.  Failures abort the test (cmocka).
 */
#ifndef KR_VT_UTIL_H
#define KR_VT_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* $top_srcdir/tests/vectors/<name> (a static buffer). */
const char	*vt_vector(const char *name);
/* Reads a whole file; *buf is malloc'd with a NUL after the data. */
void	 vt_read(const char *path, char **buf, size_t *len);
/* Writes a whole file (0600). */
void	 vt_write(const char *path, const void *buf, size_t len);
/* DER PKCS#8 PrivateKeyInfo of k; *der is malloc'd. */
void	 vt_pkcs8(EVP_PKEY *k, uint8_t **der, size_t *len);
/* A fresh directory under $TMPDIR; the caller removes it. */
void	 vt_tmpdir(char *out, size_t outsz);
/* Private key from a PEM file. */
EVP_PKEY *vt_key(const char *path);
/* 1 when the NUL-terminated haystack contains needle. */
int	 vt_has(const char *haystack, const char *needle);

#endif
