/* SPDX-License-Identifier: ISC */
/*
 * audit-fail.c: the verifier's failure record and its codes
 * (reference/audit-log.md, "The verifier").  Every check of the log (JSON,
 * event table, line, quorum, anchors) reports through audit_failf; it
 * lives here, below all of them, so that none depends on another for it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "audit-int.h"

static const char *const code_names[] = {
	"OK", "E_PARSE", "E_SCHEMA", "E_NONCANON", "E_SEQ", "E_CHAIN",
	"E_ORIGIN", "E_SIG", "E_CKPT_SIZE", "E_CKPT_ROOT", "E_COSIG",
	"E_QUORUM", "E_AFTER_SEAL", "E_RESUME_AUTH", "E_PARTIAL_LINE",
	"E_LIMIT", "E_ANCHOR",
};

const char *
audit_code_name(int code)
{
	if (code < 0 || (size_t)code >= sizeof(code_names) / sizeof(code_names[0]))
		return "E_UNKNOWN";
	return code_names[code];
}

int
audit_failf(struct audit_fail *f, int code, const char *fmt, ...)
{
	va_list ap;

	f->code = code;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return -1;
}
