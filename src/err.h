/* SPDX-License-Identifier: ISC */
/*
 * err.h: error codes and the error record every library function fills.
 *
 * Library functions return 0 or a negative KR_E* code and, on failure, leave a
 * one-line message in a struct kr_err that names the thing and the place
 * ("card 2: wrong PIN", "world: bad magic").  The library never prints or
 * exits; front ends turn the code into an exit status with kr_exit_status().
 * Messages never contain secrets.
 */
#ifndef KR_ERR_H
#define KR_ERR_H

#include <stddef.h>

enum kr_code {
	KR_OK = 0,
	KR_EFAIL = -1,		/* a check failed: ceremony failed, log invalid (exit 1) */
	KR_EUSAGE = -2,		/* bad call (exit 64) */
	KR_EDATA = -3,		/* bad input data: ceremony, answers, file format (exit 65) */
	KR_ENOINPUT = -4,	/* a missing input (exit 66) */
	KR_ECANTCREAT = -5,	/* cannot create an output (exit 73) */
	KR_EIO = -6,		/* I/O error (exit 74) */
	KR_ELOCKED = -7,	/* state locked by another run (exit 75) */
	KR_ENOMEM = -8,		/* out of memory (exit 74: the OS failed us) */
	KR_ECRYPTO = -9,	/* a cryptographic library call failed (exit 1) */
	KR_EAUTH = -10,		/* authorization failed: wrong PIN, wrong card (exit 1) */
	KR_EMODE = -11,		/* the module is in the wrong mode (exit 1) */
	KR_EUNSEALED = -12,	/* a valid but unsealed log (exit 2) */
	KR_EOSERR = -13,	/* the system refuses what secrets need: no locked
				   memory for the secure heap (exit 71) */
};

#define KR_ERR_MSG_MAX 512

struct kr_err {
	int	code;
	char	msg[KR_ERR_MSG_MAX];
};

/* Sets e->code and e->msg (printf style) when e is not NULL; returns code. */
int	kr_errf(struct kr_err *e, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Like kr_errf but prefixes the current message: "what: <old message>". */
int	kr_err_prefix(struct kr_err *e, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Clears an error record. */
void	kr_err_clear(struct kr_err *e);

/*
 * Exit statuses (DESIGN section 7): the <sysexits.h> names (EX_USAGE 64,
 * EX_DATAERR 65, EX_NOINPUT 66, EX_CANTCREAT 73, EX_IOERR 74, EX_TEMPFAIL
 * 75) and these of our own.
 */
#define KR_EXIT_FAILED		1	/* a check or the ceremony failed */
#define KR_EXIT_UNSEALED	2	/* a valid log that is not sealed */
#define KR_EXIT_UNANCHORED	3	/* audit verify: sealed, valid, nothing
					 * given pins its cards or seal */

/* The process exit status for a KR_E code: the one mapping. */
int	kr_exit_status(int code);

/* A short name for a code, for tests and JSON ("EDATA"). */
const char *kr_code_name(int code);

#endif
