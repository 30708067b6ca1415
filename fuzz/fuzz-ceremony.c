/* SPDX-License-Identifier: ISC */
/*
 * fuzz-ceremony.c: libFuzzer harness for the ceremony loader.  Any input
 * must load or fail with diagnostics; never crash, leak or hang.  Built
 * only with --enable-fuzzing (clang):
 *   fuzz/fuzz-ceremony -dict=fuzz/ceremony.dict -max_len=4096 -timeout=5 \
 *       CORPUS fuzz/corpus-ceremony
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ceremony.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
lookup(void *arg, const char *name, const char **value)
{
	*value = "v";
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ceremony *c = NULL;
	struct diag_list dl;
	char *out;
	size_t i;

	diag_init(&dl, "fuzz.yaml");
	if (ceremony_load_buffer("fuzz.yaml", (const char *)data, size, &c,
	    &dl) == 0) {
		/* a loaded model must be walkable and expandable */
		for (i = 0; i < c->nsteps; i++) {
			if (c->steps[i].title.s != NULL &&
			    ceremony_expand(c, c->steps[i].title.s, lookup,
			    NULL, &out, NULL) == 0)
				free(out);
			(void)ceremony_step_find(c, c->steps[i].id.s);
		}
		ceremony_free(c);
	}
	diag_free(&dl);
	return 0;
}
