/* SPDX-License-Identifier: ISC */
/*
 * fuzz-audit-verify.c: libFuzzer harness for the streaming verifier and
 * its reports.  Whatever the input, the verifier must end with one of its
 * three answers, name a line inside the input, and never call a log
 * sealed unless its last line is a seal.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit-int.h"
#include "audit-verify.h"
#include "err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_verify_opts o;
	struct audit_verify_result res;
	size_t lines = 0, i;
	char *s;
	int r;

	memset(&o, 0, sizeof(o));
	o.threads = 1;
	r = audit_verify_buffer(data, size, &o, &res, NULL);
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	switch (res.status) {
	case AUDIT_SEALED:
	case AUDIT_UNANCHORED:
		if (r != 0 || !res.sealed || res.entries != lines ||
		    size == 0 || data[size - 1] != '\n')
			abort();
		break;
	case AUDIT_UNSEALED:
		if (r != KR_EUNSEALED || res.sealed || res.entries != lines)
			abort();
		break;
	case AUDIT_INVALID:
		if (r != KR_EFAIL || res.line == 0 || res.line > lines + 1 ||
		    res.byte > size)
			abort();
		break;
	default:
		abort();
	}
	if ((s = audit_verify_report(&res, 0)) == NULL)
		abort();
	free(s);
	if ((s = audit_verify_report(&res, 1)) == NULL)
		abort();
	free(s);
	return 0;
}
