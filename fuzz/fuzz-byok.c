/* SPDX-License-Identifier: ISC */
/*
 * fuzz-byok.c: libFuzzer harness for the .byok reader (byok_file_parse).
 */
#include <stddef.h>
#include <stdint.h>

#include "byok.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct byok_file f;
	struct kr_err e;

	if (byok_file_parse("fuzz.byok", (const char *)data, size, &f, &e) == 0)
		byok_file_free(&f);
	return 0;
}
