/* SPDX-License-Identifier: ISC */
/*
 * engine-soft-shamir.c: Shamir secret sharing over GF(2^8) (the AES field,
 * x^8 + x^4 + x^3 + x + 1), byte by byte.  Share i is the polynomial at
 * x = i (1..n); the secret is its value at 0.  Multiplication is a fixed
 * eight-round loop with masks, no tables and no branches on secret data;
 * inversion is a^254 by a fixed chain.  Coefficients live in the secure
 * heap and are cleansed before return.
 */
#include <string.h>

#include "engine-soft.h"
#include "err.h"
#include "secmem.h"

uint8_t
soft_gf_mul(uint8_t a, uint8_t b)
{
	uint8_t r = 0, hi;
	int i;

	for (i = 0; i < 8; i++) {
		r ^= (uint8_t)(-(b & 1) & a);
		hi = (uint8_t)-(a >> 7);
		a = (uint8_t)((a << 1) ^ (hi & 0x1b));
		b >>= 1;
	}
	return r;
}

uint8_t
soft_gf_inv(uint8_t a)
{
	/* a^254 = a^-1 (and 0 -> 0): square-and-multiply over 254 = 11111110b. */
	uint8_t r = 1, sq = a;
	int i;

	for (i = 0; i < 8; i++) {
		uint8_t m = (uint8_t)-((254 >> i) & 1);	/* public exponent bits */

		r = (uint8_t)((m & soft_gf_mul(r, sq)) | (~m & r));
		sq = soft_gf_mul(sq, sq);
	}
	return r;
}

int
soft_shamir_split(const uint8_t *secret, size_t len, int k, int n,
    uint8_t **shares, struct kr_err *e)
{
	uint8_t *coef = NULL, y, x;
	size_t j, clen = 0;
	int i, t, r;

	if (k < 1 || n < k || n > 255 || len == 0)
		return kr_errf(e, KR_EUSAGE, "Shamir: bad quorum %d/%d", k, n);
	if (k > 1) {
		clen = (size_t)(k - 1) * len;
		if ((coef = kr_secure_malloc(clen)) == NULL)
			return kr_errf(e, KR_ENOMEM, "out of secure memory");
		if ((r = soft_random(coef, clen, e)) != 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		x = (uint8_t)(i + 1);
		for (j = 0; j < len; j++) {
			/* Horner: coefficients a_1..a_{k-1}, a_t at coef[(t-1)*len+j]. */
			y = 0;
			for (t = k - 1; t >= 1; t--)
				y = (uint8_t)(soft_gf_mul(y, x) ^
				    coef[(size_t)(t - 1) * len + j]);
			y = (uint8_t)(soft_gf_mul(y, x) ^ secret[j]);
			shares[i][j] = y;
		}
	}
	r = 0;
out:
	kr_secure_free(coef, clen);
	return r;
}

int
soft_shamir_combine(const uint8_t *const *shares, const uint8_t *xs, int count,
    size_t len, uint8_t *secret, struct kr_err *e)
{
	uint8_t l[255], num, den;
	size_t j;
	int i, m;

	if (count < 1 || count > 255)
		return kr_errf(e, KR_EUSAGE, "Shamir: no shares");
	for (i = 0; i < count; i++) {
		if (xs[i] == 0)
			return kr_errf(e, KR_EUSAGE, "Shamir: share index 0");
		for (m = 0; m < i; m++)
			if (xs[m] == xs[i])
				return kr_errf(e, KR_EUSAGE,
				    "Shamir: share %d given twice", xs[i]);
	}
	/* Lagrange basis at 0: l_i = prod_{m != i} x_m / (x_m - x_i). */
	for (i = 0; i < count; i++) {
		num = 1;
		den = 1;
		for (m = 0; m < count; m++) {
			if (m == i)
				continue;
			num = soft_gf_mul(num, xs[m]);
			den = soft_gf_mul(den, (uint8_t)(xs[m] ^ xs[i]));
		}
		l[i] = soft_gf_mul(num, soft_gf_inv(den));
	}
	for (j = 0; j < len; j++) {
		uint8_t s = 0;

		for (i = 0; i < count; i++)
			s ^= soft_gf_mul(shares[i][j], l[i]);
		secret[j] = s;
	}
	return 0;
}
