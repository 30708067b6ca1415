/* SPDX-License-Identifier: ISC */
/*
 * test-audit-tamper.c: every class of tampering of reference/audit-log.md
 * is caught, at the right line.
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
#include "codec.h"
#include "err.h"

struct fixture {
	char		dir[64];
	struct tl_cards	cards;
	struct tl_log	demo;		/* the demo log, 2 of 3, sealed */
	struct tl_log	other;		/* another run of it (another origin) */
	struct tl_log	tiny;		/* 5 lines, 1 of 1, sealed */
	struct tl_thief	thief;		/* key of the demo's last entry (seal) */
};

static const uint8_t seed[32] = "keyrite test seed for tamper 002";

static char *
path_in(struct fixture *fx, const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", fx->dir, name);
	return p;
}

static int
write_tiny(const char *path, struct tl_cards *cards)
{
	struct audit_test_hooks hooks;
	struct audit_writer_opts o;
	struct audit_writer *w = NULL;
	struct tl_cosigner cs;
	struct kr_err e;
	int r;

	memset(&hooks, 0, sizeof(hooks));
	hooks.no_sync = 1;
	memset(&cs, 0, sizeof(cs));
	cs.cards = cards;
	cs.mask = 1u << 1;
	memset(&o, 0, sizeof(o));
	o.origin = "tiny/2026-11-27/00000001";
	o.hooks = &hooks;
	o.cosign = tl_cosign;
	o.cosign_arg = &cs;
	if ((r = audit_writer_create(path, &o, &w, &e)) != 0 ||
	    (r = audit_world_created(w, NULL, "w1", NULL, 1, 1, cards->card,
	    NULL, &e)) != 0 ||
	    (r = audit_note(w, NULL, "hello", "operator", &e)) != 0 ||
	    (r = audit_checkpoint(w, &e)) != 0 ||
	    (r = audit_seal(w, NULL, &e)) != 0)
		fprintf(stderr, "write_tiny: %s\n", e.msg);
	audit_writer_free(w);
	return r;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct audit_test_hooks hooks;
	struct tl_cosigner cs;
	struct tl_cards one;
	int r = 0;

	snprintf(fx->dir, sizeof(fx->dir), "%s/kr-tamper.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	tl_cards_init(&fx->cards, 3, 9);
	memset(&cs, 0, sizeof(cs));
	cs.cards = &fx->cards;
	cs.mask = (1u << 1) | (1u << 3);
	memset(&hooks, 0, sizeof(hooks));
	hooks.no_sync = 1;
	hooks.steal = tl_steal;
	hooks.steal_arg = &fx->thief;
	fx->thief.want = 21;	/* the seal's key */
	r |= tl_write_demo(path_in(fx, "demo.log"), &hooks, &cs, 2, 1, 0);
	r |= tl_log_load(&fx->demo, path_in(fx, "demo.log"));
	hooks.key_seed = seed;
	hooks.steal = NULL;
	r |= tl_write_demo_origin(path_in(fx, "other.log"),
	    "test-ceremony/2026-11-27/00000002", &hooks, &cs, 2, 1, 0);
	r |= tl_log_load(&fx->other, path_in(fx, "other.log"));
	tl_cards_init(&one, 1, 10);
	r |= write_tiny(path_in(fx, "tiny.log"), &one);
	r |= tl_log_load(&fx->tiny, path_in(fx, "tiny.log"));
	tl_cards_free(&one);
	if (r != 0 || !fx->thief.got || fx->demo.n != 22)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(path_in(fx, "demo.log"));
	unlink(path_in(fx, "other.log"));
	unlink(path_in(fx, "tiny.log"));
	rmdir(fx->dir);
	tl_log_free(&fx->demo);
	tl_log_free(&fx->other);
	tl_log_free(&fx->tiny);
	tl_cards_free(&fx->cards);
	free(fx);
	return 0;
}

static void
copy(const struct tl_log *from, struct tl_log *to)
{
	char *buf;
	size_t len;

	buf = tl_log_join(from, &len);
	assert_int_equal(tl_log_from(to, buf, len), 0);
	free(buf);
}

/* Verifies and expects a failure at `line` (and `code` unless 0), the same
 * with one and with three threads. */
static void
expect_fail(const struct tl_log *log, uint64_t line, int code)
{
	struct audit_verify_result r1, r3;

	assert_int_equal(tl_verify_log(log, 1, &r1), AUDIT_INVALID);
	if (r1.line != line || (code != 0 && r1.code != code))
		print_error("wanted line %llu %s, got line %llu %s %s\n",
		    (unsigned long long)line, audit_code_name(code),
		    (unsigned long long)r1.line, r1.code_name, r1.msg);
	assert_int_equal(r1.line, line);
	if (code != 0)
		assert_int_equal(r1.code, code);
	assert_int_equal(tl_verify_log(log, 3, &r3), AUDIT_INVALID);
	assert_int_equal(r3.line, r1.line);
	assert_int_equal(r3.code, r1.code);
	assert_int_equal(r3.byte, r1.byte);
}

static void
test_every_bit_flip(void **state)
{
	struct fixture *fx = *state;
	struct audit_verify_result res;
	size_t len, i, line, start;
	char *buf;
	int bit, st;
	unsigned long flips = 0;

	buf = tl_log_join(&fx->tiny, &len);
	assert_int_equal(tl_verify(buf, len, 1, &res), AUDIT_UNANCHORED);
	for (i = 0, line = 1, start = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= (char)(1 << bit);
			st = tl_verify(buf, len, 1, &res);
			buf[i] ^= (char)(1 << bit);
			flips++;
			/* Never sealed; reported at the line that holds byte
			 * i: a failure there, or (the final '\n' flipped) a
			 * partial last line there. */
			if (st == AUDIT_UNANCHORED || (st == AUDIT_INVALID ?
			    res.line : res.partial_line) != line)
				print_error("flip byte %zu bit %d (line %zu): "
				    "status %d line %llu %s %s\n", i, bit, line,
				    st, (unsigned long long)res.line,
				    res.code_name, res.msg);
			assert_int_not_equal(st, AUDIT_UNANCHORED);
			if (st == AUDIT_INVALID) {
				assert_int_equal(res.line, line);
				assert_int_equal(res.byte, start);
			} else {
				assert_int_equal(i, len - 1);
				assert_int_equal(res.partial_line, line);
			}
		}
		if (buf[i] == '\n') {
			line++;
			start = i + 1;
		}
	}
	print_message("# %lu bit flips of a %zu-byte log, all detected at "
	    "their line\n", flips, len);
	free(buf);
}

static void
test_truncation(void **state)
{
	struct fixture *fx = *state;
	struct audit_verify_result res;
	size_t len, i;
	char *buf;
	int st;

	buf = tl_log_join(&fx->tiny, &len);
	for (i = 0; i < len; i++) {
		st = tl_verify(buf, i, 1, &res);
		assert_int_equal(st, AUDIT_UNSEALED);
		assert_int_equal(res.partial, buf[i - (i > 0)] != '\n' && i > 0);
	}
	free(buf);
	/* and of the bigger log, at every byte, with threads */
	buf = tl_log_join(&fx->demo, &len);
	for (i = 0; i < len; i += 7)
		assert_int_equal(tl_verify(buf, i, 2, &res), AUDIT_UNSEALED);
	free(buf);
}

static void
test_drop_dup_swap_insert(void **state)
{
	struct fixture *fx = *state;
	struct audit_verify_result res;
	struct tl_log log;
	size_t i, n = fx->demo.n;

	for (i = 0; i < n; i++) {
		/* dropped */
		copy(&fx->demo, &log);
		tl_log_drop(&log, i);
		if (i == n - 1)	/* dropping the seal leaves a prefix */
			assert_int_equal(tl_verify_log(&log, 1, &res),
			    AUDIT_UNSEALED);
		else
			expect_fail(&log, i + 1, 0);
		tl_log_free(&log);
		/* duplicated */
		copy(&fx->demo, &log);
		tl_log_insert(&log, i, fx->demo.line[i], fx->demo.len[i]);
		expect_fail(&log, i + 2, i == n - 1 ? AUDIT_E_AFTER_SEAL :
		    i == 0 ? AUDIT_E_SCHEMA : AUDIT_E_SEQ);
		tl_log_free(&log);
		/* swapped with the next */
		if (i + 1 < n) {
			copy(&fx->demo, &log);
			tl_log_drop(&log, i);
			tl_log_insert(&log, i + 1, fx->demo.line[i],
			    fx->demo.len[i]);
			expect_fail(&log, i + 1, 0);
			tl_log_free(&log);
		}
		/* a line of another run inserted */
		copy(&fx->demo, &log);
		tl_log_insert(&log, i, fx->other.line[i], fx->other.len[i]);
		/* (another run's genesis is a fine first line) */
		expect_fail(&log, i + 1 + (i == 0), i == 0 ? AUDIT_E_SCHEMA :
		    AUDIT_E_ORIGIN);
		tl_log_free(&log);
	}
}

static void
edit_time(json_t *e, size_t i, void *arg)
{
	size_t *which = arg;

	if (i == *which)
		json_object_set_new(e, "t", json_string("2000-01-01T00:00:00Z"));
}

static void
test_rechain_with_another_key(void **state)
{
	struct fixture *fx = *state;
	struct tl_log log;
	EVP_PKEY *k;
	size_t i;

	for (i = 1; i < fx->demo.n; i++) {
		copy(&fx->demo, &log);
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		assert_int_equal(tl_rechain(&log, i, k, edit_time, &i), 0);
		EVP_PKEY_free(k);
		expect_fail(&log, i + 1, AUDIT_E_SIG);
		tl_log_free(&log);
		/* also rewriting the previous line's next_pk */
		copy(&fx->demo, &log);
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		assert_int_equal(tl_rechain(&log, i - 1, k, edit_time, &i), 0);
		EVP_PKEY_free(k);
		/* (from genesis on, it is a full rewrite: the cards'
		 * cosignatures of the first checkpoint give it away) */
		expect_fail(&log, i == 1 ? 11 : i, i == 1 ? AUDIT_E_COSIG :
		    AUDIT_E_SIG);
		tl_log_free(&log);
	}
}

static void
swap_cards(json_t *e, size_t i, void *arg)
{
	struct tl_cards *att = arg;
	json_t *d = json_object_get(e, "data"), *cards, *c;
	char b64[64];
	size_t x;

	if (d == NULL || (cards = json_object_get(d, "cards")) == NULL ||
	    json_object_get(d, "world_id") == NULL)
		return;
	json_array_foreach(cards, x, c) {
		kr_b64_encode(att->card[x].pk, 32, b64, sizeof(b64));
		json_object_set_new(c, "pk", json_string(b64));
	}
}

static void
test_full_rewrite(void **state)
{
	struct fixture *fx = *state;
	struct audit_verify_result res;
	struct audit_verify_opts o;
	struct tl_log log;
	struct tl_cards att;
	size_t len;
	char *buf;
	EVP_PKEY *k;

	/* Everything re-signed under a new genesis key: the checkpoints keep
	 * the cards' cosignatures, which no longer match the root. */
	copy(&fx->demo, &log);
	k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_int_equal(tl_rechain(&log, 0, k, NULL, NULL), 0);
	EVP_PKEY_free(k);
	expect_fail(&log, 11, AUDIT_E_COSIG);	/* the first cosigned checkpoint */

	/* Even with the attacker's own cards in world-created (so every
	 * cosignature verifies), --expect-genesis catches the rewrite. */
	tl_log_free(&log);
	copy(&fx->demo, &log);
	tl_cards_init(&att, 3, 99);
	k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_int_equal(tl_rechain(&log, 0, k, swap_cards, &att), 0);
	EVP_PKEY_free(k);
	tl_cards_free(&att);
	/* (the old cosigs now come from unknown keys: E_QUORUM) */
	expect_fail(&log, 11, AUDIT_E_QUORUM);
	memset(&o, 0, sizeof(o));
	o.have_genesis = 1;
	audit_leaf_hash(fx->demo.line[0], fx->demo.len[0], o.expect_genesis);
	buf = tl_log_join(&log, &len);
	audit_verify_buffer(buf, len, &o, &res, NULL);
	assert_int_equal(res.status, AUDIT_INVALID);
	assert_int_equal(res.code, AUDIT_E_ANCHOR);
	assert_int_equal(res.line, 1);
	free(buf);
	tl_log_free(&log);

	/* The genuine log passes both anchors. */
	buf = tl_log_join(&fx->demo, &len);
	o.have_seal = 1;
	audit_leaf_hash(fx->demo.line[21], fx->demo.len[21], o.expect_seal);
	assert_int_equal(audit_verify_buffer(buf, len, &o, &res, NULL), 0);
	o.expect_seal[0] ^= 1;
	assert_int_equal(audit_verify_buffer(buf, len, &o, &res, NULL),
	    KR_EFAIL);
	assert_int_equal(res.code, AUDIT_E_ANCHOR);
	assert_int_equal(res.line, 22);
	/* --expect-seal on an unsealed prefix fails */
	o.expect_seal[0] ^= 1;
	assert_int_equal(audit_verify_buffer(buf, len - fx->demo.len[21] - 1,
	    &o, &res, NULL), KR_EFAIL);
	assert_int_equal(res.code, AUDIT_E_ANCHOR);
	free(buf);
}

static void
test_seal_from_another_run(void **state)
{
	struct fixture *fx = *state;
	struct tl_log log;

	copy(&fx->demo, &log);
	tl_log_set(&log, 21, fx->other.line[21], fx->other.len[21]);
	expect_fail(&log, 22, AUDIT_E_ORIGIN);
	tl_log_free(&log);
	copy(&fx->demo, &log);
	tl_log_set(&log, 19, fx->other.line[19], fx->other.len[19]);
	expect_fail(&log, 20, AUDIT_E_ORIGIN);
	tl_log_free(&log);
}

static void
cosigs_from(json_t *e, size_t i, void *arg)
{
	json_t *old = arg;

	json_object_set(e, "cosigs", old);
}

static void
test_old_checkpoint_as_seal(void **state)
{
	struct fixture *fx = *state;
	struct tl_log log;
	json_t *ck;
	EVP_PKEY *k;

	/* Verbatim: wrong seq, wrong chain. */
	copy(&fx->demo, &log);
	tl_log_set(&log, 21, fx->demo.line[19], fx->demo.len[19]);
	expect_fail(&log, 22, AUDIT_E_SEQ);
	tl_log_free(&log);

	/* The thief holds the seal's key and writes a seal whose cosigs are
	 * the checkpoint's: the cards signed another note. */
	ck = json_loadb(fx->demo.line[19], fx->demo.len[19], 0, NULL);
	assert_non_null(ck);
	copy(&fx->demo, &log);
	assert_int_equal(audit_key_from_raw(fx->thief.sk, &k, NULL), 0);
	assert_int_equal(tl_rechain(&log, 21, k, cosigs_from,
	    json_object_get(json_object_get(ck, "e"), "cosigs")), 0);
	EVP_PKEY_free(k);
	expect_fail(&log, 22, AUDIT_E_COSIG);
	tl_log_free(&log);
	json_decref(ck);

	/* Sanity: the same thief re-signing the seal unchanged passes, so
	 * the failure above is the cosignatures'. */
	copy(&fx->demo, &log);
	assert_int_equal(audit_key_from_raw(fx->thief.sk, &k, NULL), 0);
	assert_int_equal(tl_rechain(&log, 21, k, NULL, NULL), 0);
	EVP_PKEY_free(k);
	{
		struct audit_verify_result res;

		assert_int_equal(tl_verify_log(&log, 1, &res), AUDIT_UNANCHORED);
	}
	tl_log_free(&log);
}

static void
test_lines_after_seal(void **state)
{
	struct fixture *fx = *state;
	struct audit_verify_result res;
	struct tl_log log;
	size_t len;
	char *buf;

	copy(&fx->demo, &log);
	tl_log_insert(&log, 22, fx->demo.line[18], fx->demo.len[18]);
	expect_fail(&log, 23, AUDIT_E_AFTER_SEAL);
	tl_log_free(&log);
	/* a partial line after the seal */
	buf = tl_log_join(&fx->demo, &len);
	buf = realloc(buf, len + 4);
	memcpy(buf + len, "{\"e", 3);
	assert_int_equal(tl_verify(buf, len + 3, 1, &res), AUDIT_INVALID);
	assert_int_equal(res.code, AUDIT_E_AFTER_SEAL);
	assert_int_equal(res.line, 23);
	free(buf);
}

/* Changes one base64 character inside line i's signature for another
 * (still canonical base64, so the failure is the signature's). */
static void
sig_char(struct tl_log *log, size_t i)
{
	char *c = &log->line[i][log->len[i] - 10];

	*c = *c == 'A' ? 'B' : 'A';
}

static void
test_threads_agree_on_late_failure(void **state)
{
	struct fixture *fx = *state;
	struct audit_verify_result r1, r2;
	struct tl_log log;

	/* A bad signature inside the log: the lowest failing line wins
	 * whatever thread found it, with the context of that line. */
	copy(&fx->demo, &log);
	sig_char(&log, 15);
	assert_int_equal(tl_verify_log(&log, 1, &r1), AUDIT_INVALID);
	assert_int_equal(tl_verify_log(&log, 4, &r2), AUDIT_INVALID);
	assert_int_equal(r1.line, 16);
	assert_int_equal(r2.line, 16);
	assert_int_equal(r1.code, AUDIT_E_SIG);
	assert_int_equal(r2.code, AUDIT_E_SIG);
	assert_int_equal(r2.last_good.seq, 14);
	assert_true(r2.have_last_quorum);
	assert_int_equal(r2.last_quorum.size, 10);
	tl_log_free(&log);
}

static void
test_threads_many_batches(void **state)
{
	struct fixture *fx = *state;
	struct audit_test_hooks hooks;
	struct audit_writer_opts o;
	struct audit_writer *w = NULL;
	struct audit_verify_result r1, r4;
	struct tl_log log, bad;
	struct kr_err e;
	char *buf;
	size_t len, i;
	const char *name = path_in(fx, "long.log");

	memset(&hooks, 0, sizeof(hooks));
	hooks.no_sync = 1;
	memset(&o, 0, sizeof(o));
	o.origin = "long/2026-11-27/00000003";
	o.hooks = &hooks;
	assert_int_equal(audit_writer_create(name, &o, &w, &e), 0);
	for (i = 0; i < 400; i++) {
		assert_int_equal(audit_note(w, NULL, "n", NULL, &e), 0);
		if (i % 50 == 49)
			assert_int_equal(audit_checkpoint(w, &e), 0);
	}
	assert_int_equal(audit_seal(w, NULL, &e), 0);
	audit_writer_free(w);
	assert_int_equal(tl_log_load(&log, name), 0);
	unlink(name);
	assert_int_equal(tl_verify_log(&log, 4, &r4), AUDIT_UNANCHORED);
	assert_int_equal(r4.entries, 410);

	/* a bad signature at line 150 and a broken chain at line 300 */
	buf = tl_log_join(&log, &len);
	tl_log_from(&bad, buf, len);
	free(buf);
	sig_char(&bad, 149);
	tl_log_drop(&bad, 299);
	assert_int_equal(tl_verify_log(&bad, 1, &r1), AUDIT_INVALID);
	assert_int_equal(tl_verify_log(&bad, 4, &r4), AUDIT_INVALID);
	assert_int_equal(r1.line, 150);
	assert_int_equal(r4.line, 150);
	assert_int_equal(r4.code, AUDIT_E_SIG);
	assert_int_equal(r4.last_good.seq, 148);
	assert_int_equal(r4.last_quorum.size, 0);
	tl_log_free(&bad);

	/* the other way round: the structural failure comes first */
	buf = tl_log_join(&log, &len);
	tl_log_from(&bad, buf, len);
	free(buf);
	sig_char(&bad, 299);
	tl_log_drop(&bad, 149);
	assert_int_equal(tl_verify_log(&bad, 4, &r4), AUDIT_INVALID);
	assert_int_equal(r4.line, 150);
	assert_int_equal(r4.code, AUDIT_E_SEQ);
	tl_log_free(&bad);
	tl_log_free(&log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_drop_dup_swap_insert),
		cmocka_unit_test(test_rechain_with_another_key),
		cmocka_unit_test(test_full_rewrite),
		cmocka_unit_test(test_seal_from_another_run),
		cmocka_unit_test(test_old_checkpoint_as_seal),
		cmocka_unit_test(test_lines_after_seal),
		cmocka_unit_test(test_threads_agree_on_late_failure),
		cmocka_unit_test(test_threads_many_batches),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
