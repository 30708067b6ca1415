/* SPDX-License-Identifier: ISC */
/*
 * audit-verify-int.h: what the streaming verifier's files share:
 * audit-verify.c (the stream: bytes to lines, the end state, the public
 * functions), audit-verify-line.c (the checks of one line) and
 * audit-verify-sigs.c (entry signatures in batches, on worker threads).
 * Nobody else needs it.
 */
#ifndef KR_AUDIT_VERIFY_INT_H
#define KR_AUDIT_VERIFY_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "audit-int.h"
#include "audit-verify.h"

#define BATCH_JOBS	64
#define BATCH_BYTES	(256 * 1024)
#define MAX_THREADS	4
#define READ_CHUNK	(128 * 1024)

struct job {
	uint64_t		line;
	uint64_t		seq;
	uint64_t		byte;
	uint8_t			pk[32];
	uint8_t			sig[64];
	size_t			off;
	size_t			len;
	uint64_t		signer;		/* seq whose next_pk signs */
	int			have_last_good;
	struct audit_entry_info	last_good;
	int			have_last_quorum;
	struct audit_ckpt_info	last_quorum;
};

struct batch {
	struct job		 jobs[BATCH_JOBS];
	size_t			 n;
	struct audit_buf	 arena;
	long			 bad;		/* first failing job or -1 */
	struct batch		*next;
};

struct failure {
	int			have;
	int			code;
	char			msg[256];
	uint64_t		line;
	int			have_seq;
	uint64_t		seq;
	uint64_t		byte;
	int			have_last_good;
	struct audit_entry_info	last_good;
	int			have_last_quorum;
	struct audit_ckpt_info	last_quorum;
};

struct verifier {
	const struct audit_verify_opts	*o;
	struct audit_verify_result	*res;
	struct audit_tail		 tail;
	uint64_t			 lineno;	/* complete lines seen */
	uint64_t			 offset;	/* bytes consumed */
	int				 stop;
	struct failure			 fail;
	int				 have_last_good;
	struct audit_entry_info		 last_good;
	int				 have_last_quorum;
	struct audit_ckpt_info		 last_quorum;
	struct batch			*cur;
	char				*carry;
	size_t				 carry_len;
	EVP_MD_CTX			*filehash;
	int				 hash_ok;

	int				 nworkers;
	pthread_t			 th[MAX_THREADS];
	pthread_mutex_t			 mu;
	pthread_cond_t			 work_cv;
	pthread_cond_t			 done_cv;
	struct batch			*qhead;
	struct batch			*qtail;
	unsigned			 queued;
	unsigned			 inflight;
	int				 quit;
	struct batch			*done;
	struct batch			*freelist;
};

/* audit-verify.c: keeps f if it is the lowest failing line so far, and
 * stops the stream. */
void	audit_verify_record_fail(struct verifier *v,
	    const struct failure *f);

/* audit-verify-line.c */
/* Records a failure at the current line with the context before it. */
void	audit_verify_fail_at(struct verifier *v, int code, const char *msg,
	    int have_seq, uint64_t seq, uint64_t byte);
/* Checks line p (len bytes, without its '\n') that starts at byte. */
void	audit_verify_line(struct verifier *v, const char *p, size_t len,
	    uint64_t byte);

/* audit-verify-sigs.c */
/* Starts threads - 1 workers (threads 0: one per CPU, at most
 * MAX_THREADS). */
void	audit_verify_threads_start(struct verifier *v, int threads);
/* The batch being filled (a new one when none is); NULL when out of
 * memory. */
struct batch *audit_verify_batch(struct verifier *v);
/* Hands the batch being filled to a worker, or checks it here. */
void	audit_verify_submit(struct verifier *v);
/* Checks what is left, stops the workers, frees the batches. */
void	audit_verify_threads_finish(struct verifier *v);

#endif
