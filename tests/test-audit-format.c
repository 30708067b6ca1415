/* SPDX-License-Identifier: ISC */
/*
 * test-audit-format.c: the audit log's canonical JSON, Merkle tree, line
 * parser and limits, and non-canonical forms in a real log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit-int.h"
#include "lib/audit-testlib.h"
#include "audit-verify.h"
#include "err.h"

static void
test_canon_serializer(void **state)
{
	struct audit_buf b = { 0 };
	const char *why = NULL;
	json_t *v;

	v = json_pack("{s:i,s:s,s:[b,n,I],s:{s:s}}", "b", 2, "a",
	    "x\"\\\b\f\n\r\t\x01\x1f\x7f\xc3\xa9/", "c", 1,
	    (json_int_t)9007199254740991LL, "aa", "z", "");
	assert_non_null(v);
	assert_int_equal(audit_json_canon(v, &b, &why), 0);
	assert_string_equal(b.p, "{\"a\":\"x\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\xc3\xa9/\","
	    "\"aa\":{\"z\":\"\"},\"b\":2,\"c\":[true,null,9007199254740991]}");
	json_decref(v);
	audit_buf_reset(&b);

	v = json_pack("{s:f}", "a", 1.5);
	assert_int_not_equal(audit_json_canon(v, &b, &why), 0);
	assert_string_equal(why, "not an integer");
	json_decref(v);
	v = json_pack("{s:I}", "a", (json_int_t)9007199254740992LL);
	assert_int_not_equal(audit_json_canon(v, &b, &why), 0);
	json_decref(v);
	v = json_pack("{s:i}", "a", -1);
	assert_int_not_equal(audit_json_canon(v, &b, &why), 0);
	json_decref(v);
	v = json_pack("{s:i}", "A", 1);
	assert_int_not_equal(audit_json_canon(v, &b, &why), 0);
	assert_string_equal(why, "key outside [a-z0-9_]");
	json_decref(v);
	audit_buf_free(&b);
}

static int
check(const char *s, json_t **out)
{
	struct audit_fail f;
	int r;

	r = audit_json_check(s, strlen(s), out, &f);
	return r == 0 ? 0 : f.code;
}

static void
test_canon_check(void **state)
{
	json_t *v = NULL;
	char deep[200];
	size_t i;

	assert_int_equal(check("{\"a\":1,\"b\":\"\\u001f\"}", &v), 0);
	json_decref(v);
	/* whitespace, key order, escapes, numbers */
	assert_int_equal(check("{\"a\": 1}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check(" {\"a\":1}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"a\":1}\r", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"b\":1,\"a\":1}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"a\":\"\\u001F\"}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"a\":\"\\u0041\"}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"a\":\"\\/\"}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"a\":\"\\u000a\"}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"a\":\"\\u00e9\"}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"a\":1.0}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"a\":1e0}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"a\":-0}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"a\":-1}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"a\":9007199254740992}", &v), AUDIT_E_NONCANON);
	assert_int_equal(check("{\"a\":01}", &v), AUDIT_E_PARSE);
	assert_int_equal(check("{\"a\":+1}", &v), AUDIT_E_PARSE);
	assert_int_equal(check("{\"a\":99999999999999999999}", &v), AUDIT_E_PARSE);
	assert_int_equal(check("{\"A\":1}", &v), AUDIT_E_NONCANON);
	/* duplicate keys, invalid UTF-8, NUL, not an object */
	assert_int_equal(check("{\"a\":1,\"a\":1}", &v), AUDIT_E_PARSE);
	assert_int_equal(check("{\"a\":\"\xff\"}", &v), AUDIT_E_PARSE);
	assert_int_equal(check("{\"a\":\"\xc0\xaf\"}", &v), AUDIT_E_PARSE);
	assert_int_equal(check("{\"a\":\"\xed\xa0\x80\"}", &v), AUDIT_E_PARSE);
	assert_int_equal(check("{\"a\":\"\\u0000\"}", &v), AUDIT_E_PARSE);
	assert_int_equal(check("[1]", &v), AUDIT_E_SCHEMA);
	assert_int_equal(check("\xef\xbb\xbf{\"a\":1}", &v), AUDIT_E_PARSE);
	/* nesting */
	for (i = 0; i < 40; i++)
		deep[i] = '[';
	deep[i] = '\0';
	memcpy(deep, "{\"a\":", 5);
	assert_int_equal(check(deep, &v), AUDIT_E_LIMIT);
	assert_null(v);
}

/* RFC 6962 MTH, recursively. */
static void
mth(uint8_t (*leaves)[32], size_t n, uint8_t out[32])
{
	uint8_t l[32], r[32];
	size_t k = 1;

	if (n == 1) {
		memcpy(out, leaves[0], 32);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	mth(leaves, k, l);
	mth(leaves + k, n - k, r);
	audit_node_hash(l, r, out);
}

static void
test_merkle(void **state)
{
	struct audit_merkle m;
	uint8_t leaves[130][32], a[32], b[32], empty[32];
	char s[16];
	size_t n;

	audit_merkle_init(&m);
	audit_merkle_root(&m, a);
	audit_sha256("", 0, empty);
	assert_memory_equal(a, empty, 32);
	for (n = 0; n < 130; n++) {
		snprintf(s, sizeof(s), "line %zu", n);
		audit_leaf_hash(s, strlen(s), leaves[n]);
		audit_merkle_add(&m, leaves[n]);
		audit_merkle_root(&m, a);
		mth(leaves, n + 1, b);
		assert_memory_equal(a, b, 32);
	}
	/* leaf hash domain: SHA-256(0x00 || "") */
	audit_leaf_hash("", 0, a);
	audit_sha256("\0", 1, b);
	assert_memory_equal(a, b, 32);
}

/* A sealed demo log, lines in memory. */
struct fixture {
	char		dir[64];
	char		path[128];
	struct tl_cards	cards;
	struct tl_log	log;
};

static const uint8_t seed[32] = "keyrite test seed for tamper 001";

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct audit_test_hooks hooks;
	struct tl_cosigner cs;

	snprintf(fx->dir, sizeof(fx->dir), "%s/kr-audit.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/demo.log", fx->dir);
	tl_cards_init(&fx->cards, 3, 7);
	memset(&cs, 0, sizeof(cs));
	cs.cards = &fx->cards;
	cs.mask = (1u << 1) | (1u << 2);
	memset(&hooks, 0, sizeof(hooks));
	hooks.key_seed = seed;
	hooks.no_sync = 1;
	if (tl_write_demo(fx->path, &hooks, &cs, 2, 1, 0) != 0 ||
	    tl_log_load(&fx->log, fx->path) != 0)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->path);
	rmdir(fx->dir);
	tl_log_free(&fx->log);
	tl_cards_free(&fx->cards);
	free(fx);
	return 0;
}

/* Replaces the first `from` in line i with `to`, verifies, expects a
 * failure with `code` at line i. */
static void
mutate(struct fixture *fx, size_t i, const char *from, const char *to,
    int code)
{
	struct audit_verify_result res;
	struct tl_log log;
	char *buf, *p;
	size_t len, flen = strlen(from), tlen = strlen(to);

	buf = tl_log_join(&fx->log, &len);
	assert_int_equal(tl_log_from(&log, buf, len), 0);
	free(buf);
	p = strstr(log.line[i], from);
	assert_non_null(p);
	buf = malloc(log.len[i] - flen + tlen + 1);
	memcpy(buf, log.line[i], (size_t)(p - log.line[i]));
	memcpy(buf + (p - log.line[i]), to, tlen);
	strcpy(buf + (p - log.line[i]) + tlen, p + flen);
	tl_log_set(&log, i, buf, strlen(buf));
	free(buf);
	assert_int_equal(tl_verify_log(&log, 1, &res), AUDIT_INVALID);
	if (res.line != i + 1 || res.code != code)
		print_error("mutating line %zu '%s' -> '%s': got line %llu %s %s\n",
		    i + 1, from, to, (unsigned long long)res.line,
		    res.code_name, res.msg);
	assert_int_equal(res.line, i + 1);
	assert_int_equal(res.code, code);
	tl_log_free(&log);
}

static void
test_demo_verifies(void **state)
{
	struct fixture *fx = *state;
	struct audit_verify_result res;

	assert_int_equal(tl_verify_log(&fx->log, 1, &res), AUDIT_UNANCHORED);
	assert_int_equal(res.entries, fx->log.n);
	assert_int_equal(res.k, 2);
	assert_int_equal(res.seal.cosigned, 2);
	assert_string_equal(res.seal.cards, "[acs-1, acs-2]");
	assert_int_equal(tl_verify_log(&fx->log, 3, &res), AUDIT_UNANCHORED);
}

static void
test_noncanonical_lines(void **state)
{
	struct fixture *fx = *state;
	char big[70010];

	/* whitespace */
	mutate(fx, 2, "\"seq\":2,", "\"seq\": 2,", AUDIT_E_NONCANON);
	mutate(fx, 2, "{\"e\":", "{ \"e\":", AUDIT_E_NONCANON);
	/* key order */
	mutate(fx, 2, "\"name\":\"region\",\"value\":\"EU-1\"",
	    "\"value\":\"EU-1\",\"name\":\"region\"", AUDIT_E_NONCANON);
	/* escapes */
	mutate(fx, 14, "\\n", "\\u000a", AUDIT_E_NONCANON);
	mutate(fx, 14, "\\t", "\\u0009", AUDIT_E_NONCANON);
	mutate(fx, 2, "EU-1", "EU\\u002d1", AUDIT_E_NONCANON);
	mutate(fx, 1, "\\\"ceremony\\\"", "\\u0022ceremony\\u0022",
	    AUDIT_E_NONCANON);
	mutate(fx, 2, "test-ceremony/2026", "test-ceremony\\/2026",
	    AUDIT_E_NONCANON);
	/* number forms */
	mutate(fx, 2, "\"seq\":2,", "\"seq\":2.0,", AUDIT_E_NONCANON);
	mutate(fx, 2, "\"seq\":2,", "\"seq\":2e0,", AUDIT_E_NONCANON);
	mutate(fx, 2, "\"seq\":2,", "\"seq\":02,", AUDIT_E_PARSE);
	mutate(fx, 15, "\"size\":4242", "\"size\":4242.0", AUDIT_E_NONCANON);
	/* base64 forms: no padding, URL alphabet, non-zero trailing bits */
	mutate(fx, 2, "==\"}", "\"}", AUDIT_E_SCHEMA);
	mutate(fx, 3, "\"next_pk\":\"", "\"next_pk\":\"_", AUDIT_E_SCHEMA);
	/* duplicate keys, invalid UTF-8, over-long line, nesting */
	mutate(fx, 2, "\"seq\":2,", "\"seq\":2,\"seq\":2,", AUDIT_E_PARSE);
	mutate(fx, 16, "\xc3\xa9", "\xc3\x28", AUDIT_E_PARSE);
	mutate(fx, 16, "\xc3\xa9", "\xe0\x80\xaf", AUDIT_E_PARSE);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	mutate(fx, 18, "tea break", big, AUDIT_E_LIMIT);
	mutate(fx, 18, "\"tea break\"",
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	    AUDIT_E_LIMIT);
	/* schema: unknown event, unknown member, missing member, bad type */
	mutate(fx, 18, "\"event\":\"note\"", "\"event\":\"notes\"",
	    AUDIT_E_SCHEMA);
	mutate(fx, 18, "\"data\":{", "\"data\":{\"pin\":\"1234\",",
	    AUDIT_E_SCHEMA);
	mutate(fx, 18, "\"v\":1", "\"v\":2", AUDIT_E_SCHEMA);
	mutate(fx, 18, "\"type\":\"event\"", "\"type\":\"seal\"",
	    AUDIT_E_SCHEMA);
	mutate(fx, 18, "\"t\":\"2026", "\"t\":\"1026", AUDIT_E_SIG);
	mutate(fx, 18, "\"t\":\"2026", "\"t\":\" 2026", AUDIT_E_SCHEMA);
	mutate(fx, 5, "\"step\":\"mode-init\",", "", AUDIT_E_SCHEMA);
}

static void
test_base64_trailing_bits(void **state)
{
	struct fixture *fx = *state;
	struct audit_verify_result res;
	char *p, *line;
	size_t i = 4;

	/* The 32-byte next_pk ends "X=": bump X within its trailing bits. */
	line = strdup(fx->log.line[i]);
	p = strstr(line, "\"next_pk\":\"");
	assert_non_null(p);
	p += strlen("\"next_pk\":\"") + 42;
	assert_int_equal(p[1], '=');
	*p = (char)(*p == 'A' ? 'B' : *p == 'B' ? 'A' : *p ^ 1);
	{
		struct tl_log log;
		char *buf;
		size_t len;

		buf = tl_log_join(&fx->log, &len);
		tl_log_from(&log, buf, len);
		free(buf);
		tl_log_set(&log, i, line, strlen(line));
		assert_int_equal(tl_verify_log(&log, 1, &res), AUDIT_INVALID);
		assert_int_equal(res.line, i + 1);
		tl_log_free(&log);
	}
	free(line);
}

static void
test_line_parse_limits(void **state)
{
	struct audit_line l;
	struct audit_fail f;
	char *big;

	assert_int_equal(audit_line_parse("{}", 2, &l, &f), -1);
	assert_int_equal(f.code, AUDIT_E_SCHEMA);
	assert_int_equal(audit_line_parse("", 0, &l, &f), -1);
	assert_int_equal(f.code, AUDIT_E_PARSE);
	big = malloc(AUDIT_LINE_MAX + 2);
	memset(big, ' ', AUDIT_LINE_MAX + 1);
	assert_int_equal(audit_line_parse(big, AUDIT_LINE_MAX + 1, &l, &f), -1);
	assert_int_equal(f.code, AUDIT_E_LIMIT);
	free(big);
}

static void
test_fingerprint_parse(void **state)
{
	uint8_t h[32];

	assert_int_equal(audit_parse_fingerprint("01d77884 a8ff0197 fc1eb8ab "
	    "6332e40a df2e5f01 fedb02e9 886443c6 11fae2bd", h), 0);
	assert_int_equal(h[0], 0x01);
	assert_int_equal(h[31], 0xbd);
	assert_int_equal(audit_parse_fingerprint("01d7", h), KR_EUSAGE);
	assert_int_equal(audit_parse_fingerprint("zz", h), KR_EUSAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canon_serializer),
		cmocka_unit_test(test_canon_check),
		cmocka_unit_test(test_merkle),
		cmocka_unit_test(test_line_parse_limits),
		cmocka_unit_test(test_fingerprint_parse),
		cmocka_unit_test(test_demo_verifies),
		cmocka_unit_test(test_noncanonical_lines),
		cmocka_unit_test(test_base64_trailing_bits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
