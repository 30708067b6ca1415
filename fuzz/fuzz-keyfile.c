/* SPDX-License-Identifier: ISC */
/*
 * fuzz-keyfile.c: libFuzzer harness for the key file reader,
 * soft_key_parse(), and the unsealing of its private key under a fixed
 * world key (which must fail cleanly).
 */
#include <stdint.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "engine-soft.h"
#include "fuzz-engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const char *buf, size_t len)
{
	static const uint8_t wk[SOFT_KEY_LEN] = { 9, 8, 7 };
	struct soft_key k;
	EVP_PKEY *pk = NULL;

	if (soft_key_parse("key", buf, len, &k, NULL) == 0) {
		if (soft_open_pkey("key", wk, k.aad, k.nonce, k.blob, k.blob_len,
		    &pk, NULL) == 0)
			EVP_PKEY_free(pk);
		soft_key_free(&k);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf;
	size_t len = 0;

	one((const char *)data, size);
	if ((buf = fuzz_resum(data, size, "keyrite-key-1", &len)) != NULL) {
		one(buf, len);
		free(buf);
	}
	return 0;
}
