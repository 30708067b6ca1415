/* SPDX-License-Identifier: ISC */
/*
 * fuzz-answers.c: libFuzzer harness for the answers file parser.  Any
 * input must load or fail with diagnostics, with and without PINs allowed;
 * never crash, leak or hang; a loaded file's lookups must work.  Built
 * only with --enable-fuzzing (clang):
 *   fuzz/fuzz-answers -max_len=4096 -timeout=5 CORPUS
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "answers.h"
#include "diag.h"
#include "secmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct answers *a;
	struct diag_list dl;
	int allow;

	if (!init) {
		(void)kr_secmem_init(NULL);
		init = 1;
	}
	for (allow = 0; allow <= 1; allow++) {
		a = NULL;
		diag_init(&dl, "fuzz.yaml");
		if (answers_load_buffer("fuzz.yaml", (const char *)data, size,
		    allow, &a, &dl) == 0) {
			(void)answers_param(a, "ident");
			(void)answers_signoff(a, "witness");
			(void)answers_skips(a, "x");
			if (!allow && a->npins != 0)
				abort();	/* pins only in a rehearsal */
		} else if (dl.nerrors == 0)
			abort();		/* a failure always says why */
		answers_free(a);
		diag_free(&dl);
	}
	return 0;
}
