/* SPDX-License-Identifier: ISC */
/*
 * fuzz-pkg.c: libFuzzer harness for the package reader and verifier
 * (pkg_verify).  The input is split at its first NUL byte (or in half):
 * the first part is the KEK package, the rest the Security World package;
 * the pin is fixed, or taken from FUZZ_PKG_PIN so that a seed corpus made
 * from a real vault (KEK package, NUL, world package) gets past the root
 * check into the signature and cross checks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char fixed[] =
	    "2e8c00320400430106366a4e8c67b79015524e4ec24a2d3a6dc513ca1823b0d4";
	static const char *pin;
	const uint8_t *nul = memchr(data, 0, size);
	size_t k = nul != NULL ? (size_t)(nul - data) : size / 2;
	size_t w = nul != NULL ? size - k - 1 : size - k;
	struct pkg_info info;
	struct kr_err e;

	if (pin == NULL && (pin = getenv("FUZZ_PKG_PIN")) == NULL)
		pin = fixed;
	if (pkg_verify("kek", (const char *)data, k, "world",
	    (const char *)data + size - w, w, pin, "NA", &info, &e) == 0)
		pkg_info_free(&info);
	return 0;
}
