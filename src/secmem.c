/* SPDX-License-Identifier: ISC */
/*
 * secmem.c: the secure heap and process hardening.  Thin wrappers so that
 * every secret allocation in keyrite goes through one place.
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "err.h"
#include "secmem.h"

/* 1 MiB of locked memory, smallest allocation 32 bytes. */
#define KR_SECURE_HEAP	(1024 * 1024)
#define KR_SECURE_MIN	32

/* 1 once the heap is set up and locked in memory (mlock succeeded). */
static int secmem_locked;

int
kr_secmem_init(struct kr_err *e)
{
	int r;

	if (CRYPTO_secure_malloc_initialized())
		return 0;
	/* 1: set up and locked; 2: set up, but mlock failed (it can be
	 * swapped out); 0: failed. */
	if ((r = CRYPTO_secure_malloc_init(KR_SECURE_HEAP, KR_SECURE_MIN)) == 0)
		return kr_errf(e, KR_ECRYPTO, "cannot set up the secure heap");
	secmem_locked = r == 1;
	return 0;
}

int
kr_secmem_locked(void)
{
	return CRYPTO_secure_malloc_initialized() && secmem_locked;
}

void *
kr_secure_malloc(size_t len)
{
	return OPENSSL_secure_zalloc(len);
}

void
kr_secure_free(void *p, size_t len)
{
	if (p != NULL)
		OPENSSL_secure_clear_free(p, len);
}

void
kr_cleanse(void *p, size_t len)
{
	if (p != NULL && len > 0)
		OPENSSL_cleanse(p, len);
}

int
kr_harden_process(struct kr_err *e)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		return kr_errf(e, KR_EIO, "setrlimit(RLIMIT_CORE): %s",
		    strerror(errno));
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		return kr_errf(e, KR_EIO, "prctl(PR_SET_DUMPABLE): %s",
		    strerror(errno));
	return 0;
}
