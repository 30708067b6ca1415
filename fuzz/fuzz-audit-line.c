/* SPDX-License-Identifier: ISC */
/*
 * fuzz-audit-line.c: libFuzzer harness for the audit log's line parser
 * (limits, jansson, canonical check, schema, event table).  A line that
 * parses must be its own canonical form, and its e text must be the
 * canonical form of e.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit-int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_buf b = { 0 };
	struct audit_line l;
	struct audit_fail f;

	if (audit_line_parse((const char *)data, size, &l, &f) != 0)
		return 0;
	if (audit_json_canon(l.root, &b, NULL) != 0 || b.len != size ||
	    memcmp(b.p, data, size) != 0)
		abort();
	audit_buf_reset(&b);
	if (audit_json_canon(l.e, &b, NULL) != 0 || b.len != l.e_len ||
	    memcmp(b.p, l.e_text, l.e_len) != 0)
		abort();
	audit_buf_free(&b);
	audit_line_clear(&l);
	return 0;
}
