/* SPDX-License-Identifier: ISC */
/*
 * opcount.c: an LD_PRELOAD library that counts and times the expensive
 * libcrypto operations a program performs, for bench/ceremony.sh's
 * baseline model.  BENCHMARK ONLY: never linked into keyrite.
 *
 *	KEYRITE_BENCH_OPS=FILE LD_PRELOAD=bench/opcount.so keyrite ...
 *
 * It wraps (the real function is found with dlsym(RTLD_NEXT)):
 *   EVP_PKEY_generate	every key generation, also EVP_PKEY_Q_keygen's and
 *			EVP_PKEY_keygen's (libcrypto calls it through its
 *			PLT, so the wrapper sees those too);
 *   EVP_PBE_scrypt_ex	every scrypt derivation (EVP_PBE_scrypt calls it);
 *			a parameter check (key NULL) is not counted;
 *   EVP_DigestSign	every one-shot signature (a length query, sig NULL,
 *			is not counted);
 *   EVP_DigestVerify	every one-shot verification (keyrite's own checks:
 *			reported, never part of the baseline);
 *   fsync, fdatasync	libc's, every call (keyrite's durability: reported,
 *			never part of the baseline), as "sync fsync 0 ..." or
 *			"sync fdatasync 0 ...".
 * A call made while another wrapped call runs on the same thread is not
 * recorded on its own (its time is in the outer one).  At exit each
 * recorded call is appended to FILE as one line:
 *
 *	OP TYPE PARAM CPU_MS WALL_MS END_MS [R P]
 *	keygen RSA 4096 812.345 815.002 1102.500
 *	scrypt - 16384 35.120 35.300 640.125 8 1
 *	sign ED25519 256 0.030 0.031 700.010
 *	verify ED25519 256 0.070 0.071 1400.200
 *
 * PARAM is the key's size in bits (scrypt: N, with r and p at the end);
 * CPU_MS is the calling thread's CPU time in the call
 * (CLOCK_THREAD_CPUTIME_ID), WALL_MS its monotonic time, END_MS when it
 * returned, in ms since BENCH_STAMP_T0 (set by bench/stamp) or else since
 * this library was loaded.  Calls are kept in memory during the run (no
 * file I/O inside the timed program), up to OPS_MAX.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#define OPS_MAX	200000

struct op {
	char		 what[8];
	char		 type[12];
	uint64_t	 param, r, p;
	double		 cpu_ms, wall_ms, end_ms;
};

static struct op ops[OPS_MAX];
static size_t nops, dropped;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int depth;
static struct timespec zero;

__attribute__((constructor)) static void
opcount_init(void)
{
	const char *s = getenv("BENCH_STAMP_T0");
	char *end;
	double v;

	clock_gettime(CLOCK_MONOTONIC, &zero);
	if (s == NULL)
		return;
	v = strtod(s, &end);
	if (end != s && *end == '\0' && v > 0) {
		zero.tv_sec = (time_t)v;
		zero.tv_nsec = (long)((v - (double)zero.tv_sec) * 1e9);
	}
}

struct t0 {
	struct timespec	cpu, wall;
};

static void
start(struct t0 *t)
{
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t->cpu);
	clock_gettime(CLOCK_MONOTONIC, &t->wall);
}

static double
since(clockid_t id, const struct timespec *a)
{
	struct timespec b;

	clock_gettime(id, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static void
record(const char *what, const char *type, uint64_t param, uint64_t r,
    uint64_t p, const struct t0 *t)
{
	double cpu = since(CLOCK_THREAD_CPUTIME_ID, &t->cpu);
	double wall = since(CLOCK_MONOTONIC, &t->wall);
	double at = since(CLOCK_MONOTONIC, &zero);
	struct op *o;

	pthread_mutex_lock(&lock);
	if (nops == OPS_MAX) {
		dropped++;
	} else {
		o = &ops[nops++];
		*o = (struct op){ .param = param, .r = r, .p = p,
		    .cpu_ms = cpu, .wall_ms = wall, .end_ms = at };
		snprintf(o->what, sizeof(o->what), "%s", what);
		snprintf(o->type, sizeof(o->type), "%s",
		    type != NULL ? type : "-");
	}
	pthread_mutex_unlock(&lock);
}

static void *
real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL) {
		fprintf(stderr, "opcount: %s not found\n", name);
		abort();
	}
	return f;
}

int
EVP_PKEY_generate(EVP_PKEY_CTX *ctx, EVP_PKEY **ppkey)
{
	static int (*fn)(EVP_PKEY_CTX *, EVP_PKEY **);
	struct t0 t;
	int rc;

	if (fn == NULL)
		fn = (int (*)(EVP_PKEY_CTX *, EVP_PKEY **))
		    real("EVP_PKEY_generate");
	if (depth > 0)
		return fn(ctx, ppkey);
	depth++;
	start(&t);
	rc = fn(ctx, ppkey);
	depth--;
	if (rc == 1 && ppkey != NULL && *ppkey != NULL)
		record("keygen", EVP_PKEY_get0_type_name(*ppkey),
		    (uint64_t)EVP_PKEY_get_bits(*ppkey), 0, 0, &t);
	return rc;
}

int
EVP_PBE_scrypt_ex(const char *pass, size_t passlen, const unsigned char *salt,
    size_t saltlen, uint64_t N, uint64_t r, uint64_t p, uint64_t maxmem,
    unsigned char *key, size_t keylen, OSSL_LIB_CTX *libctx,
    const char *propq)
{
	static int (*fn)(const char *, size_t, const unsigned char *, size_t,
	    uint64_t, uint64_t, uint64_t, uint64_t, unsigned char *, size_t,
	    OSSL_LIB_CTX *, const char *);
	struct t0 t;
	int rc;

	if (fn == NULL)
		fn = (int (*)(const char *, size_t, const unsigned char *,
		    size_t, uint64_t, uint64_t, uint64_t, uint64_t,
		    unsigned char *, size_t, OSSL_LIB_CTX *, const char *))
		    real("EVP_PBE_scrypt_ex");
	if (depth > 0 || key == NULL)
		return fn(pass, passlen, salt, saltlen, N, r, p, maxmem, key,
		    keylen, libctx, propq);
	depth++;
	start(&t);
	rc = fn(pass, passlen, salt, saltlen, N, r, p, maxmem, key, keylen,
	    libctx, propq);
	depth--;
	if (rc == 1)
		record("scrypt", NULL, N, r, p, &t);
	return rc;
}

/* The key of a digest-sign or -verify context, recorded as WHAT. */
static void
record_md(const char *what, EVP_MD_CTX *ctx, const struct t0 *t)
{
	EVP_PKEY_CTX *pc = EVP_MD_CTX_get_pkey_ctx(ctx);
	EVP_PKEY *k = pc != NULL ? EVP_PKEY_CTX_get0_pkey(pc) : NULL;

	record(what, k != NULL ? EVP_PKEY_get0_type_name(k) : NULL,
	    k != NULL ? (uint64_t)EVP_PKEY_get_bits(k) : 0, 0, 0, t);
}

typedef int (*sign_fn)(EVP_MD_CTX *, unsigned char *, size_t *,
    const unsigned char *, size_t);
typedef int (*verify_fn)(EVP_MD_CTX *, const unsigned char *, size_t,
    const unsigned char *, size_t);

int
EVP_DigestSign(EVP_MD_CTX *ctx, unsigned char *sig, size_t *siglen,
    const unsigned char *tbs, size_t tbslen)
{
	static sign_fn fn;
	struct t0 t;
	int rc;

	if (fn == NULL)
		fn = (sign_fn)real("EVP_DigestSign");
	if (depth > 0 || sig == NULL)
		return fn(ctx, sig, siglen, tbs, tbslen);
	depth++;
	start(&t);
	rc = fn(ctx, sig, siglen, tbs, tbslen);
	depth--;
	if (rc == 1)
		record_md("sign", ctx, &t);
	return rc;
}

int
EVP_DigestVerify(EVP_MD_CTX *ctx, const unsigned char *sig, size_t siglen,
    const unsigned char *tbs, size_t tbslen)
{
	static verify_fn fn;
	struct t0 t;
	int rc;

	if (fn == NULL)
		fn = (verify_fn)real("EVP_DigestVerify");
	if (depth > 0)
		return fn(ctx, sig, siglen, tbs, tbslen);
	depth++;
	start(&t);
	rc = fn(ctx, sig, siglen, tbs, tbslen);
	depth--;
	record_md("verify", ctx, &t);
	return rc;
}

typedef int (*sync_fn)(int);

static int
timed_sync(const char *name, sync_fn *fn, int fd)
{
	struct t0 t;
	int rc;

	if (*fn == NULL)
		*fn = (sync_fn)real(name);
	if (depth > 0)
		return (*fn)(fd);
	depth++;
	start(&t);
	rc = (*fn)(fd);
	depth--;
	record("sync", name, 0, 0, 0, &t);
	return rc;
}

int
fsync(int fd)
{
	static sync_fn fn;

	return timed_sync("fsync", &fn, fd);
}

int
fdatasync(int fd)
{
	static sync_fn fn;

	return timed_sync("fdatasync", &fn, fd);
}

__attribute__((destructor)) static void
opcount_write(void)
{
	const char *path = getenv("KEYRITE_BENCH_OPS");
	FILE *f;
	size_t i;

	if (path == NULL || *path == '\0' || (f = fopen(path, "a")) == NULL)
		return;
	pthread_mutex_lock(&lock);
	for (i = 0; i < nops; i++) {
		fprintf(f, "%s %s %llu %.3f %.3f %.3f", ops[i].what,
		    ops[i].type, (unsigned long long)ops[i].param,
		    ops[i].cpu_ms, ops[i].wall_ms, ops[i].end_ms);
		if (strcmp(ops[i].what, "scrypt") == 0)
			fprintf(f, " %llu %llu", (unsigned long long)ops[i].r,
			    (unsigned long long)ops[i].p);
		fputc('\n', f);
	}
	if (dropped > 0)
		fprintf(f, "dropped %zu\n", dropped);
	nops = 0;
	pthread_mutex_unlock(&lock);
	fclose(f);
}
