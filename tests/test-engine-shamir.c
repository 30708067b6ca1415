/* SPDX-License-Identifier: ISC */
/*
 * test-engine-shamir.c: GF(2^8) arithmetic and Shamir sharing: every
 * K-subset of N shares gives the secret back and every (K-1)-subset does
 * not, for every K <= N <= 7.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "engine-soft.h"
#include "err.h"
#include "secmem.h"

#define SECRET_LEN 32

/* A plain reference multiply (shift and add, with branches). */
static uint8_t
ref_mul(uint8_t a, uint8_t b)
{
	uint8_t r = 0;

	while (b != 0) {
		if (b & 1)
			r ^= a;
		a = (uint8_t)((a & 0x80) ? (a << 1) ^ 0x1b : a << 1);
		b >>= 1;
	}
	return r;
}

static void
test_gf(void **state)
{
	int a, b;

	for (a = 0; a < 256; a++)
		for (b = 0; b < 256; b++)
			assert_int_equal(soft_gf_mul((uint8_t)a, (uint8_t)b),
			    ref_mul((uint8_t)a, (uint8_t)b));
	assert_int_equal(soft_gf_mul(0x57, 0x83), 0xc1);	/* FIPS-197 4.2 */
	assert_int_equal(soft_gf_inv(0), 0);
	for (a = 1; a < 256; a++)
		assert_int_equal(soft_gf_mul((uint8_t)a, soft_gf_inv((uint8_t)a)), 1);
}

/* Calls fn for every subset of {0..n-1} of size k (as a bitmask). */
static int
next_subset(unsigned *mask, int n)
{
	/* Gosper's hack. */
	unsigned c = *mask & -*mask, r = *mask + c;

	*mask = (((r ^ *mask) >> 2) / c) | r;
	return *mask < (1u << n);
}

static int
combine_mask(uint8_t **shares, unsigned mask, int n, uint8_t *out)
{
	const uint8_t *sel[8];
	uint8_t xs[8];
	int i, c = 0;

	for (i = 0; i < n; i++)
		if (mask & (1u << i)) {
			sel[c] = shares[i];
			xs[c] = (uint8_t)(i + 1);
			c++;
		}
	return soft_shamir_combine(sel, xs, c, SECRET_LEN, out, NULL);
}

static void
test_subsets(void **state)
{
	uint8_t secret[SECRET_LEN], out[SECRET_LEN], *shares[7];
	unsigned mask;
	int k, n, i, good = 0, bad = 0;

	kr_secmem_init(NULL);
	for (n = 1; n <= 7; n++) {
		for (k = 1; k <= n; k++) {
			assert_int_equal(soft_random(secret, sizeof(secret), NULL), 0);
			for (i = 0; i < n; i++)
				assert_non_null(shares[i] = kr_secure_malloc(SECRET_LEN));
			assert_int_equal(soft_shamir_split(secret, SECRET_LEN, k, n,
			    shares, NULL), 0);
			/* every K-subset reconstructs */
			mask = (1u << k) - 1;
			do {
				assert_int_equal(combine_mask(shares, mask, n, out), 0);
				assert_memory_equal(out, secret, SECRET_LEN);
				good++;
			} while (next_subset(&mask, n));
			/* every (K-1)-subset does not */
			if (k == 1) {
				assert_int_equal(combine_mask(shares, 0, n, out),
				    KR_EUSAGE);
				bad++;
			} else {
				mask = (1u << (k - 1)) - 1;
				do {
					assert_int_equal(combine_mask(shares, mask, n,
					    out), 0);
					assert_memory_not_equal(out, secret, SECRET_LEN);
					bad++;
				} while (next_subset(&mask, n));
			}
			for (i = 0; i < n; i++)
				kr_secure_free(shares[i], SECRET_LEN);
		}
	}
	/* sum over N of 2^N - 1 subsets for K and (K-1) */
	assert_true(good > 100 && bad > 100);
	print_message("# %d reconstructing subsets, %d short subsets\n", good, bad);
}

static void
test_bad_args(void **state)
{
	uint8_t secret[4] = { 1, 2, 3, 4 }, s1[4], s2[4], out[4];
	uint8_t *shares[2] = { s1, s2 };
	const uint8_t *sel[2] = { s1, s1 };
	uint8_t xs[2] = { 1, 1 };

	assert_int_equal(soft_shamir_split(secret, 4, 0, 2, shares, NULL), KR_EUSAGE);
	assert_int_equal(soft_shamir_split(secret, 4, 3, 2, shares, NULL), KR_EUSAGE);
	assert_int_equal(soft_shamir_split(secret, 4, 2, 2, shares, NULL), 0);
	/* the same share twice is refused, as is x = 0 */
	assert_int_equal(soft_shamir_combine(sel, xs, 2, 4, out, NULL), KR_EUSAGE);
	xs[0] = 0;
	xs[1] = 2;
	assert_int_equal(soft_shamir_combine(sel, xs, 2, 4, out, NULL), KR_EUSAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gf),
		cmocka_unit_test(test_subsets),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
