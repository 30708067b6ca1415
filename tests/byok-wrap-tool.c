/* SPDX-License-Identifier: ISC */
/*
 * byok-wrap-tool.c: a test-only program.  Wraps a private key for a KEK
 * with CKM_RSA_AES_KEY_WRAP (OAEP SHA-1) and writes a .byok with
 * byok_file_format, so the shell tests can open our files with the openssl
 * command line alone and feed them to `keyrite vault import`.
 *
 *   byok-wrap-tool KEK-PUBLIC.pem TARGET-PRIVATE.pem KID OUT.byok
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/x509.h>

#include "byok.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "secmem.h"

int
main(int argc, char **argv)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	EVP_PKEY *kek = NULL, *target = NULL;
	unsigned char *der = NULL, *q;
	uint8_t *ct = NULL;
	char *json = NULL;
	size_t ctlen = 0, len = 0;
	struct kr_err e;
	int n = 0, status = 1;

	kr_err_clear(&e);
	if (argc != 5) {
		fprintf(stderr, "usage: byok-wrap-tool KEK.pem TARGET.pem KID "
		    "OUT.byok\n");
		return 64;
	}
	if (kr_secmem_init(&e) != 0 ||
	    keyio_read_public(argv[1], &kek, &e) != 0 ||
	    keyio_read_private(argv[2], &target, &e) != 0)
		goto out;
	if ((p8 = EVP_PKEY2PKCS8(target)) == NULL ||
	    (n = i2d_PKCS8_PRIV_KEY_INFO(p8, NULL)) <= 0 ||
	    (der = OPENSSL_secure_malloc((size_t)n)) == NULL) {
		kr_errf(&e, KR_ECRYPTO, "cannot encode the target as PKCS#8");
		goto out;
	}
	q = der;
	i2d_PKCS8_PRIV_KEY_INFO(p8, &q);
	if (byok_wrap(kek, EVP_sha1(), der, (size_t)n, &ct, &ctlen, &e) != 0 ||
	    byok_file_format(argv[3], ct, ctlen, "keyrite byok-wrap-tool",
	    &json, &len, &e) != 0 ||
	    kr_write_atomic(argv[4], json, len, 0600, &e) != 0)
		goto out;
	status = 0;
out:
	if (status != 0)
		fprintf(stderr, "byok-wrap-tool: %s\n", e.msg);
	if (der != NULL)
		OPENSSL_secure_clear_free(der, (size_t)n);
	PKCS8_PRIV_KEY_INFO_free(p8);
	EVP_PKEY_free(kek);
	EVP_PKEY_free(target);
	free(ct);
	free(json);
	return status;
}
