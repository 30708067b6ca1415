/* SPDX-License-Identifier: ISC */
/*
 * test-engine-world.c: modes, new-world, card files and the quorum: each
 * card checked as it is presented (wrong PIN, a flipped bit anywhere in a
 * card file, a card of another world, the same card twice), K-1 cards
 * never authorize, cosignatures verify, a tampered world is refused, the
 * state directory is locked, a failed new-world leaves nothing behind.
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

#include "engine-soft.h"
#include "lib/test-engine.h"

static void
read_all(const char *path, char **buf, size_t *len)
{
	assert_int_equal(kr_read_file(path, 1 << 20, buf, len, NULL), 0);
}

static void
path_in(const struct fixture *f, const char *rel, char *out, size_t sz)
{
	assert_int_equal(kr_path_join(out, sz, f->dir, rel), 0);
}

static void
test_new_world(void **state)
{
	struct fixture f;
	struct engine_world_info wi;
	struct engine_status st;
	struct kr_err e;
	struct stat sb;
	char path[PATH_MAX];
	int i;

	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 2, 3, &e), 0);
	assert_string_equal(f.world.suite, "DLf3072s256mRijndael");
	assert_string_equal(f.world.signing_alg, "DSA-3072-SHA256");
	assert_int_equal(f.world.k, 2);
	assert_int_equal(f.world.n, 3);
	assert_int_equal(strlen(f.world.world_id), 64);
	assert_string_equal(f.world.warning, "");
	for (i = 0; i < 3; i++) {
		assert_int_equal(f.world.cards[i].index, i + 1);
		assert_int_equal(strlen(f.world.cards[i].pub_hex), 64);
		assert_int_equal(f.ops->card_path(f.eng, i + 1, path, sizeof(path),
		    &e), 0);
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
	}
	path_in(&f, "local", path, sizeof(path));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	path_in(&f, "local/world", path, sizeof(path));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* reopen: the world loads and verifies */
	f.ops->close(f.eng);
	assert_int_equal(f.ops->open(f.dir, 0, &f.eng, &e), 0);
	assert_int_equal(f.ops->world_info(f.eng, &wi, &e), 0);
	assert_string_equal(wi.world_id, f.world.world_id);
	assert_memory_equal(wi.cards, f.world.cards, sizeof(wi.cards));
	assert_int_equal(f.ops->status(f.eng, &st, &e), 0);
	assert_int_equal(st.mode, ENGINE_MODE_OPERATIONAL);
	assert_true(st.has_world);
	assert_int_equal(st.nkeys, 0);
	f.ops->status_free(&st);
	fx_close(&f);
}

static void
test_legacy_suite(void **state)
{
	struct fixture f;
	struct kr_err e;

	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, "DLf1024s160mRijndael", 1, 1, &e), 0);
	assert_string_equal(f.world.signing_alg, "DSA-1024-SHA1");
	assert_non_null(strstr(f.world.warning, "legacy"));
	fx_close(&f);
	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, "DLf3072s256mAEScSP800131Ar1", 1, 2, &e), 0);
	assert_string_equal(f.world.signing_alg, "DSA-3072-SHA256");
	fx_close(&f);
}

static void
test_new_world_refused(void **state)
{
	struct fixture f;
	struct engine_world_req req;
	struct kr_err e;
	char path[PATH_MAX];
	int i;

	assert_int_equal(fx_open(&f, &e), 0);
	memset(&req, 0, sizeof(req));
	req.k = 2;
	req.n = 3;
	req.scrypt_log2n = TEST_LOG2N;
	for (i = 0; i < 3; i++)
		req.pins[i] = fx_engine_pin(&f, i);
	/* a fresh module is operational */
	assert_int_equal(f.ops->new_world(f.eng, &req, NULL, &e), KR_EMODE);
	assert_string_equal(e.msg, "module is in operational mode; new-world "
	    "needs initialization");
	assert_int_equal(f.ops->set_mode(f.eng, ENGINE_MODE_INIT, &e), 0);
	req.k = 4;
	assert_int_equal(f.ops->new_world(f.eng, &req, NULL, &e), KR_EUSAGE);
	req.k = 0;
	assert_int_equal(f.ops->new_world(f.eng, &req, NULL, &e), KR_EUSAGE);
	req.k = 2;
	req.n = 17;
	assert_int_equal(f.ops->new_world(f.eng, &req, NULL, &e), KR_EUSAGE);
	req.n = 3;
	req.suite = "DLf2048";
	assert_int_equal(f.ops->new_world(f.eng, &req, NULL, &e), KR_EUSAGE);
	assert_non_null(strstr(e.msg, "DLf2048"));
	req.suite = NULL;
	req.min_pin_len = 20;
	assert_int_equal(f.ops->new_world(f.eng, &req, NULL, &e), KR_EUSAGE);
	assert_string_equal(e.msg, "card 1: PIN too short (at least 20 characters)");
	req.min_pin_len = 0;
	req.pins[1].len = 3;
	assert_int_equal(f.ops->new_world(f.eng, &req, NULL, &e), KR_EUSAGE);
	assert_string_equal(e.msg, "card 2: PIN too short (at least 4 characters)");
	req.pins[1] = fx_engine_pin(&f, 1);
	req.scrypt_log2n = 30;
	assert_int_equal(f.ops->new_world(f.eng, &req, NULL, &e), KR_EUSAGE);
	req.scrypt_log2n = TEST_LOG2N;
	/* nothing was written */
	path_in(&f, "local/world", path, sizeof(path));
	assert_false(kr_path_exists(path));
	path_in(&f, "cards/card-1", path, sizeof(path));
	assert_false(kr_path_exists(path));

	/* a failure while writing leaves no partial world */
	path_in(&f, "cards/card-2.new", path, sizeof(path));
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_not_equal(f.ops->new_world(f.eng, &req, NULL, &e), 0);
	rmdir(path);
	path_in(&f, "local/world", path, sizeof(path));
	assert_false(kr_path_exists(path));
	path_in(&f, "cards/card-1", path, sizeof(path));
	assert_false(kr_path_exists(path));
	path_in(&f, "cards/card-1.new", path, sizeof(path));
	assert_false(kr_path_exists(path));
	path_in(&f, "module/world-key", path, sizeof(path));
	assert_false(kr_path_exists(path));

	/* a second world needs replace */
	assert_int_equal(f.ops->new_world(f.eng, &req, NULL, &e), 0);
	assert_int_equal(f.ops->new_world(f.eng, &req, NULL, &e), KR_EFAIL);
	assert_non_null(strstr(e.msg, "has a security world already"));
	req.replace = 1;
	assert_int_equal(f.ops->new_world(f.eng, &req, NULL, &e), 0);
	fx_close(&f);
}

static void
test_modes(void **state)
{
	struct fixture f;
	struct engine_key_req kr = { .type = "RSA", .size = 2048,
	    .protect = "module", .ident = "k1" };
	struct engine_acl_req ar;
	struct engine_pkg_req pr = { .kek_pkg = "a", .world_pkg = "b",
	    .pinned_root = "00", .region = "NA" };
	struct engine_pkg_result pres;
	struct engine_package_req pk;
	struct engine_package_result pkres;
	struct engine_world_req wr;
	struct engine_quorum *q = NULL;
	struct kr_err e;
	char sha[65];
	int m, mode;
	static const int modes[] = { ENGINE_MODE_INIT, ENGINE_MODE_MAINTENANCE };

	memset(&ar, 0, sizeof(ar));
	memset(&pk, 0, sizeof(pk));
	memset(&wr, 0, sizeof(wr));
	ar.ident = "k1";
	ar.pkg = pr;
	pk.format = ENGINE_PACKAGE_BYOK;
	pk.ident = "k1";
	pk.out_dir = "/nonexistent";
	pk.kek_pem = "/nonexistent";
	pk.kid = "kid";
	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 1, 2, &e), 0);
	assert_int_equal(f.ops->card_begin(f.eng, &q, &e), 0);
	assert_int_equal(fx_present(&f, q, 1, NULL, &e), 0);

	for (m = 0; m < 2; m++) {
		mode = modes[m];
		assert_int_equal(f.ops->set_mode(f.eng, mode, &e), 0);
		assert_int_equal(f.ops->generate_key(f.eng, &kr, NULL, &e), KR_EMODE);
		assert_non_null(strstr(e.msg, "generatekey needs operational"));
		assert_non_null(strstr(e.msg, engine_mode_name(mode)));
		assert_int_equal(f.ops->reduce_acl(f.eng, q, &ar, NULL, &e), KR_EMODE);
		assert_non_null(strstr(e.msg, "reduce-acl needs operational"));
		assert_int_equal(f.ops->verify_packages(f.eng, &pr, &pres, &e),
		    KR_EMODE);
		assert_non_null(strstr(e.msg, "verify-packages needs operational"));
		assert_int_equal(f.ops->package(f.eng, &pk, &pkres, &e), KR_EMODE);
		assert_non_null(strstr(e.msg, "package needs operational"));
		assert_int_equal(f.ops->export_public(f.eng, "k1", "/nonexistent",
		    sha, &e), KR_EMODE);
		assert_non_null(strstr(e.msg, "export-public needs operational"));
	}
	/* maintenance and operational refuse new-world */
	assert_int_equal(f.ops->new_world(f.eng, &wr, NULL, &e), KR_EMODE);
	assert_string_equal(e.msg, "module is in maintenance mode; new-world "
	    "needs initialization");
	assert_int_equal(f.ops->set_mode(f.eng, ENGINE_MODE_OPERATIONAL, &e), 0);
	assert_int_equal(f.ops->new_world(f.eng, &wr, NULL, &e), KR_EMODE);
	assert_int_equal(engine_needed_mode(ENGINE_OP_NEW_WORLD), ENGINE_MODE_INIT);
	assert_int_equal(engine_needed_mode(ENGINE_OP_PACKAGE),
	    ENGINE_MODE_OPERATIONAL);
	/* the mode survives a reopen */
	assert_int_equal(f.ops->set_mode(f.eng, ENGINE_MODE_MAINTENANCE, &e), 0);
	f.ops->card_end(q);
	f.ops->close(f.eng);
	assert_int_equal(f.ops->open(f.dir, 0, &f.eng, &e), 0);
	assert_int_equal(f.ops->generate_key(f.eng, &kr, NULL, &e), KR_EMODE);
	assert_int_equal(engine_mode_parse("init", &mode), 0);
	assert_int_equal(mode, 'I');
	assert_int_equal(engine_mode_parse("x", &mode), KR_EUSAGE);
	fx_close(&f);
}

static void
test_wrong_pin(void **state)
{
	struct fixture f;
	struct engine_quorum *q = NULL;
	struct kr_err e;
	int presented, needed;

	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 2, 3, &e), 0);
	assert_int_equal(f.ops->card_begin(f.eng, &q, &e), 0);
	assert_int_equal(fx_present(&f, q, 2, "pin-of-card-1", &e), KR_EAUTH);
	assert_string_equal(e.msg, "card 2: wrong PIN");
	assert_int_equal(f.ops->card_state(q, &presented, &needed), 0);
	assert_int_equal(presented, 0);
	assert_int_equal(needed, 2);
	assert_int_equal(fx_present(&f, q, 2, NULL, &e), 0);
	assert_int_equal(fx_present(&f, q, 3, "", &e), KR_EAUTH);
	assert_string_equal(e.msg, "card 3: wrong PIN");
	assert_int_equal(fx_present(&f, q, 3, NULL, &e), 0);
	assert_int_equal(f.ops->card_state(q, &presented, &needed), 1);
	assert_int_equal(presented, 2);
	f.ops->card_end(q);
	fx_close(&f);
}

static void
test_flipped_bits(void **state)
{
	struct fixture f;
	struct engine_quorum *q = NULL;
	struct kr_err e;
	char path[PATH_MAX], bad[PATH_MAX], *buf = NULL;
	struct engine_pin pin;
	size_t len, i;
	int r, nedata = 0, neauth = 0;

	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 2, 3, &e), 0);
	assert_int_equal(f.ops->card_path(f.eng, 1, path, sizeof(path), &e), 0);
	read_all(path, &buf, &len);
	path_in(&f, "damaged-card", bad, sizeof(bad));
	pin = fx_engine_pin(&f, 0);
	assert_int_equal(f.ops->card_begin(f.eng, &q, &e), 0);
	for (i = 0; i < len; i++) {
		buf[i] ^= (char)(1 << (i % 8));
		assert_int_equal(kr_write_atomic(bad, buf, len, 0600, NULL), 0);
		buf[i] ^= (char)(1 << (i % 8));
		r = f.ops->card_present(q, bad, &pin, NULL, &e);
		if (r == 0)
			fail_msg("flipping bit %zu of byte %zu went unnoticed",
			    i % 8, i);
		assert_true(r == KR_EDATA || r == KR_EAUTH);
		if (r == KR_EDATA)
			nedata++;
		else
			neauth++;
	}
	print_message("# %zu flipped bits: %d damaged, %d refused otherwise\n",
	    len, nedata, neauth);
	/* the undamaged card still works in the same session */
	assert_int_equal(kr_write_atomic(bad, buf, len, 0600, NULL), 0);
	assert_int_equal(f.ops->card_present(q, bad, &pin, NULL, &e), 0);
	/* truncated, empty, huge */
	assert_int_equal(kr_write_atomic(bad, buf, len / 2, 0600, NULL), 0);
	assert_int_equal(fx_present(&f, q, 2, NULL, &e), 0);
	f.ops->card_end(q);
	assert_int_equal(f.ops->card_begin(f.eng, &q, &e), 0);
	assert_int_equal(f.ops->card_present(q, bad, &pin, NULL, &e), KR_EDATA);
	assert_int_equal(kr_write_atomic(bad, "", 0, 0600, NULL), 0);
	assert_int_equal(f.ops->card_present(q, bad, &pin, NULL, &e), KR_EDATA);
	unlink(bad);
	assert_int_equal(f.ops->card_present(q, bad, &pin, NULL, &e), KR_ENOINPUT);
	f.ops->card_end(q);
	free(buf);
	fx_close(&f);
}

static void
test_other_world(void **state)
{
	struct fixture a, b;
	struct engine_quorum *q = NULL;
	struct engine_pin pin;
	struct kr_err e;
	char path[PATH_MAX];

	assert_int_equal(fx_open(&a, &e), 0);
	assert_int_equal(fx_world(&a, NULL, 2, 3, &e), 0);
	assert_int_equal(fx_open(&b, &e), 0);
	assert_int_equal(fx_world(&b, NULL, 2, 3, &e), 0);
	assert_int_equal(b.ops->card_path(b.eng, 1, path, sizeof(path), &e), 0);
	pin = fx_engine_pin(&b, 0);
	assert_int_equal(a.ops->card_begin(a.eng, &q, &e), 0);
	assert_int_equal(a.ops->card_present(q, path, &pin, NULL, &e), KR_EAUTH);
	assert_non_null(strstr(e.msg, "card 1: belongs to another world"));
	a.ops->card_end(q);
	fx_close(&b);
	fx_close(&a);
}

static void
test_same_card_twice(void **state)
{
	struct fixture f;
	struct engine_quorum *q = NULL;
	struct engine_pin pin;
	struct kr_err e;
	char path[PATH_MAX], copy[PATH_MAX], *buf = NULL;
	size_t len;

	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 3, 5, &e), 0);
	assert_int_equal(f.ops->card_begin(f.eng, &q, &e), 0);
	assert_int_equal(fx_present(&f, q, 4, NULL, &e), 0);
	assert_int_equal(fx_present(&f, q, 4, NULL, &e), KR_EAUTH);
	assert_string_equal(e.msg, "card 4: presented already");
	/* a copy of the same card under another name is the same card */
	assert_int_equal(f.ops->card_path(f.eng, 4, path, sizeof(path), &e), 0);
	read_all(path, &buf, &len);
	path_in(&f, "copy-of-card-4", copy, sizeof(copy));
	assert_int_equal(kr_write_atomic(copy, buf, len, 0600, NULL), 0);
	pin = fx_engine_pin(&f, 3);
	assert_int_equal(f.ops->card_present(q, copy, &pin, NULL, &e), KR_EAUTH);
	assert_string_equal(e.msg, "card 4: presented already");
	free(buf);
	f.ops->card_end(q);
	fx_close(&f);
}

static void
test_k_minus_1(void **state)
{
	struct fixture f;
	struct engine_quorum *q = NULL;
	struct engine_cosig sigs[ENGINE_MAX_CARDS];
	struct engine_acl_req ar;
	struct kr_err e;
	size_t n = 0;
	int presented, needed, k, order[] = { 5, 2, 4, 1, 3 }, i;

	for (k = 1; k <= 5; k++) {
		assert_int_equal(fx_open(&f, &e), 0);
		assert_int_equal(fx_world(&f, NULL, k, 5, &e), 0);
		memset(&ar, 0, sizeof(ar));
		ar.ident = "x";
		assert_int_equal(f.ops->card_begin(f.eng, &q, &e), 0);
		for (i = 0; i < k - 1; i++)
			assert_int_equal(fx_present(&f, q, order[i], NULL, &e), 0);
		assert_int_equal(f.ops->card_state(q, &presented, &needed), 0);
		assert_int_equal(presented, k - 1);
		assert_int_equal(needed, k);
		assert_int_equal(f.ops->cosign(q, (const uint8_t *)"m", 1, sigs,
		    ENGINE_MAX_CARDS, &n, &e), KR_EAUTH);
		assert_int_equal(f.ops->reduce_acl(f.eng, q, &ar, NULL, &e),
		    KR_EAUTH);
		assert_non_null(strstr(e.msg, "quorum not met"));
		assert_int_equal(fx_present(&f, q, order[k - 1], NULL, &e), 0);
		assert_int_equal(f.ops->card_state(q, NULL, NULL), 1);
		f.ops->card_end(q);
		fx_close(&f);
	}
	/* no session at all */
	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 2, 3, &e), 0);
	assert_int_equal(f.ops->reduce_acl(f.eng, NULL, &ar, NULL, &e), KR_EAUTH);
	fx_close(&f);
}

static void
test_cosign(void **state)
{
	static const char msg[] = "checkpoint 3: root 1234";
	struct fixture f;
	struct engine_quorum *q = NULL;
	struct engine_cosig sigs[ENGINE_MAX_CARDS];
	struct kr_err e;
	size_t n = 0, i;

	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 2, 3, &e), 0);
	assert_int_equal(f.ops->card_begin(f.eng, &q, &e), 0);
	assert_int_equal(fx_present(&f, q, 3, NULL, &e), 0);
	assert_int_equal(fx_present(&f, q, 1, NULL, &e), 0);
	assert_int_equal(f.ops->cosign(q, (const uint8_t *)msg, sizeof(msg), sigs,
	    1, &n, &e), KR_EUSAGE);
	assert_int_equal(f.ops->cosign(q, (const uint8_t *)msg, sizeof(msg), sigs,
	    ENGINE_MAX_CARDS, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(sigs[0].index, 3);
	assert_int_equal(sigs[1].index, 1);
	for (i = 0; i < n; i++) {
		assert_memory_equal(sigs[i].pub,
		    f.world.cards[sigs[i].index - 1].pub, 32);
		assert_int_equal(engine_cosig_verify(&sigs[i],
		    (const uint8_t *)msg, sizeof(msg)), 0);
		assert_int_not_equal(engine_cosig_verify(&sigs[i],
		    (const uint8_t *)msg, sizeof(msg) - 1), 0);
	}
	/* a third card joins and signs too */
	assert_int_equal(fx_present(&f, q, 2, NULL, &e), 0);
	assert_int_equal(f.ops->cosign(q, (const uint8_t *)msg, sizeof(msg), sigs,
	    ENGINE_MAX_CARDS, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(fx_present(&f, q, 2, NULL, &e), KR_EUSAGE);
	f.ops->card_end(q);
	fx_close(&f);
}

static void
test_world_tamper(void **state)
{
	struct fixture f;
	struct engine *eng2 = NULL;
	struct kr_err e;
	char path[PATH_MAX], *buf = NULL, *out = NULL;
	size_t len, olen;
	json_t *obj;

	assert_int_equal(fx_open(&f, &e), 0);
	assert_int_equal(fx_world(&f, NULL, 2, 3, &e), 0);
	/* the lock: a second open fails while the first holds it */
	assert_int_equal(f.ops->open(f.dir, 0, &eng2, &e), KR_ELOCKED);
	f.ops->close(f.eng);
	f.eng = NULL;

	path_in(&f, "local/world", path, sizeof(path));
	read_all(path, &buf, &len);
	/* a flipped bit: damaged */
	buf[len / 2] ^= 4;
	assert_int_equal(kr_write_atomic(path, buf, len, 0600, NULL), 0);
	assert_int_equal(f.ops->open(f.dir, 0, &f.eng, &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "local/world: "));
	buf[len / 2] ^= 4;
	/* a consistent edit (K lowered, sum recomputed): the MAC catches it */
	assert_int_equal(soft_json_load("w", buf, len, SOFT_WORLD_MAX,
	    "keyrite-world-1", &obj, &e), 0);
	json_object_set_new(obj, "k", json_integer(1));
	assert_int_equal(soft_json_dump(obj, &out, &olen, &e), 0);
	json_decref(obj);
	assert_int_equal(kr_write_atomic(path, out, olen, 0600, NULL), 0);
	assert_int_equal(f.ops->open(f.dir, 0, &f.eng, &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "does not verify under the module's world key"));
	/* the original opens again */
	assert_int_equal(kr_write_atomic(path, buf, len, 0600, NULL), 0);
	assert_int_equal(f.ops->open(f.dir, 0, &f.eng, &e), 0);
	free(out);
	free(buf);
	fx_close(&f);

	/* a missing state directory */
	assert_int_equal(engine_soft()->open("/nonexistent/keyrite", 0, &eng2, &e),
	    KR_ENOINPUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_world),
		cmocka_unit_test(test_legacy_suite),
		cmocka_unit_test(test_new_world_refused),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_wrong_pin),
		cmocka_unit_test(test_flipped_bits),
		cmocka_unit_test(test_other_world),
		cmocka_unit_test(test_same_card_twice),
		cmocka_unit_test(test_k_minus_1),
		cmocka_unit_test(test_cosign),
		cmocka_unit_test(test_world_tamper),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
