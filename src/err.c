/* SPDX-License-Identifier: ISC */
/*
 * err.c: the error record and the mapping from error codes to exit statuses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "err.h"

int
kr_errf(struct kr_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

int
kr_err_prefix(struct kr_err *e, const char *fmt, ...)
{
	char prefix[KR_ERR_MSG_MAX], old[KR_ERR_MSG_MAX];
	va_list ap;

	if (e == NULL)
		return KR_EFAIL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	if (snprintf(e->msg, sizeof(e->msg), "%s: %s", prefix, old) >=
	    (int)sizeof(e->msg))
		e->msg[sizeof(e->msg) - 1] = '\0';	/* truncated, still terminated */
	return e->code;
}

void
kr_err_clear(struct kr_err *e)
{
	if (e == NULL)
		return;
	e->code = 0;
	e->msg[0] = '\0';
}

int
kr_exit_status(int code)
{
	switch (code) {
	case KR_OK:
		return 0;
	case KR_EUSAGE:
		return EX_USAGE;
	case KR_EDATA:
		return EX_DATAERR;
	case KR_ENOINPUT:
		return EX_NOINPUT;
	case KR_ECANTCREAT:
		return EX_CANTCREAT;
	case KR_EIO:
	case KR_ENOMEM:
		return EX_IOERR;
	case KR_ELOCKED:
		return EX_TEMPFAIL;
	case KR_EUNSEALED:
		return KR_EXIT_UNSEALED;
	case KR_EOSERR:
		return EX_OSERR;
	default:
		return KR_EXIT_FAILED;
	}
}

const char *
kr_code_name(int code)
{
	switch (code) {
	case KR_OK:		return "OK";
	case KR_EFAIL:		return "EFAIL";
	case KR_EUSAGE:		return "EUSAGE";
	case KR_EDATA:		return "EDATA";
	case KR_ENOINPUT:	return "ENOINPUT";
	case KR_ECANTCREAT:	return "ECANTCREAT";
	case KR_EIO:		return "EIO";
	case KR_ELOCKED:	return "ELOCKED";
	case KR_ENOMEM:		return "ENOMEM";
	case KR_ECRYPTO:	return "ECRYPTO";
	case KR_EAUTH:		return "EAUTH";
	case KR_EMODE:		return "EMODE";
	case KR_EUNSEALED:	return "EUNSEALED";
	case KR_EOSERR:		return "EOSERR";
	default:		return "EUNKNOWN";
	}
}
