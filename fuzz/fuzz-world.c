/* SPDX-License-Identifier: ISC */
/*
 * fuzz-world.c: libFuzzer harness for the world file reader,
 * soft_world_parse(), and the MAC check that follows it on open.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine-soft.h"
#include "fuzz-engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const char *buf, size_t len)
{
	static const uint8_t wk[SOFT_KEY_LEN] = { 1, 2, 3 };
	struct soft_world w;

	if (soft_world_parse("world", buf, len, &w, NULL) == 0) {
		soft_world_check_mac("world", &w, wk, NULL);
		free(w.sign_pub);
		free(w.sk_ct);
		free(w.body);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf;
	size_t len = 0;

	one((const char *)data, size);
	if ((buf = fuzz_resum(data, size, "keyrite-world-1", &len)) != NULL) {
		one(buf, len);
		free(buf);
	}
	return 0;
}
