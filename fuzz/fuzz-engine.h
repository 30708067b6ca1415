/* SPDX-License-Identifier: ISC */
/*
 * fuzz-engine.h: shared by the engine's fuzz harnesses.  The module's
 * readers refuse anything whose checksum does not match before they look
 * at a member, so random input rarely gets past that gate; each harness
 * therefore also feeds the parser the canonical, correctly summed
 * re-encoding of any JSON object the input holds, which reaches every
 * member check.
 */
#ifndef KR_FUZZ_ENGINE_H
#define KR_FUZZ_ENGINE_H

#include <stdlib.h>

#include <jansson.h>

#include "engine-soft.h"

/* The input as a correctly summed canonical file of the given format, or
 * NULL when it is not a JSON object.  Free with free(). */
static inline char *
fuzz_resum(const uint8_t *data, size_t size, const char *format, size_t *len)
{
	json_t *obj;
	char *out = NULL;

	if ((obj = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    NULL)) == NULL)
		return NULL;
	if (json_is_object(obj)) {
		json_object_set_new(obj, "format", json_string(format));
		if (soft_json_dump(obj, &out, len, NULL) != 0)
			out = NULL;
	}
	json_decref(obj);
	return out;
}

#endif
