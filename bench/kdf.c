/* SPDX-License-Identifier: ISC */
/*
 * kdf.c: the cost of one PIN attempt against a stolen card file: one scrypt
 * derivation with the engine's parameters (src/engine-soft-card.c card_kdf:
 * N = 2^ENGINE_SCRYPT_LOG2N_DEFAULT, r = 8, p = 1, a 32-byte key), timed
 * with the monotonic clock, and the memory it takes (growth of the peak
 * resident set across the derivations).
 *
 *	kdf [-n ATTEMPTS] [-l LOG2N] [-r R] [-p P]
 *
 * It also prints the attempts' total, "total kdf-attempts N: W ms wall,
 * C ms cpu" (the process's CPU time across the loop): bench/ceremony.sh
 * runs it with a rehearsal's count and parameters as the baseline of its
 * derivations, made the way keyrite makes them (one process, one after the
 * other, so the allocator reuses the first one's memory as keyrite's does).
 *
 * Prints the figures and the cost per guess as a ratio to the floor a live
 * card must meet (issue 12: 0.5 s and 256 MiB per guess on this machine
 * class): `ratio kdf-attempt X` = 500 ms / the fastest attempt and
 * `ratio kdf-memory X` = 256 MiB / the memory measured (at most 1 means
 * the floor is met).  BENCHMARK ONLY: the
 * password and salt are fixed and nothing secret is involved.
 */
#include <sys/resource.h>

#define KDF_FLOOR_MS	500.0	/* per guess, live cards */
#define KDF_FLOOR_MIB	256.0

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "engine.h"

#define MAX_ATTEMPTS	64

static long
maxrss_kib(void)
{
	struct rusage ru;

	memset(&ru, 0, sizeof(ru));
	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return -1;
	return ru.ru_maxrss;
}

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double
cpu_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
number(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
main(int argc, char **argv)
{
	static const char pin[] = "bench-pin-1234";
	static const char salt[] = "keyrite-benchslt";
	unsigned char key[32];
	double ms[MAX_ATTEMPTS], t, mib, bymem, wall0, cpu0, wall, cpu;
	long attempts = 3, log2n = ENGINE_SCRYPT_LOG2N_DEFAULT, r = 8, p = 1;
	long before, after;
	int ch, i;

	while ((ch = getopt(argc, argv, "n:l:r:p:")) != -1) {
		switch (ch) {
		case 'n':
			if (number(optarg, 1, MAX_ATTEMPTS, &attempts) != 0)
				goto usage;
			break;
		case 'l':
			if (number(optarg, ENGINE_SCRYPT_LOG2N_MIN,
			    ENGINE_SCRYPT_LOG2N_MAX, &log2n) != 0)
				goto usage;
			break;
		case 'r':
			if (number(optarg, 1, 8, &r) != 0)
				goto usage;
			break;
		case 'p':
			if (number(optarg, 1, 4, &p) != 0)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;

	before = maxrss_kib();
	wall0 = now_ms();
	cpu0 = cpu_ms();
	for (i = 0; i < attempts; i++) {
		t = now_ms();
		if (EVP_PBE_scrypt(pin, strlen(pin),
		    (const unsigned char *)salt, sizeof(salt) - 1,
		    (uint64_t)1 << log2n, (uint64_t)r, (uint64_t)p,
		    (uint64_t)1 << 31, key, sizeof(key)) != 1) {
			fprintf(stderr, "kdf: scrypt failed\n");
			return 1;
		}
		ms[i] = now_ms() - t;
	}
	cpu = cpu_ms() - cpu0;
	wall = now_ms() - wall0;
	after = maxrss_kib();
	qsort(ms, (size_t)attempts, sizeof(ms[0]), cmp_double);
	/* scrypt's working set: 128 * r * N bytes (V) plus 256 * r * p (B, XY) */
	bymem = (128.0 * (double)r * (double)(1L << log2n) +
	    256.0 * (double)r * (double)p) / (1024.0 * 1024.0);
	mib = (double)(after - before) / 1024.0;
	printf("kdf: scrypt N=2^%ld r=%ld p=%ld, 32-byte key (engine default "
	    "2^%d)\n", log2n, r, p, ENGINE_SCRYPT_LOG2N_DEFAULT);
	printf("time kdf-attempt fastest %.1f ms, median %.1f ms, slowest "
	    "%.1f ms of %ld\n", ms[0], ms[attempts / 2], ms[attempts - 1],
	    attempts);
	printf("total kdf-attempts %ld: %.3f ms wall, %.3f ms cpu\n",
	    attempts, wall, cpu);
	printf("mem kdf-attempt %.1f MiB measured (peak RSS growth, %ld -> "
	    "%ld KiB), %.1f MiB by the parameters\n", mib, before, after,
	    bymem);
	printf("ratio kdf-attempt %.3f\n", KDF_FLOOR_MS / ms[0]);
	printf("ratio kdf-memory %.3f\n", mib > 0 ? KDF_FLOOR_MIB / mib : 0.0);
	return fflush(stdout) == 0 ? 0 : 74;
usage:
	fprintf(stderr, "usage: kdf [-n ATTEMPTS] [-l LOG2N] [-r R] [-p P]\n");
	return 64;
}
