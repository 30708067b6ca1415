/* SPDX-License-Identifier: ISC */
/*
 * vt-util.c: helpers for the vault's unit tests (see vt-util.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "vt-util.h"

const char *
vt_vector(const char *name)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/tests/vectors/%s",
	    top != NULL ? top : ".", name);
	return path;
}

void
vt_read(const char *path, char **buf, size_t *len)
{
	struct kr_err e;

	kr_err_clear(&e);
	if (kr_read_file(path, 16 * 1024 * 1024, buf, len, &e) != 0)
		fail_msg("%s", e.msg);
}

void
vt_write(const char *path, const void *buf, size_t len)
{
	struct kr_err e;

	kr_err_clear(&e);
	if (kr_write_atomic(path, buf, len, 0600, &e) != 0)
		fail_msg("%s", e.msg);
}

void
vt_pkcs8(EVP_PKEY *k, uint8_t **der, size_t *len)
{
	PKCS8_PRIV_KEY_INFO *p8;
	unsigned char *p = NULL;
	int n;

	assert_non_null(p8 = EVP_PKEY2PKCS8(k));
	n = i2d_PKCS8_PRIV_KEY_INFO(p8, &p);
	PKCS8_PRIV_KEY_INFO_free(p8);
	assert_true(n > 0);
	assert_non_null(*der = malloc((size_t)n));
	memcpy(*der, p, (size_t)n);
	OPENSSL_clear_free(p, (size_t)n);
	*len = (size_t)n;
}

void
vt_tmpdir(char *out, size_t outsz)
{
	const char *t = getenv("TMPDIR");

	snprintf(out, outsz, "%s/keyrite-vt.XXXXXX", t != NULL ? t : "/tmp");
	assert_non_null(mkdtemp(out));
}

EVP_PKEY *
vt_key(const char *path)
{
	struct kr_err e;
	EVP_PKEY *k = NULL;

	kr_err_clear(&e);
	if (keyio_read_private(path, &k, &e) != 0)
		fail_msg("%s", e.msg);
	return k;
}

int
vt_has(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) != NULL)
		return 1;
	print_message("# wanted '%s' in '%s'\n", needle, haystack);
	return 0;
}
