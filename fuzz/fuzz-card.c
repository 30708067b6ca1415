/* SPDX-License-Identifier: ISC */
/*
 * fuzz-card.c: libFuzzer harness for the card file reader,
 * soft_card_parse() (buffer in, no I/O).  Opening a card needs scrypt,
 * too slow to fuzz; the parser is what meets untrusted bytes first.
 */
#include <stdint.h>
#include <stdlib.h>

#include "engine-soft.h"
#include "fuzz-engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct soft_card c;
	char *buf;
	size_t len = 0;

	soft_card_parse("card", (const char *)data, size, &c, NULL);
	if ((buf = fuzz_resum(data, size, "keyrite-card-1", &len)) != NULL) {
		soft_card_parse("card", buf, len, &c, NULL);
		free(buf);
	}
	return 0;
}
