/* SPDX-License-Identifier: ISC */
/*
 * test-byok.c: CKM_RSA_AES_KEY_WRAP and the .byok file.  Known answers
 * (RFC 5649 section 6; the byok-vectors, byte for byte), round trips for
 * every target type and KEK size, the sanity lengths, and a parser that
 * refuses every kind of malformed file with a message naming it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "byok.h"
#include "codec.h"
#include "err.h"
#include "keyio.h"
#include "secmem.h"
#include "lib/vt-util.h"

#define VECTOR_KID "https://contosokeyvaulthsm.vault.azure.net/keys/" \
	"KEKforBYOK/00000000000000000000000000000000"

static EVP_PKEY *kek2048;	/* the reference KEK */

static int
setup(void **state)
{
	struct kr_err e;

	if (kr_secmem_init(&e) != 0)
		return -1;
	kek2048 = vt_key(vt_vector("kek_rsa2048_priv.pem"));
	return kek2048 == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	EVP_PKEY_free(kek2048);
	return 0;
}

static void
hex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(kr_hex_decode(s, out, n, NULL), 0);
}

/* RFC 5649 section 6, both examples, both directions. */
static void
test_kwp_rfc5649(void **state)
{
	uint8_t kek[24], k1[20], c1[32], k2[7], c2[16], out[64];
	size_t n = 0;
	struct kr_err e;

	hex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", kek, 24);
	hex("c37b7e6492584340bed12207808941155068f738", k1, 20);
	hex("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a",
	    c1, 32);
	hex("466f7250617369", k2, 7);
	hex("afbeb0f07dfbf5419200f2ccb50bb24f", c2, 16);

	assert_int_equal(byok_kwp_wrap(kek, 24, k1, 20, out, sizeof(out), &n,
	    &e), 0);
	assert_int_equal(n, 32);
	assert_memory_equal(out, c1, 32);
	assert_int_equal(byok_kwp_unwrap(kek, 24, c1, 32, out, sizeof(out), &n,
	    &e), 0);
	assert_int_equal(n, 20);
	assert_memory_equal(out, k1, 20);

	assert_int_equal(byok_kwp_wrap(kek, 24, k2, 7, out, sizeof(out), &n,
	    &e), 0);
	assert_int_equal(n, 16);
	assert_memory_equal(out, c2, 16);
	assert_int_equal(byok_kwp_unwrap(kek, 24, c2, 16, out, sizeof(out), &n,
	    &e), 0);
	assert_int_equal(n, 7);
	assert_memory_equal(out, k2, 7);

	/* A flipped bit fails the integrity check. */
	c1[5] ^= 0x10;
	assert_int_equal(byok_kwp_unwrap(kek, 24, c1, 32, out, sizeof(out), &n,
	    &e), KR_EFAIL);
	/* Lengths that KWP cannot produce, and a non-AES key length. */
	assert_int_equal(byok_kwp_unwrap(kek, 24, c2, 12, out, sizeof(out), &n,
	    &e), KR_EDATA);
	assert_int_equal(byok_kwp_unwrap(kek, 24, c2, 8, out, sizeof(out), &n,
	    &e), KR_EDATA);
	assert_int_equal(byok_kwp_wrap(kek, 20, k2, 7, out, sizeof(out), &n,
	    &e), KR_EUSAGE);
	/* An output buffer that is too small is refused, not overrun. */
	assert_int_equal(byok_kwp_wrap(kek, 24, k1, 20, out, 32, &n, &e),
	    KR_EUSAGE);
}

static void
unwrap_vector(const char *ctname, const char *p8name)
{
	char *ct, *p8;
	size_t ctlen, p8len, plen = 0;
	uint8_t *p = NULL;
	struct kr_err e;

	vt_read(vt_vector(ctname), &ct, &ctlen);
	vt_read(vt_vector(p8name), &p8, &p8len);
	kr_err_clear(&e);
	assert_int_equal(byok_unwrap(kek2048, EVP_sha1(), (uint8_t *)ct, ctlen,
	    &p, &plen, &e), 0);
	assert_int_equal(plen, p8len);
	assert_memory_equal(p, p8, p8len);
	kr_secure_free(p, plen);
	free(ct);
	free(p8);
}

/* The byok-vectors: each ciphertext unwraps to its PKCS#8 exactly. */
static void
test_vectors_unwrap(void **state)
{
	unwrap_vector("ciphertext_rsa2048.bin", "target_rsa2048.pkcs8.der");
	unwrap_vector("ciphertext_ecp256.bin", "target_ecp256.pkcs8.der");
}

static void
parse_vector(const char *byok, const char *ctname)
{
	struct byok_file f;
	struct kr_err e;
	char *buf, *ct;
	size_t len, ctlen;

	vt_read(vt_vector(byok), &buf, &len);
	vt_read(vt_vector(ctname), &ct, &ctlen);
	kr_err_clear(&e);
	assert_int_equal(byok_file_parse(byok, buf, len, &f, &e), 0);
	assert_string_equal(f.kid, VECTOR_KID);
	assert_string_equal(f.generator, "research-kat; software; n/a");
	assert_int_equal(f.ctlen, ctlen);
	assert_memory_equal(f.ct, ct, ctlen);
	byok_file_free(&f);
	free(buf);
	free(ct);
}

/* byok_file_parse of the reference files yields their ciphertexts. */
static void
test_vectors_parse(void **state)
{
	parse_vector("rsa2048.byok", "ciphertext_rsa2048.bin");
	parse_vector("ecp256.byok", "ciphertext_ecp256.bin");
}

static void
round_trip(EVP_PKEY *kek, EVP_PKEY *target)
{
	uint8_t *p8, *ct = NULL, *p = NULL;
	size_t p8len, ctlen = 0, plen = 0, klen;
	struct kr_err e;

	vt_pkcs8(target, &p8, &p8len);
	klen = (size_t)EVP_PKEY_get_size(kek);
	kr_err_clear(&e);
	assert_int_equal(byok_wrap(kek, EVP_sha1(), p8, p8len, &ct, &ctlen,
	    &e), 0);
	assert_int_equal(ctlen, klen + 8 * ((p8len + 7) / 8) + 8);
	assert_int_equal(byok_unwrap(kek, EVP_sha1(), ct, ctlen, &p, &plen,
	    &e), 0);
	assert_int_equal(plen, p8len);
	assert_memory_equal(p, p8, p8len);
	kr_secure_free(p, plen);
	/* Another hash for OAEP (the other clouds' variant) does not open
	 * a SHA-1 wrap. */
	assert_int_equal(byok_unwrap(kek, EVP_sha256(), ct, ctlen, &p, &plen,
	    &e), KR_EFAIL);
	assert_null(p);
	free(ct);
	free(p8);
}

/* Wrap then unwrap for RSA 2048/3072/4096 and EC P-256/P-384/P-521. */
static void
test_round_trip_targets(void **state)
{
	static const int rsa[] = { 2048, 3072, 4096 };
	static const char *ec[] = { "P-256", "P-384", "P-521" };
	EVP_PKEY *t;
	size_t i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(keyio_gen_rsa(rsa[i], &t, NULL), 0);
		round_trip(kek2048, t);
		EVP_PKEY_free(t);
	}
	for (i = 0; i < 3; i++) {
		assert_int_equal(keyio_gen_ec(ec[i], &t, NULL), 0);
		round_trip(kek2048, t);
		EVP_PKEY_free(t);
	}
}

/* KEKs of 3072 and 4096 bits; SHA-256 OAEP also round-trips. */
static void
test_round_trip_keks(void **state)
{
	uint8_t aes[32], *ct = NULL, *p = NULL;
	size_t ctlen = 0, plen = 0;
	EVP_PKEY *kek, *t;
	struct kr_err e;

	assert_int_equal(keyio_gen_ec("P-256", &t, NULL), 0);
	assert_int_equal(keyio_gen_rsa(3072, &kek, NULL), 0);
	round_trip(kek, t);
	EVP_PKEY_free(kek);
	assert_int_equal(keyio_gen_rsa(4096, &kek, NULL), 0);
	round_trip(kek, t);
	/* The sanity length: RSA-4096 KEK, 32-byte AES target: 552 bytes. */
	memset(aes, 0x5a, sizeof(aes));
	assert_int_equal(byok_wrap(kek, EVP_sha1(), aes, 32, &ct, &ctlen, &e),
	    0);
	assert_int_equal(ctlen, 552);
	free(ct);
	assert_int_equal(byok_wrap(kek, EVP_sha256(), aes, 32, &ct, &ctlen,
	    &e), 0);
	assert_int_equal(byok_unwrap(kek, EVP_sha256(), ct, ctlen, &p, &plen,
	    &e), 0);
	assert_int_equal(plen, 32);
	assert_memory_equal(p, aes, 32);
	kr_secure_free(p, plen);
	free(ct);
	EVP_PKEY_free(kek);
	EVP_PKEY_free(t);
}

/* RSA-2048 KEK and the 1214-byte RSA-2048 target: 1480 bytes. */
static void
test_lengths(void **state)
{
	char *p8;
	size_t p8len, ctlen = 0;
	uint8_t *ct = NULL;
	struct kr_err e;

	vt_read(vt_vector("target_rsa2048.pkcs8.der"), &p8, &p8len);
	assert_int_equal(p8len, 1214);
	assert_int_equal(byok_wrap(kek2048, EVP_sha1(), (uint8_t *)p8, p8len,
	    &ct, &ctlen, &e), 0);
	assert_int_equal(ctlen, 1480);
	free(ct);
	free(p8);
}

/* The wrong KEK, a damaged C1 or C2, impossible lengths. */
static void
test_unwrap_failures(void **state)
{
	char *ct;
	size_t ctlen, plen = 0;
	uint8_t *p = NULL;
	EVP_PKEY *other, *pub;
	struct kr_err e;

	vt_read(vt_vector("ciphertext_rsa2048.bin"), &ct, &ctlen);
	assert_int_equal(keyio_gen_rsa(2048, &other, NULL), 0);
	kr_err_clear(&e);
	assert_int_equal(byok_unwrap(other, EVP_sha1(), (uint8_t *)ct, ctlen,
	    &p, &plen, &e), KR_EFAIL);
	assert_true(vt_has(e.msg, "wrong KEK"));
	assert_null(p);
	ct[10] ^= 1;		/* in C1 */
	assert_int_equal(byok_unwrap(kek2048, EVP_sha1(), (uint8_t *)ct, ctlen,
	    &p, &plen, &e), KR_EFAIL);
	ct[10] ^= 1;
	ct[700] ^= 1;		/* in C2 */
	assert_int_equal(byok_unwrap(kek2048, EVP_sha1(), (uint8_t *)ct, ctlen,
	    &p, &plen, &e), KR_EFAIL);
	assert_true(vt_has(e.msg, "integrity"));
	ct[700] ^= 1;
	assert_int_equal(byok_unwrap(kek2048, EVP_sha1(), (uint8_t *)ct, 256 + 8,
	    &p, &plen, &e), KR_EDATA);
	assert_int_equal(byok_unwrap(kek2048, EVP_sha1(), (uint8_t *)ct,
	    ctlen - 4, &p, &plen, &e), KR_EDATA);
	assert_int_equal(byok_unwrap(kek2048, EVP_sha1(), (uint8_t *)ct, 100,
	    &p, &plen, &e), KR_EDATA);
	/* A public key cannot unwrap; an EC key is not a KEK. */
	assert_int_equal(keyio_read_public(vt_vector("kek_rsa2048_pub.pem"),
	    &pub, &e), 0);
	assert_int_not_equal(byok_unwrap(pub, EVP_sha1(), (uint8_t *)ct, ctlen,
	    &p, &plen, &e), 0);
	EVP_PKEY_free(pub);
	assert_int_equal(keyio_gen_ec("P-256", &pub, NULL), 0);
	assert_int_equal(byok_wrap(pub, EVP_sha1(), (uint8_t *)ct, 10, &p,
	    &plen, &e), KR_EUSAGE);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(other);
	free(ct);
}

/* Format then parse; no padding on output, padding accepted on input. */
static void
test_file_round_trip(void **state)
{
	char *ctf, *json = NULL, *padded;
	size_t ctlen, len = 0;
	struct byok_file f;
	struct kr_err e;
	char *p;

	vt_read(vt_vector("ciphertext_rsa2048.bin"), &ctf, &ctlen);
	kr_err_clear(&e);
	assert_int_equal(byok_file_format(VECTOR_KID, (uint8_t *)ctf, ctlen,
	    "test", &json, &len, &e), 0);
	assert_int_equal(json[len - 1], '\n');
	assert_null(strchr(json, '='));
	assert_non_null(strstr(json, "\"alg\": \"dir\""));
	assert_non_null(strstr(json, "\"enc\": \"CKM_RSA_AES_KEY_WRAP\""));
	assert_non_null(strstr(json, "\"schema_version\": \"1.0.0\""));
	assert_int_equal(byok_file_parse("x.byok", json, len, &f, &e), 0);
	assert_string_equal(f.kid, VECTOR_KID);
	assert_int_equal(f.ctlen, ctlen);
	assert_memory_equal(f.ct, ctf, ctlen);
	byok_file_free(&f);

	/* 1480 bytes: base64 ends with "==" when padded.  (Two '=' are
	 * inserted before the closing quote.) */
	assert_non_null(padded = malloc(len + 3));
	p = strstr(json, "\"ciphertext\": \"") + 15;
	p = strchr(p, '"');
	memcpy(padded, json, (size_t)(p - json));
	memcpy(padded + (p - json), "==", 2);
	memcpy(padded + (p - json) + 2, p, len - (size_t)(p - json) + 1);
	assert_int_equal(byok_file_parse("x.byok", padded, len + 2, &f, &e), 0);
	assert_int_equal(f.ctlen, ctlen);
	assert_memory_equal(f.ct, ctf, ctlen);
	byok_file_free(&f);
	/* One '=' is wrong padding for this length. */
	padded[(p - json) + 1] = '"';
	memmove(padded + (p - json) + 2, padded + (p - json) + 3,
	    len - (size_t)(p - json) - 1);
	assert_int_equal(byok_file_parse("x.byok", padded, len + 1, &f, &e),
	    KR_EDATA);
	free(padded);
	free(json);

	/* Bad arguments to the formatter. */
	assert_int_equal(byok_file_format("not a kid", (uint8_t *)ctf, ctlen,
	    NULL, &json, &len, &e), KR_EUSAGE);
	assert_int_equal(byok_file_format(VECTOR_KID, (uint8_t *)ctf, 100,
	    NULL, &json, &len, &e), KR_EUSAGE);
	assert_null(json);
	free(ctf);
}

static char *
make_json(const char *schema, const char *kid, const char *alg,
    const char *enc, const char *ct, const char *extra)
{
	char *s;
	size_t n = strlen(ct) + 1024;

	assert_non_null(s = malloc(n));
	snprintf(s, n, "{\"schema_version\": %s, \"header\": {\"kid\": %s, "
	    "\"alg\": %s, \"enc\": %s}, \"ciphertext\": %s%s}", schema, kid,
	    alg, enc, ct, extra);
	return s;
}

/* Every malformed .byok is KR_EDATA with a message naming the problem. */
static void
test_parse_errors(void **state)
{
	static const char *okkid = "\"" VECTOR_KID "\"";
	char *ctf, *b64, *q, *s;
	size_t ctlen, i;
	struct byok_file f;
	struct kr_err e;
	struct {
		const char *schema, *kid, *alg, *enc, *ct, *extra, *want;
	} cases[] = {
		{ "\"2.0.0\"", NULL, NULL, NULL, NULL, "", "schema_version is" },
		{ "1", NULL, NULL, NULL, NULL, "", "schema_version" },
		{ NULL, "\"http://v.vault.azure.net/keys/k/1\"", NULL, NULL, NULL,
		  "", "header.kid is not a versioned key identifier" },
		{ NULL, "\"https://v.vault.azure.net/keys/k\"", NULL, NULL, NULL,
		  "", "header.kid" },
		{ NULL, "\"https://v/keys/k/1/x\"", NULL, NULL, NULL, "",
		  "header.kid" },
		{ NULL, "\"https://v/keys/k/1\\u0001\"", NULL, NULL, NULL, "",
		  "header.kid" },
		{ NULL, "17", NULL, NULL, NULL, "", "header.kid" },
		{ NULL, NULL, "\"RSA-OAEP\"", NULL, NULL, "",
		  "header.alg is \"RSA-OAEP\", expected \"dir\"" },
		{ NULL, NULL, NULL, "\"CKM_AES_KEY_WRAP_PAD\"", NULL, "",
		  "header.enc is" },
		{ NULL, NULL, NULL, NULL, "\"AAAA\"", "", "cannot be" },
		{ NULL, NULL, NULL, NULL, "\"A+/=\"", "", "not base64url" },
		{ NULL, NULL, NULL, NULL, "\"\"", "", "ciphertext is missing" },
		{ NULL, NULL, NULL, NULL, "[]", "", "ciphertext is missing" },
		{ NULL, NULL, NULL, NULL, NULL, ", \"extra\": 1",
		  "unknown member 'extra'" },
		{ NULL, NULL, NULL, NULL, NULL, ", \"generator\": 5",
		  "'generator' is not a string" },
		{ NULL, NULL, NULL, NULL, NULL, ", \"ciphertext\": \"AA\"",
		  "duplicate" },
	};

	vt_read(vt_vector("ciphertext_rsa2048.bin"), &ctf, &ctlen);
	assert_non_null(b64 = malloc(kr_b64_encoded_size(ctlen) + 2));
	b64[0] = '"';
	kr_b64url_encode((uint8_t *)ctf, ctlen, b64 + 1,
	    kr_b64_encoded_size(ctlen));
	strcat(b64, "\"");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = make_json(cases[i].schema ? cases[i].schema : "\"1.0.0\"",
		    cases[i].kid ? cases[i].kid : okkid,
		    cases[i].alg ? cases[i].alg : "\"dir\"",
		    cases[i].enc ? cases[i].enc : "\"CKM_RSA_AES_KEY_WRAP\"",
		    cases[i].ct ? cases[i].ct : b64, cases[i].extra);
		kr_err_clear(&e);
		assert_int_equal(byok_file_parse("t.byok", s, strlen(s), &f, &e),
		    KR_EDATA);
		assert_true(vt_has(e.msg, "t.byok: "));
		assert_true(vt_has(e.msg, cases[i].want));
		assert_null(f.ct);
		free(s);
	}
	/* The well-formed baseline parses. */
	s = make_json("\"1.0.0\"", okkid, "\"dir\"", "\"CKM_RSA_AES_KEY_WRAP\"",
	    b64, "");
	assert_int_equal(byok_file_parse("t.byok", s, strlen(s), &f, &e), 0);
	byok_file_free(&f);
	/* Not JSON, not an object, a BOM, trailing data, too large. */
	assert_int_equal(byok_file_parse("t.byok", "{", 1, &f, &e), KR_EDATA);
	assert_true(vt_has(e.msg, "t.byok: line 1"));
	assert_int_equal(byok_file_parse("t.byok", "[1]", 3, &f, &e), KR_EDATA);
	assert_int_equal(byok_file_parse("t.byok", "", 0, &f, &e), KR_EDATA);
	assert_non_null(q = malloc(strlen(s) + 8));
	memcpy(q, "\xef\xbb\xbf", 3);
	strcpy(q + 3, s);
	assert_int_equal(byok_file_parse("t.byok", q, strlen(q), &f, &e),
	    KR_EDATA);
	assert_true(vt_has(e.msg, "byte order mark"));
	strcpy(q, s);
	strcat(q, "{}");
	assert_int_equal(byok_file_parse("t.byok", q, strlen(q), &f, &e),
	    KR_EDATA);
	free(q);
	assert_int_equal(byok_file_parse("t.byok", s, BYOK_MAX_FILE + 1, &f,
	    &e), KR_EDATA);
	assert_true(vt_has(e.msg, "too large"));
	/* A NUL inside the buffer. */
	s[5] = '\0';
	assert_int_equal(byok_file_parse("t.byok", s, strlen(s + 6) + 6, &f,
	    &e), KR_EDATA);
	free(s);
	s = make_json("\"1.0.0\"", okkid, "\"dir\"", "\"CKM_RSA_AES_KEY_WRAP\"",
	    b64, "");
	/* A header that is not an object. */
	q = strstr(s, "\"header\": {");
	assert_non_null(q);
	free(s);
	s = strdup("{\"schema_version\": \"1.0.0\", \"header\": [], "
	    "\"ciphertext\": \"AA\"}");
	assert_int_equal(byok_file_parse("t.byok", s, strlen(s), &f, &e),
	    KR_EDATA);
	assert_true(vt_has(e.msg, "header is missing or not an object"));
	free(s);
	free(b64);
	free(ctf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kwp_rfc5649),
		cmocka_unit_test(test_vectors_unwrap),
		cmocka_unit_test(test_vectors_parse),
		cmocka_unit_test(test_round_trip_targets),
		cmocka_unit_test(test_round_trip_keks),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_unwrap_failures),
		cmocka_unit_test(test_file_round_trip),
		cmocka_unit_test(test_parse_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
