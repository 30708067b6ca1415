/* SPDX-License-Identifier: ISC */
/*
 * fuzz-manifest.c: libFuzzer harness for the manifest reader and its
 * signature check (manifest_parse_verify).
 */
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "err.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	struct kr_err e;
	EVP_PKEY *signer = NULL;

	if (manifest_parse_verify("fuzz.manifest", (const char *)data, size, &m,
	    &signer, &e) == 0)
		EVP_PKEY_free(signer);
	return 0;
}
