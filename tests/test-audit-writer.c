/* SPDX-License-Identifier: ISC */
/*
 * test-audit-writer.c: the writer's guarantees: forward security, no key
 * after the seal, resume after a crash, refusals, the quorum rule for every
 * subset of a 3-of-5 world, cosignature faults, rehearsal logs.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/crypto.h>

#include "audit-int.h"
#include "lib/audit-testlib.h"
#include "audit-verify.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

static char dir[64];

static const char *
tmp(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static void
rm(const char *name)
{
	char key[300];

	unlink(tmp(name));
	snprintf(key, sizeof(key), "%s.key", tmp(name));
	unlink(key);
}

static int
verify_path(const char *path, struct audit_verify_result *res)
{
	struct kr_err e;

	audit_verify_file(path, NULL, res, &e);
	return res->status;
}

static struct audit_writer *
open_log(const char *name, struct audit_test_hooks *hooks,
    struct tl_cosigner *cs, int rehearsal)
{
	struct audit_writer_opts o;
	struct audit_writer *w = NULL;
	struct kr_err e;

	rm(name);
	memset(&o, 0, sizeof(o));
	o.origin = TL_ORIGIN;
	o.hooks = hooks;
	o.rehearsal = rehearsal;
	if (cs != NULL) {
		o.cosign = tl_cosign;
		o.cosign_arg = cs;
	}
	assert_int_equal(audit_writer_create(tmp(name), &o, &w, &e), 0);
	return w;
}

static void
test_forward_security(void **state)
{
	struct audit_test_hooks hooks;
	struct tl_cards cards;
	struct tl_cosigner cs;
	struct tl_thief thief;
	struct audit_verify_result res;
	struct tl_log log, forged;
	char *buf;
	size_t len, j, k = 12;
	EVP_PKEY *stolen;

	tl_cards_init(&cards, 3, 3);
	memset(&cs, 0, sizeof(cs));
	cs.cards = &cards;
	cs.mask = (1u << 2) | (1u << 3);
	memset(&thief, 0, sizeof(thief));
	thief.want = k;
	memset(&hooks, 0, sizeof(hooks));
	hooks.no_sync = 1;
	hooks.steal = tl_steal;
	hooks.steal_arg = &thief;
	assert_int_equal(tl_write_demo(tmp("fs.log"), &hooks, &cs, 2, 1, 0), 0);
	assert_true(thief.got);
	assert_int_equal(tl_log_load(&log, tmp("fs.log")), 0);
	assert_int_equal(audit_key_from_raw(thief.sk, &stolen, NULL), 0);

	/* The thief holds sk_k: every change below k fails at its line. */
	for (j = 0; j < k; j++) {
		buf = tl_log_join(&log, &len);
		tl_log_from(&forged, buf, len);
		free(buf);
		assert_int_equal(tl_rechain(&forged, j, stolen, NULL, NULL), 0);
		assert_int_equal(tl_verify_log(&forged, 1, &res), AUDIT_INVALID);
		assert_true(res.line <= j + 1 || (j == 0 && res.line == 11));
		if (j > 0)
			assert_int_equal(res.line, j + 1);
		tl_log_free(&forged);
	}
	/* From k on the thief can sign, but the next cosigned checkpoint
	 * (line 20, seq 19) gives the forgery away. */
	buf = tl_log_join(&log, &len);
	tl_log_from(&forged, buf, len);
	free(buf);
	assert_int_equal(tl_rechain(&forged, k, stolen, NULL, NULL), 0);
	assert_int_equal(tl_verify_log(&forged, 1, &res), AUDIT_INVALID);
	assert_int_equal(res.line, 20);
	assert_int_equal(res.code, AUDIT_E_COSIG);
	/* ... while the lines below k are untouched and verify. */
	assert_int_equal(res.last_good.seq, 18);
	tl_log_free(&forged);
	EVP_PKEY_free(stolen);
	tl_log_free(&log);
	tl_cards_free(&cards);
	rm("fs.log");
}

static void
test_no_key_after_seal(void **state)
{
	struct audit_fingerprints fp;
	struct audit_verify_result res;
	struct kr_err e;
	struct audit_writer *w;
	struct stat st;
	char key[300], stale[320], hex[65];
	size_t before;

	assert_int_equal(kr_secmem_init(&e), 0);
	before = CRYPTO_secure_used();
	w = open_log("seal.log", NULL, NULL, 0);
	assert_int_equal(audit_writer_keys_held(w), 1);
	assert_true(CRYPTO_secure_used() > before);
	snprintf(key, sizeof(key), "%s.key", tmp("seal.log"));
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(tmp("seal.log"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(audit_note(w, NULL, "one", NULL, &e), 0);
	assert_int_equal(audit_checkpoint(w, &e), 0);
	/* what a writer killed inside kr_write_atomic leaves behind */
	snprintf(stale, sizeof(stale), "%s.tmp.99999.0", key);
	assert_int_equal(tl_spit(stale, "keyrite-audit-key 1\n", 20), 0);
	assert_int_equal(audit_seal(w, &fp, &e), 0);
	/* No private key in the writer, none in the secure heap, no file. */
	assert_int_equal(audit_writer_keys_held(w), 0);
	assert_int_equal(CRYPTO_secure_used(), before);
	assert_int_equal(stat(key, &st), -1);
	assert_int_equal(stat(stale, &st), -1);
	assert_int_equal(audit_note(w, NULL, "two", NULL, &e), KR_EUSAGE);
	audit_writer_free(w);
	assert_int_equal(CRYPTO_secure_used(), before);
	assert_int_equal(fp.entries, 4);
	assert_true(fp.sealed);
	assert_int_equal(verify_path(tmp("seal.log"), &res), AUDIT_UNANCHORED);
	assert_memory_equal(fp.genesis, res.genesis, 32);
	assert_memory_equal(fp.last, res.seal_lh, 32);
	assert_memory_equal(fp.root, res.seal.root, 32);
	assert_int_equal(kr_file_sha256_hex(tmp("seal.log"), hex, &e), 0);
	{
		uint8_t h[32];

		kr_hex_decode(hex, h, 32, NULL);
		assert_memory_equal(fp.file_sha256, h, 32);
		assert_memory_equal(res.file_sha256, h, 32);
	}
	assert_string_equal(res.seal.cards, "");
	assert_int_equal(res.seal.quorum, 0);
	rm("seal.log");
}

static void
test_resume(void **state)
{
	struct audit_writer_opts o;
	struct audit_resume_info info;
	struct audit_verify_result res;
	struct audit_writer *w;
	struct tl_cards cards;
	struct tl_cosigner cs;
	struct kr_err e;
	FILE *f;
	uint8_t h[32];
	char *buf;
	size_t len;

	tl_cards_init(&cards, 3, 4);
	memset(&cs, 0, sizeof(cs));
	cs.cards = &cards;
	cs.mask = 0xe;
	memset(&o, 0, sizeof(o));
	o.origin = TL_ORIGIN;
	o.cosign = tl_cosign;
	o.cosign_arg = &cs;

	/* Before the world: a resume without quorum, said so. */
	w = open_log("r.log", NULL, NULL, 0);
	assert_int_equal(audit_note(w, NULL, "one", NULL, &e), 0);
	audit_writer_free(w);	/* "crash" */
	f = fopen(tmp("r.log"), "a");
	fputs("{\"e\":{\"data\":", f);
	fclose(f);
	assert_int_equal(verify_path(tmp("r.log"), &res), AUDIT_UNSEALED);
	assert_true(res.partial);
	assert_int_equal(res.code, AUDIT_E_PARTIAL_LINE);
	assert_int_equal(res.partial_line, 3);
	{
		char stale[320];
		struct stat st;

		snprintf(stale, sizeof(stale), "%s.key.tmp.4242.1", tmp("r.log"));
		assert_int_equal(tl_spit(stale, "x", 1), 0);
		assert_int_equal(audit_writer_resume(tmp("r.log"), &o, &info,
		    &w, &e), 0);
		assert_int_equal(stat(stale, &st), -1);
	}
	assert_int_equal(info.entries, 2);
	assert_int_equal(info.removed_bytes, 13);
	audit_sha256("{\"e\":{\"data\":", 13, h);
	assert_memory_equal(info.removed_sha256, h, 32);
	assert_int_equal(info.cosigned, 0);
	assert_int_equal(audit_world_created(w, NULL, "w", NULL, 2, 3,
	    cards.card, NULL, &e), 0);
	audit_writer_free(w);

	/* After the world: the resume is cosigned. */
	assert_int_equal(audit_writer_resume(tmp("r.log"), &o, &info, &w, &e), 0);
	assert_int_equal(info.removed_bytes, 0);
	assert_int_equal(info.cosigned, 1);
	assert_int_equal(audit_seal(w, NULL, &e), 0);
	audit_writer_free(w);
	assert_int_equal(verify_path(tmp("r.log"), &res), AUDIT_UNANCHORED);
	assert_int_equal(res.resumes, 2);
	assert_int_equal(res.resumes_without_quorum, 1);

	/* A sealed log cannot be resumed. */
	assert_int_equal(audit_writer_resume(tmp("r.log"), &o, &info, &w, &e),
	    KR_EDATA);
	/* Nor a tampered one. */
	buf = tl_slurp(tmp("r.log"), &len);
	buf[40] ^= 1;
	len -= 10;	/* and cut into the seal */
	tl_spit(tmp("r.log"), buf, len);
	free(buf);
	assert_int_equal(audit_writer_resume(tmp("r.log"), &o, &info, &w, &e),
	    KR_EFAIL);
	rm("r.log");

	/* A key file of another log does not continue the chain. */
	w = open_log("r.log", NULL, NULL, 0);
	audit_writer_free(w);
	rename(tmp("r.log"), tmp("r2.log"));
	w = open_log("r.log", NULL, NULL, 0);
	audit_writer_free(w);
	{
		char k1[300], k2[300];

		snprintf(k1, sizeof(k1), "%s.key", tmp("r.log"));
		snprintf(k2, sizeof(k2), "%s.key", tmp("r2.log"));
		rename(k1, k2);
	}
	assert_int_equal(audit_writer_resume(tmp("r2.log"), &o, &info, &w, &e),
	    KR_EAUTH);
	rm("r2.log");
	rm("r.log");
	/* A resume after the world without a cosigner is refused. */
	w = open_log("r.log", NULL, NULL, 0);
	assert_int_equal(audit_world_created(w, NULL, "w", NULL, 2, 3,
	    cards.card, NULL, &e), 0);
	audit_writer_free(w);
	o.cosign = NULL;
	assert_int_equal(audit_writer_resume(tmp("r.log"), &o, &info, &w, &e),
	    KR_EUSAGE);
	rm("r.log");
	tl_cards_free(&cards);
}

static void
test_resume_without_quorum_is_caught(void **state)
{
	struct audit_test_hooks hooks;
	struct audit_verify_result res;
	struct audit_writer *w;
	struct tl_cards cards;
	struct tl_thief thief;
	struct tl_log log;
	struct kr_err e;
	EVP_PKEY *k;
	json_t *root;
	char *buf;

	/* The thief holds the live key after a crash and writes a resume
	 * without the cards. */
	tl_cards_init(&cards, 2, 5);
	memset(&thief, 0, sizeof(thief));
	thief.want = 2;
	memset(&hooks, 0, sizeof(hooks));
	hooks.no_sync = 1;
	hooks.steal = tl_steal;
	hooks.steal_arg = &thief;
	w = open_log("rq.log", &hooks, NULL, 0);
	assert_int_equal(audit_world_created(w, NULL, "w", NULL, 1, 2,
	    cards.card, NULL, &e), 0);
	assert_int_equal(audit_note(w, NULL, "x", NULL, &e), 0);
	audit_writer_free(w);
	assert_int_equal(tl_log_load(&log, tmp("rq.log")), 0);
	root = json_loads("{\"e\":{\"data\":{\"removed_bytes\":0,"
	    "\"removed_sha256\":\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"},"
	    "\"next_pk\":\"\",\"origin\":\"" TL_ORIGIN "\",\"root\":\"\","
	    "\"seq\":2,\"size\":2,\"t\":\"2026-11-27T10:00:00Z\","
	    "\"type\":\"resume\",\"v\":1},\"sig\":\"\"}", 0, NULL);
	assert_non_null(root);
	buf = json_dumps(root, JSON_COMPACT);
	tl_log_insert(&log, 2, buf, strlen(buf));
	free(buf);
	json_decref(root);
	assert_int_equal(audit_key_from_raw(thief.sk, &k, NULL), 0);
	assert_int_equal(tl_rechain(&log, 2, k, NULL, NULL), 0);
	EVP_PKEY_free(k);
	assert_int_equal(tl_verify_log(&log, 1, &res), AUDIT_INVALID);
	assert_int_equal(res.line, 3);
	assert_int_equal(res.code, AUDIT_E_RESUME_AUTH);
	tl_log_free(&log);
	tl_cards_free(&cards);
	rm("rq.log");
}

static void
test_refusals(void **state)
{
	struct audit_writer_opts o;
	struct audit_writer *w, *w2;
	struct tl_cards cards;
	struct kr_err e;
	uint8_t h[32] = { 0 };

	tl_cards_init(&cards, 3, 6);
	memset(&o, 0, sizeof(o));
	o.origin = "bad origin";
	assert_int_equal(audit_writer_create(tmp("x.log"), &o, &w, &e),
	    KR_EUSAGE);
	w = open_log("x.log", NULL, NULL, 0);
	o.origin = TL_ORIGIN;
	assert_int_equal(audit_writer_create(tmp("x.log"), &o, &w2, &e),
	    KR_ECANTCREAT);	/* exists */
	assert_null(w2);
	assert_int_equal(audit_step_start(w, NULL, "x", NULL, NULL, &e),
	    KR_EUSAGE);	/* step required */
	assert_int_equal(audit_step_start(w, "a b", "x", NULL, NULL, &e),
	    KR_EUSAGE);	/* step is an id */
	assert_int_equal(audit_step_result(w, "s", "maybe", NULL, NULL, NULL,
	    &e), KR_EUSAGE);	/* not in the enum */
	assert_int_equal(audit_note(w, NULL, "\xff", NULL, &e), KR_EUSAGE);
	assert_int_equal(audit_note(w, NULL, "a\x1b[2J", NULL, &e), KR_EUSAGE);
	assert_int_equal(audit_note(w, NULL, "", NULL, &e), KR_EUSAGE);
	assert_int_equal(audit_signoff(w, "s", "witness", NULL, &e), KR_EUSAGE);
	assert_int_equal(audit_card_presented(w, NULL, 17, "accepted", NULL,
	    &e), KR_EUSAGE);
	assert_int_equal(audit_artifact_written(w, NULL, "f", h, 1, "a b",
	    NULL, &e), KR_EUSAGE);
	assert_int_equal(audit_world_created(w, NULL, "w", NULL, 4, 3,
	    cards.card, NULL, &e), KR_EUSAGE);
	assert_int_equal(audit_world_created(w, NULL, "w", NULL, 0, 3,
	    cards.card, NULL, &e), KR_EUSAGE);
	assert_int_equal(audit_world_created(w, NULL, "w", NULL, 2, 3,
	    cards.card, NULL, &e), 0);
	assert_int_equal(audit_world_created(w, NULL, "w", NULL, 2, 3,
	    cards.card, NULL, &e), KR_EUSAGE);	/* only once */
	assert_int_equal(audit_checkpoint(w, &e), KR_EUSAGE);	/* no cosigner */
	assert_int_equal(audit_note(w, NULL, "still fine", NULL, &e), 0);
	audit_writer_free(w);
	{
		struct audit_verify_result res;

		assert_int_equal(verify_path(tmp("x.log"), &res),
		    AUDIT_UNSEALED);
		assert_int_equal(res.entries, 3);
	}
	rm("x.log");
	tl_cards_free(&cards);
}

static void
test_quorum_3_of_5_every_subset(void **state)
{
	struct audit_test_hooks checked, unchecked;
	struct audit_verify_result res;
	struct audit_writer *w;
	struct tl_cards cards;
	struct tl_cosigner cs;
	struct kr_err e;
	unsigned mask, n, i;
	int r;

	tl_cards_init(&cards, 5, 8);
	memset(&checked, 0, sizeof(checked));
	checked.no_sync = 1;
	unchecked = checked;
	unchecked.unchecked_cosigs = 1;
	memset(&cs, 0, sizeof(cs));
	cs.cards = &cards;
	for (mask = 0; mask < 32; mask++) {
		cs.mask = mask << 1;
		for (n = 0, i = 0; i < 5; i++)
			n += (mask >> i) & 1;
		/* The writer refuses fewer than K. */
		w = open_log("q.log", &checked, &cs, 0);
		assert_int_equal(audit_world_created(w, NULL, "w", NULL, 3, 5,
		    cards.card, NULL, &e), 0);
		r = audit_checkpoint(w, &e);
		if (n >= 3)
			assert_int_equal(r, 0);
		else
			assert_int_equal(r, KR_EAUTH);
		audit_writer_free(w);
		if (n == 0)
			continue;
		/* The verifier says the same of a log that has them. */
		w = open_log("q.log", &unchecked, &cs, 0);
		assert_int_equal(audit_world_created(w, NULL, "w", NULL, 3, 5,
		    cards.card, NULL, &e), 0);
		assert_int_equal(audit_seal(w, NULL, &e), 0);
		audit_writer_free(w);
		verify_path(tmp("q.log"), &res);
		if (n >= 3) {
			assert_int_equal(res.status, AUDIT_UNANCHORED);
			assert_int_equal(res.seal.cosigned, n);
		} else {
			assert_int_equal(res.status, AUDIT_INVALID);
			assert_int_equal(res.code, AUDIT_E_QUORUM);
			assert_int_equal(res.line, 3);
		}
	}
	rm("q.log");
	tl_cards_free(&cards);
}

static void
cosig_case(struct tl_cosigner *cs, int code, int status)
{
	struct audit_test_hooks unchecked;
	struct audit_verify_result res;
	struct audit_writer *w;
	struct kr_err e;

	memset(&unchecked, 0, sizeof(unchecked));
	unchecked.no_sync = 1;
	unchecked.unchecked_cosigs = 1;
	w = open_log("c.log", &unchecked, cs, 0);
	assert_int_equal(audit_world_created(w, NULL, "w", NULL, 2, 3,
	    cs->cards->card, NULL, &e), 0);
	assert_int_equal(audit_note(w, NULL, "n", NULL, &e), 0);
	assert_int_equal(audit_seal(w, NULL, &e), 0);
	audit_writer_free(w);
	verify_path(tmp("c.log"), &res);
	assert_int_equal(res.status, status);
	if (status == AUDIT_INVALID) {
		assert_int_equal(res.code, code);
		assert_int_equal(res.line, 4);
	}
	rm("c.log");
}

static void
test_cosig_faults(void **state)
{
	struct tl_cards cards, stranger;
	struct tl_cosigner cs;

	tl_cards_init(&cards, 3, 11);
	tl_cards_init(&stranger, 2, 12);
	memset(&cs, 0, sizeof(cs));
	cs.cards = &cards;
	/* K-1 cosignatures */
	cs.mask = 1u << 2;
	cosig_case(&cs, AUDIT_E_QUORUM, AUDIT_INVALID);
	/* one card counted twice to make K */
	cs.twice = 1;
	cosig_case(&cs, AUDIT_E_COSIG, AUDIT_INVALID);
	cs.twice = 0;
	/* a card's key under another card's index */
	cs.mask = (1u << 1) | (1u << 3);
	cs.wrong_index = 1;
	cosig_case(&cs, AUDIT_E_COSIG, AUDIT_INVALID);
	cs.wrong_index = 0;
	/* an invalid signature from a known card, even with K others */
	cs.mask = 0xe;
	cs.corrupt = 1;
	cosig_case(&cs, AUDIT_E_COSIG, AUDIT_INVALID);
	cs.corrupt = 0;
	/* unknown keys are ignored: they neither help nor hurt */
	cs.mask = 1u << 1;
	cs.stranger = &stranger;
	cosig_case(&cs, AUDIT_E_QUORUM, AUDIT_INVALID);
	cs.mask = (1u << 1) | (1u << 2);
	cosig_case(&cs, 0, AUDIT_UNANCHORED);
	tl_cards_free(&cards);
	tl_cards_free(&stranger);
}

static void
test_rehearsal_flag(void **state)
{
	struct audit_test_hooks hooks;
	struct audit_verify_result res;
	struct tl_cards cards;
	struct tl_cosigner cs;
	struct tl_log log;
	size_t i;

	tl_cards_init(&cards, 3, 13);
	memset(&cs, 0, sizeof(cs));
	cs.cards = &cards;
	cs.mask = 0xe;
	memset(&hooks, 0, sizeof(hooks));
	hooks.no_sync = 1;
	assert_int_equal(tl_write_demo(tmp("h.log"), &hooks, &cs, 3, 1, 1), 0);
	assert_int_equal(tl_log_load(&log, tmp("h.log")), 0);
	for (i = 0; i < log.n; i++)
		assert_non_null(strstr(log.line[i], "\"rehearsal\":true"));
	assert_int_equal(tl_verify_log(&log, 1, &res), AUDIT_UNANCHORED);
	assert_true(res.rehearsal);
	tl_log_free(&log);
	tl_cards_free(&cards);
	rm("h.log");
}

/* Keeps every chain key the writer uses (the thief of the issue: a chain
 * key from before new-world). */
struct keyring {
	uint8_t	sk[64][32];
	int	have[64];
};

static void
keep_all(void *arg, uint64_t seq, const uint8_t sk[32])
{
	struct keyring *kr = arg;

	if (seq < 64) {
		memcpy(kr->sk[seq], sk, 32);
		kr->have[seq] = 1;
	}
}

static int
verify_with(const char *path, const struct audit_verify_opts *o,
    struct audit_verify_result *res)
{
	struct kr_err e;

	audit_verify_file(path, o, res, &e);
	return res->status;
}

/*
 * The forgery of issue 11: keep the genuine lines up to before
 * world-created, continue the chain with a stolen key, make a world with
 * the attacker's cards and seal it cosigned by them.  The forged log is
 * consistent in itself, and --expect-genesis matches; only the cards (or
 * the seal) from the minutes catch it, and without them the verifier does
 * not say PASS.
 */
static void
test_forged_tail_with_attacker_cards(void **state)
{
	struct tl_cards mine, theirs;
	struct tl_cosigner cs = { 0 }, cs2 = { 0 };
	struct audit_test_hooks hooks = { 0 };
	struct audit_writer_opts o;
	struct audit_writer *w = NULL;
	struct audit_verify_opts vo;
	struct audit_verify_result res;
	struct audit_keyslot slot;
	struct keyring *ring;
	struct tl_log log;
	struct kr_err e;
	char keypath[300], *text;
	size_t wc, i, len;
	FILE *f;
	unsigned j;

	(void)state;
	ring = calloc(1, sizeof(*ring));
	assert_non_null(ring);
	tl_cards_init(&mine, 3, 1);
	tl_cards_init(&theirs, 3, 77);
	cs.cards = &mine;
	cs.mask = (1u << 1) | (1u << 3);
	hooks.steal = keep_all;
	hooks.steal_arg = ring;
	rm("genuine.log");
	assert_int_equal(tl_write_demo(tmp("genuine.log"), &hooks, &cs, 2, 1,
	    0), 0);
	assert_int_equal(tl_log_load(&log, tmp("genuine.log")), 0);
	for (wc = 0; wc < log.n; wc++)
		if (strstr(log.line[wc], "\"world-created\"") != NULL)
			break;
	assert_true(wc > 0 && wc < log.n && ring->have[wc]);

	/* The attacker's log: the genuine lines before the world... */
	rm("forged.log");
	assert_non_null(f = fopen(tmp("forged.log"), "w"));
	for (i = 0; i < wc; i++)
		fprintf(f, "%.*s\n", (int)log.len[i], log.line[i]);
	assert_int_equal(fclose(f), 0);
	/* ...the stolen key that signs line wc... */
	snprintf(keypath, sizeof(keypath), "%s.key", tmp("forged.log"));
	slot.seq = wc;
	assert_int_equal(audit_key_from_raw(ring->sk[wc], &slot.key, &e), 0);
	assert_int_equal(audit_keyfile_write(keypath, TL_ORIGIN, &slot, 1,
	    &e), 0);
	EVP_PKEY_free(slot.key);
	/* ...and a tail of their own, cosigned by their cards. */
	memset(&o, 0, sizeof(o));
	assert_int_equal(audit_writer_resume(tmp("forged.log"), &o, NULL, &w,
	    &e), 0);
	assert_int_equal(audit_world_created(w, "new-world", "0badc0de",
	    NULL, 2, 3, theirs.card, "operator", &e), 0);
	cs2.cards = &theirs;
	cs2.mask = (1u << 1) | (1u << 2);
	audit_writer_set_cosigner(w, tl_cosign, &cs2);
	assert_int_equal(audit_checkpoint(w, &e), 0);
	assert_int_equal(audit_seal(w, NULL, &e), 0);
	audit_writer_free(w);

	/* Without anchors: valid, sealed, cosigned, and still no PASS. */
	memset(&vo, 0, sizeof(vo));
	assert_int_equal(verify_with(tmp("forged.log"), &vo, &res),
	    AUDIT_UNANCHORED);
	assert_non_null(text = audit_verify_report(&res, 0));
	assert_null(strstr(text, "PASS"));
	assert_non_null(strstr(text, "card keys are unanchored"));
	free(text);
	/* The genuine genesis from the minutes matches, and is not enough. */
	vo.have_genesis = 1;
	audit_leaf_hash(log.line[0], log.len[0], vo.expect_genesis);
	assert_int_equal(verify_with(tmp("forged.log"), &vo, &res),
	    AUDIT_UNANCHORED);
	/* The cards from the minutes: E_ANCHOR at world-created. */
	vo.ncards = mine.n;
	for (j = 0; j < mine.n; j++)
		audit_card_fingerprint(mine.card[j].pk, vo.expect_cards[j]);
	assert_int_equal(verify_with(tmp("forged.log"), &vo, &res),
	    AUDIT_INVALID);
	assert_int_equal(res.code, AUDIT_E_ANCHOR);
	assert_int_equal(res.line, wc + 2);	/* after the resume entry */
	/* The genuine seal from the minutes: E_ANCHOR at the seal. */
	memset(&vo, 0, sizeof(vo));
	vo.have_seal = 1;
	audit_leaf_hash(log.line[log.n - 1], log.len[log.n - 1],
	    vo.expect_seal);
	assert_int_equal(verify_with(tmp("forged.log"), &vo, &res),
	    AUDIT_INVALID);
	assert_int_equal(res.code, AUDIT_E_ANCHOR);
	/* The genuine log passes with the same minutes. */
	vo.ncards = mine.n;
	for (j = 0; j < mine.n; j++)
		audit_card_fingerprint(mine.card[j].pk, vo.expect_cards[j]);
	assert_int_equal(verify_with(tmp("genuine.log"), &vo, &res),
	    AUDIT_SEALED);
	assert_true(res.anchored_cards && res.anchored_seal);
	vo.have_seal = 0;
	assert_int_equal(verify_with(tmp("genuine.log"), &vo, &res),
	    AUDIT_SEALED);
	assert_non_null(text = audit_verify_report(&res, 0));
	assert_non_null(strstr(text, "PASS sealed"));
	free(text);
	(void)len;
	tl_log_free(&log);
	tl_cards_free(&mine);
	tl_cards_free(&theirs);
	OPENSSL_cleanse(ring, sizeof(*ring));
	free(ring);
	rm("genuine.log");
	rm("forged.log");
}

/* A log whose ceremony made no cards: its seal has no quorum, and only
 * --expect-seal anchors it. */
static void
test_seal_without_quorum(void **state)
{
	struct audit_writer *w;
	struct audit_verify_opts vo;
	struct audit_verify_result res;
	struct audit_fingerprints fp;
	struct kr_err e;
	char *text;

	(void)state;
	w = open_log("nq.log", NULL, NULL, 0);
	assert_int_equal(audit_note(w, NULL, "no cards here", "operator", &e),
	    0);
	assert_int_equal(audit_seal(w, &fp, &e), 0);
	audit_writer_free(w);
	memset(&vo, 0, sizeof(vo));
	assert_int_equal(verify_with(tmp("nq.log"), &vo, &res),
	    AUDIT_UNANCHORED);
	assert_false(res.seal.quorum);
	assert_non_null(text = audit_verify_report(&res, 0));
	assert_non_null(strstr(text, "seal without quorum"));
	assert_null(strstr(text, "cosigned"));
	free(text);
	/* cards from minutes cannot match a log without cards */
	vo.ncards = 1;
	assert_int_equal(verify_with(tmp("nq.log"), &vo, &res),
	    AUDIT_INVALID);
	assert_int_equal(res.code, AUDIT_E_ANCHOR);
	memset(&vo, 0, sizeof(vo));
	vo.have_seal = 1;
	memcpy(vo.expect_seal, fp.last, 32);
	assert_int_equal(verify_with(tmp("nq.log"), &vo, &res), AUDIT_SEALED);
	rm("nq.log");
}

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "%s/kr-writer.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	return rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_security),
		cmocka_unit_test(test_no_key_after_seal),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_resume_without_quorum_is_caught),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_quorum_3_of_5_every_subset),
		cmocka_unit_test(test_cosig_faults),
		cmocka_unit_test(test_rehearsal_flag),
		cmocka_unit_test(test_forged_tail_with_attacker_cards),
		cmocka_unit_test(test_seal_without_quorum),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
