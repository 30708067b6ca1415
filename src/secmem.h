/* SPDX-License-Identifier: ISC */
/*
 * secmem.h: memory for secrets and process hardening.
 *
 * Secrets (PINs, shares, derived keys, private keys) live in OpenSSL's
 * secure heap, which is locked in memory and cleared on free.  Free every
 * secret with kr_secure_free() or kr_cleanse() it on every path.
 */
#ifndef KR_SECMEM_H
#define KR_SECMEM_H

#include <stddef.h>

struct kr_err;

/* Initialises OpenSSL's secure heap (once; later calls are no-ops).
 * Returns 0 or KR_ECRYPTO. */
int	kr_secmem_init(struct kr_err *e);
/* 1 when the secure heap is set up and locked in memory; 0 when mlock
 * failed (RLIMIT_MEMLOCK too low: `ulimit -l 0') and secrets could reach
 * swap.  A live run refuses to start then (runner_open); a rehearsal
 * warns. */
int	kr_secmem_locked(void);
#define KR_SECMEM_UNLOCKED "the secure heap is not locked in memory (the " \
	"locked-memory limit is too low): PINs could reach swap; a live run " \
	"refuses this (fix: ulimit -l 2048)"

/* Allocates zeroed secure memory, or NULL. */
void	*kr_secure_malloc(size_t len);
/* Clears and frees secure memory; NULL is fine. */
void	kr_secure_free(void *p, size_t len);

/* Clears a buffer in a way the compiler cannot drop. */
void	kr_cleanse(void *p, size_t len);

/* Turns off core dumps and ptrace attach for this process (RLIMIT_CORE 0,
 * PR_SET_DUMPABLE 0).  Returns 0 or KR_EIO. */
int	kr_harden_process(struct kr_err *e);

#endif
