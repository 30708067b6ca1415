/* SPDX-License-Identifier: ISC */
/*
 * audit-writer-int.h: what the log writer's three files share:
 * audit-writer.c (the append path: sign, check, write, sync, advance the
 * key chain; checkpoints and the seal), audit-writer-open.c (a new or a
 * resumed log, the lock) and audit-writer-events.c (one function per
 * event).  Nobody else needs it.
 */
#ifndef KR_AUDIT_WRITER_INT_H
#define KR_AUDIT_WRITER_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "audit.h"
#include "audit-int.h"
#include "err.h"

struct audit_writer {
	int			 fd;
	char			*path;
	char			*keypath;	/* the live key (set_keypath) */
	char			*keydir;	/* NULL: beside the log */
	char			 origin[AUDIT_ORIGIN_MAX + 1];
	int			 rehearsal;
	uint64_t		 seq;		/* of the next entry */
	uint8_t			 prev[32];
	uint8_t			 genesis[32];
	struct audit_merkle	 tree;
	EVP_PKEY		*cur;		/* signs entry seq */
	struct audit_policy	 policy;
	audit_cosign_fn		 cosign;
	void			*cosign_arg;
	struct audit_test_hooks	 hooks;
	int			 have_hooks;
	int			 broken;
	struct kr_err		 broken_err;	/* the first I/O error */
	int			 sealed;
	uint64_t		 ckpt_size;
	uint8_t			 ckpt_root[32];
	uint8_t			 file_sha256[32];
	struct audit_buf	 line;
};

/* The test hooks the writer was given, or NULL. */
const struct audit_test_hooks *
	audit_writer_hooks(const struct audit_writer *w);
/* TEST ONLY: hands the current private key to the steal hook, if any. */
void	audit_writer_steal(struct audit_writer *w);
/* Signs, checks, writes and syncs one entry e of type (AUDIT_T_*); takes
 * e.  Returns 0 or a negative KR_E code; after an I/O failure the writer
 * refuses every later entry with the same error. */
int	audit_writer_append(struct audit_writer *w, json_t *e, int type,
	    struct kr_err *err);
/* fsyncs the directory that holds path (a file just created or removed). */
int	audit_writer_sync_dir(const char *path, struct kr_err *e);

/* An entry's members: 0, or -1 (out of memory; invalid UTF-8 for a
 * string).  audit_set_str sets nothing when s is NULL. */
int	audit_set_str(json_t *o, const char *k, const char *s);
int	audit_set_b64(json_t *o, const char *k, const uint8_t *p,
	    size_t len);
int	audit_set_int(json_t *o, const char *k, uint64_t v);

#endif
