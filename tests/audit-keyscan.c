/* SPDX-License-Identifier: ISC */
/*
 * audit-keyscan.c: looks for a log's chain private keys in a file (a
 * disk image).  The public keys are every "pk" and "next_pk" of the log;
 * a private key is found when some 32 bytes of the file, taken as an
 * Ed25519 seed, give one of them: every 32-byte window of every block
 * that is not all zero, and every 44-character base64 string (the form
 * the key file uses), decoded.
 *
 *	audit-keyscan LOG FILE
 *
 * Windows that cannot be a random seed in practice are not derived: all
 * printable ASCII (text: a random 32 bytes is that with a chance of
 * (95/256)^32, about 1e-14) or holding four zero bytes in a row (about
 * 29 * 2^-32).  Text forms are covered by the base64 pass.
 *
 * Prints what it scanned and each key found; exits 1 when it found a
 * key, 0 when none, 2 on a usage or read error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "codec.h"

#define MAXKEYS	4096
#define BLOCK	4096

static uint8_t	pks[MAXKEYS][32];
static size_t	npks;

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL ||
	    fread(p, 1, (size_t)n, f) != (size_t)n) {
		if (f != NULL)
			fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

static void
collect(const char *log, size_t len, const char *tag)
{
	const char *p = log, *end = log + len;
	size_t tl = strlen(tag), n;

	while ((p = strstr(p, tag)) != NULL && p + tl + 44 <= end &&
	    npks < MAXKEYS) {
		p += tl;
		if (kr_b64_decode(p, 44, pks[npks], 32, &n) == 0 && n == 32)
			npks++;
	}
}

static int
known(const uint8_t seed[32])
{
	EVP_PKEY *k;
	uint8_t pk[32];
	size_t n = 32, i;
	int hit = 0;

	if ((k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
	    32)) == NULL)
		return 0;
	if (EVP_PKEY_get_raw_public_key(k, pk, &n) == 1)
		for (i = 0; i < npks && !hit; i++)
			hit = memcmp(pk, pks[i], 32) == 0;
	EVP_PKEY_free(k);
	return hit;
}

/* A window a random seed is (all but) never. */
static int
implausible(const uint8_t *w)
{
	int i, printable = 1, zeros = 0;

	for (i = 0; i < 32; i++) {
		if (w[i] < 0x20 || w[i] > 0x7e)
			printable = 0;
		zeros = w[i] == 0 ? zeros + 1 : 0;
		if (zeros == 4)
			return 1;
	}
	return printable;
}

static int
is_b64(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int
main(int argc, char **argv)
{
	static const uint8_t zero[BLOCK];
	uint8_t seed[32];
	char *log, *img;
	size_t loglen, len, off, b, blocks = 0, windows = 0, strs = 0, n;
	int found = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: audit-keyscan LOG FILE\n");
		return 2;
	}
	if ((log = slurp(argv[1], &loglen)) == NULL ||
	    (img = slurp(argv[2], &len)) == NULL) {
		fprintf(stderr, "audit-keyscan: cannot read the input\n");
		return 2;
	}
	collect(log, loglen, "\"next_pk\":\"");
	collect(log, loglen, "\"pk\":\"");
	for (b = 0; b < len; b += BLOCK) {
		n = len - b < BLOCK ? len - b : BLOCK;
		if (memcmp(img + b, zero, n) == 0)
			continue;
		blocks++;
		for (off = b; off < b + n && off + 32 <= len; off++) {
			if (implausible((const uint8_t *)img + off))
				continue;
			windows++;
			if (known((const uint8_t *)img + off)) {
				printf("raw key at byte %zu\n", off);
				found++;
			}
		}
	}
	for (off = 0; off + 44 <= len; off++) {
		if (img[off + 43] != '=' || (off > 0 && is_b64(img[off - 1])))
			continue;
		for (n = 0; n < 43 && is_b64(img[off + n]); n++)
			;
		if (n < 43)
			continue;
		strs++;
		if (kr_b64_decode(img + off, 44, seed, 32, &n) == 0 && n == 32 &&
		    known(seed)) {
			printf("base64 key at byte %zu\n", off);
			found++;
		}
	}
	printf("%zu public keys; %zu blocks, %zu raw windows, %zu base64 "
	    "strings scanned; %d private keys found\n", npks, blocks, windows,
	    strs, found);
	free(log);
	free(img);
	return found > 0;
}
