/* SPDX-License-Identifier: ISC */
/*
 * test-runner.c: the runner driven through runner.h only, with scripted
 * answers: small ceremonies written inline (failure decisions, exceptions,
 * retry, optional steps, requires, abort, resume) and both shipped
 * ceremonies rehearsed end to end in a sandbox made here (vault_init,
 * vault_kek_create, overrides for the pinned root and toolset hash), to a
 * sealed log that audit_verify_file accepts and a package the sandbox
 * vault imported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit-verify.h"
#include "ceremony.h"
#include "codec.h"
#include "diag.h"
#include "err.h"
#include "fsutil.h"
#include "runner.h"
#include "secmem.h"
#include "vault.h"

#include "lib/runner-testlib.h"

/* ---- the shipped ceremonies, rehearsed end to end ---- */

static void
t_azure(void **state)
{
	static const char *const skip[] = { "generate-ec", "import-az-ec",
	    NULL };
	struct sandbox sb;
	struct script sc;
	struct runner_opts o;
	struct runner *r = NULL;
	struct ceremony *c;
	struct kr_err e;
	uint8_t sha[32];
	char path[PATH_MAX + 64];
	const char *params[] = { "kek_id", NULL, "kek_sha256", NULL,
	    "card_holders", "Ann, Bob, Cy", "kek_bag", "TEB-1",
	    "kek_bag_read", "TEB-1", "backup_bag", "TEB-2", NULL };

	(void)state;
	sandbox_make(&sb, 0);
	params[1] = sb.kid;
	params[3] = sb.kek_sha;
	c = load_shipped("azure-byok.yaml", sha);
	memset(&sc, 0, sizeof(sc));
	sc.params = params;
	sc.skip = skip;
	sc.wrong_pin_once = 1;
	opts_init(&o, c, &sb, &sc);
	memcpy(o.ceremony_sha256, sha, 32);
	kr_err_clear(&e);
	assert_int_equal(runner_open(&o, &r, &e), 0);
	assert_int_equal(drive(r, &sc), RUNNER_DONE);
	runner_close(r);
	assert_int_equal(verify_log(sb.log), 0);
	assert_int_equal(sc.seen.verified, 1);
	assert_true(sc.seen.wrong_pin >= 1);
	assert_true(sc.seen.checkpoints >= 3);
	out_file(&sb, "ContosoFirstHSMkey.byok", path, sizeof(path));
	assert_true(kr_path_exists(path));
	out_file(&sb, "ContosoFirstHSMkey.pub.pem", path, sizeof(path));
	assert_true(kr_path_exists(path));
	out_file(&sb, "summary.txt", path, sizeof(path));
	assert_true(file_has(path, "az keyvault key import"));
	assert_true(file_has(path, "genesis"));
	out_file(&sb, "transcript.txt", path, sizeof(path));
	assert_true(kr_path_exists(path));
	assert_true(file_has(sb.log, "\"rehearsal\":true"));
	assert_true(file_has(sb.log, "Wendy Witness"));
	assert_true(file_has(sb.log, "checked against the minutes"));
	ceremony_free(c);
	sandbox_free(&sb);
}

static void
t_legacy(void **state)
{
	static const char *const params[] = {
	    "subscription_id", "0b1f6472-1b2d-4c4e-9e3b-6f1a2c3d4e5f",
	    "card_holders", "Ann, Bob, Cy", "toolset_bag", "TEB-1",
	    "toolset_bag_read", "TEB-1", "backup_bag", "TEB-2", NULL };
	static const char *const skip[] = { "inspect-acl", NULL };
	struct sandbox sb;
	struct script sc;
	struct runner_opts o;
	struct runner *r = NULL;
	struct ceremony *c;
	struct kr_err e;
	uint8_t sha[32];
	char path[PATH_MAX + 64];

	(void)state;
	sandbox_make(&sb, 1);
	c = load_shipped("ncipher-byok-legacy.yaml", sha);
	memset(&sc, 0, sizeof(sc));
	sc.params = params;
	sc.skip = skip;
	opts_init(&o, c, &sb, &sc);
	memcpy(o.ceremony_sha256, sha, 32);
	kr_err_clear(&e);
	assert_int_equal(runner_open(&o, &r, &e), 0);
	assert_int_equal(drive(r, &sc), RUNNER_DONE);
	runner_close(r);
	assert_int_equal(verify_log(sb.log), 0);
	assert_int_equal(sc.seen.verified, 1);
	assert_true(sc.seen.success >= 1);
	out_file(&sb, "KeyTransferPackage-ContosoFirstHSMkey.byok", path,
	    sizeof(path));
	assert_true(kr_path_exists(path));
	out_file(&sb, "backup/world", path, sizeof(path));
	assert_true(kr_path_exists(path));
	out_file(&sb, "summary.txt", path, sizeof(path));
	assert_true(file_has(path, "Add-AzKeyVaultKey"));
	ceremony_free(c);
	sandbox_free(&sb);
}

/* ---- decisions, exceptions, optional steps, requires ---- */

static const char mini[] =
    "keyrite: 1\n"
    "id: mini\n"
    "title: 'A small ceremony'\n"
    "parameters:\n"
    "  h: {type: string, pattern: '^[0-9a-fA-F ]+$', prompt: 'the hash'}\n"
    "steps:\n"
    "  - id: intro\n"
    "    title: 'Intro'\n"
    "    instructions: 'Do it.'\n"
    "    with: {confirm: 'I AGREE', checklist: ['one', 'two']}\n"
    "  - id: check\n"
    "    title: 'Check the file'\n"
    "    action: verify-file-hash\n"
    "    with: {file: 'f.txt', sha256: '${h}', name: 'the file'}\n"
    "  - id: after\n"
    "    title: 'After'\n"
    "    instructions: 'Do it.'\n"
    "    requires: [check]\n"
    "    signoff: [witness]\n"
    "    checkpoint: true\n"
    "  - id: opt\n"
    "    title: 'Optional'\n"
    "    action: show-command\n"
    "    optional: true\n"
    "    with: {command: 'echo ${h}'}\n"
    "  - id: needs-opt\n"
    "    title: 'Needs the optional step'\n"
    "    instructions: 'Do it.'\n"
    "    requires: [opt]\n"
    "  - id: seal-log\n"
    "    title: 'Seal'\n"
    "    action: seal-log\n";

static void
mini_setup(struct sandbox *sb, const char *content)
{
	char path[PATH_MAX + 64];
	struct kr_err e;

	sandbox_make(sb, 0);
	snprintf(path, sizeof(path), "%s/f.txt", sb->media);
	assert_int_equal(kr_write_atomic(path, content, strlen(content), 0600,
	    &e), 0);
}

static void
t_exception_retry(void **state)
{
	/* sha256("hello\n") */
	static const char *const params[] = { "h", "5891B5B5 22D5DF08 "
	    "6D0FF0B1 10FBD9D2 1BB4FC71 63AF34D0 8286A2E8 46F6BE03", NULL };
	static const char *const skip[] = { "opt", NULL };
	static const int dec[] = { RUNNER_RETRY, RUNNER_EXCEPTION,
	    RUNNER_EXCEPTION, 0 };
	struct sandbox sb;
	struct script sc;
	struct runner_opts o;
	struct runner *r = NULL;
	struct ceremony *c = load_text("mini.yaml", mini);
	struct kr_err e;

	(void)state;
	mini_setup(&sb, "tampered\n");
	memset(&sc, 0, sizeof(sc));
	sc.params = params;
	sc.skip = skip;
	sc.decisions = dec;
	opts_init(&o, c, &sb, &sc);
	o.vault_dir = NULL;
	kr_err_clear(&e);
	assert_int_equal(runner_open(&o, &r, &e), 0);
	assert_int_equal(drive(r, &sc), RUNNER_DONE);
	runner_close(r);
	/* check failed twice (retry), exception; needs-opt blocked, exception */
	assert_int_equal(sc.seen.decisions, 3);
	assert_int_equal(verify_log(sb.log), 0);
	assert_true(file_has(sb.log, "\"exception\""));
	assert_true(file_has(sb.log, "\"skipped\""));
	assert_true(file_has(sb.log, "recorded by the test"));
	ceremony_free(c);
	sandbox_free(&sb);
}

static void
t_good_hash(void **state)
{
	static const char *const params[] = { "h", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", NULL };
	struct sandbox sb;
	struct script sc;
	struct runner_opts o;
	struct runner *r = NULL;
	struct ceremony *c = load_text("mini.yaml", mini);
	struct kr_err e;

	(void)state;
	mini_setup(&sb, "hello\n");
	memset(&sc, 0, sizeof(sc));
	sc.params = params;
	opts_init(&o, c, &sb, &sc);
	kr_err_clear(&e);
	assert_int_equal(runner_open(&o, &r, &e), 0);
	assert_int_equal(drive(r, &sc), RUNNER_DONE);
	runner_close(r);
	assert_int_equal(sc.seen.decisions, 0);
	assert_int_equal(verify_log(sb.log), 0);
	assert_false(file_has(sb.log, "\"exception\""));
	ceremony_free(c);
	sandbox_free(&sb);
}

static void
t_abort(void **state)
{
	static const char *const params[] = { "h", "00", NULL };
	static const int dec[] = { RUNNER_ABORT, 0 };
	struct sandbox sb;
	struct script sc;
	struct runner_opts o;
	struct runner *r = NULL;
	struct ceremony *c = load_text("mini.yaml", mini);
	struct kr_err e;

	(void)state;
	mini_setup(&sb, "hello\n");
	memset(&sc, 0, sizeof(sc));
	sc.params = params;
	sc.decisions = dec;
	opts_init(&o, c, &sb, &sc);
	kr_err_clear(&e);
	assert_int_equal(runner_open(&o, &r, &e), 0);
	assert_int_equal(drive(r, &sc), RUNNER_FAILED);
	assert_non_null(strstr(sc.seen.last_fail, "the file (f.txt): SHA-256 "
	    "does not match"));
	runner_close(r);
	assert_int_equal(verify_log(sb.log), KR_EUNSEALED);
	assert_true(file_has(sb.log, "\"aborted\""));
	/* An aborted ceremony is final: the same run does not resume it. */
	r = NULL;
	kr_err_clear(&e);
	assert_int_equal(runner_open(&o, &r, &e), KR_EFAIL);
	assert_null(r);
	assert_non_null(strstr(e.msg, "the log ended aborted"));
	assert_false(file_has(sb.log, "\"resume\""));
	ceremony_free(c);
	sandbox_free(&sb);
}

/* A deliberate quit is recorded: the resume says the operator stopped the
 * run, not a crash. */
static void
t_stop(void **state)
{
	static const char *const params[] = { "h", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", NULL };
	struct sandbox sb;
	struct script sc;
	struct runner_opts o;
	struct runner_prompt p;
	struct runner *r = NULL;
	struct ceremony *c = load_text("mini.yaml", mini);
	struct kr_err e;
	char tr[PATH_MAX + 32];

	(void)state;
	mini_setup(&sb, "hello\n");
	memset(&sc, 0, sizeof(sc));
	sc.params = params;
	opts_init(&o, c, &sb, &sc);
	kr_err_clear(&e);
	assert_int_equal(runner_open(&o, &r, &e), 0);
	assert_int_equal(runner_next(r, &p, &e), 0);
	assert_true(p.need != RUNNER_DONE && p.need != RUNNER_FAILED);
	assert_int_equal(runner_stop(r, &e), 0);
	runner_close(r);
	assert_true(file_has(sb.log, "\"event\":\"stopped\""));
	assert_int_equal(verify_log(sb.log), KR_EUNSEALED);
	r = NULL;
	assert_int_equal(runner_open(&o, &r, &e), 0);
	assert_int_equal(drive(r, &sc), RUNNER_DONE);
	runner_close(r);
	assert_int_equal(verify_log(sb.log), 0);
	snprintf(tr, sizeof(tr), "%s/transcript.txt", sb.out);
	assert_true(file_has(tr, "resumed after the operator stopped the run"));
	assert_false(file_has(tr, "resumed after a crash"));
	ceremony_free(c);
	sandbox_free(&sb);
}

/* ---- resume ---- */

static void
t_resume_azure(void **state)
{
	static const char *const skip[] = { "generate-ec", "import-az-ec",
	    NULL };
	struct sandbox sb;
	struct script sc;
	struct runner_opts o;
	struct runner *r = NULL;
	struct ceremony *c;
	struct kr_err e;
	uint8_t sha[32];
	const char *params[] = { "kek_id", NULL, "kek_sha256", NULL,
	    "card_holders", "Ann, Bob, Cy", "kek_bag", "TEB-1",
	    "kek_bag_read", "TEB-1", "backup_bag", "TEB-2", NULL };
	const char *stops[] = { "record-kek", "new-world", "generate-rsa",
	    "package", NULL };
	int i, resumes = 0;

	(void)state;
	sandbox_make(&sb, 0);
	params[1] = sb.kid;
	params[3] = sb.kek_sha;
	c = load_shipped("azure-byok.yaml", sha);
	memset(&sc, 0, sizeof(sc));
	sc.params = params;
	sc.skip = skip;
	for (i = 0; ; i++) {
		sc.stop_at = stops[i];
		opts_init(&o, c, &sb, &sc);
		kr_err_clear(&e);
		assert_int_equal(runner_open(&o, &r, &e), 0);
		if (stops[i] == NULL) {
			assert_int_equal(drive(r, &sc), RUNNER_DONE);
			runner_close(r);
			break;
		}
		assert_int_not_equal(drive(r, &sc), RUNNER_DONE);
		runner_close(r);	/* a crash, as far as the log can tell */
		assert_int_equal(verify_log(sb.log), KR_EUNSEALED);
		resumes++;
	}
	assert_int_equal(sc.seen.resumed, resumes);
	assert_int_equal(verify_log(sb.log), 0);
	assert_true(file_has(sb.log, "\"resume\""));
	ceremony_free(c);
	sandbox_free(&sb);
}

static void
t_sealed_log_refused(void **state)
{
	static const char *const params[] = { "h", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", NULL };
	struct sandbox sb;
	struct script sc;
	struct runner_opts o;
	struct runner *r = NULL;
	struct ceremony *c = load_text("mini.yaml", mini);
	struct kr_err e;

	(void)state;
	mini_setup(&sb, "hello\n");
	memset(&sc, 0, sizeof(sc));
	sc.params = params;
	opts_init(&o, c, &sb, &sc);
	kr_err_clear(&e);
	assert_int_equal(runner_open(&o, &r, &e), 0);
	assert_int_equal(drive(r, &sc), RUNNER_DONE);
	runner_close(r);
	r = NULL;
	assert_int_equal(runner_open(&o, &r, &e), KR_EDATA);
	assert_null(r);
	assert_non_null(strstr(e.msg, "sealed"));
	ceremony_free(c);
	sandbox_free(&sb);
}

static void
t_bad_param(void **state)
{
	struct sandbox sb;
	struct script sc;
	struct runner_opts o;
	struct runner *r = NULL;
	struct runner_prompt p;
	struct runner_answer a;
	struct ceremony *c = load_text("mini.yaml", mini);
	struct kr_err e;

	(void)state;
	mini_setup(&sb, "hello\n");
	memset(&sc, 0, sizeof(sc));
	opts_init(&o, c, &sb, &sc);
	kr_err_clear(&e);
	assert_int_equal(runner_open(&o, &r, &e), 0);
	assert_int_equal(runner_set_param(r, "h", "not hex!", &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "'h'"));
	assert_int_equal(runner_set_param(r, "nope", "1", &e), KR_EDATA);
	/* intro has no parameter: ACK first, then CONFIRM */
	assert_int_equal(runner_next(r, &p, &e), 0);
	assert_int_equal(p.need, RUNNER_NEED_ACK);
	memset(&a, 0, sizeof(a));
	a.need = RUNNER_NEED_ACK;
	assert_int_equal(runner_answer(r, &a, &e), 0);
	assert_int_equal(runner_next(r, &p, &e), 0);
	assert_int_equal(p.need, RUNNER_NEED_CONFIRM);
	assert_string_equal(p.expect, "I AGREE");
	a.need = RUNNER_NEED_CONFIRM;
	a.value = "i agree";
	assert_int_equal(runner_answer(r, &a, &e), 0);
	assert_int_equal(runner_next(r, &p, &e), 0);
	assert_int_equal(p.need, RUNNER_NEED_CONFIRM);
	assert_non_null(p.message);
	a.value = "I AGREE";
	assert_int_equal(runner_answer(r, &a, &e), 0);
	/* now the step that uses ${h} asks for it, lazily */
	assert_int_equal(runner_next(r, &p, &e), 0);
	assert_true(p.need != RUNNER_DONE && p.need != RUNNER_FAILED);
	assert_string_equal(p.name, "h");
	assert_string_equal(p.step->id.s, "check");
	a.need = RUNNER_NEED_PARAM;
	a.value = "zz";
	assert_int_equal(runner_answer(r, &a, &e), 0);
	assert_int_equal(runner_next(r, &p, &e), 0);
	assert_true(p.need != RUNNER_DONE && p.need != RUNNER_FAILED);
	assert_non_null(p.message);
	/* an answer to another prompt is refused */
	a.need = RUNNER_NEED_ACK;
	assert_int_equal(runner_answer(r, &a, &e), KR_EUSAGE);
	runner_close(r);
	ceremony_free(c);
	sandbox_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_bad_param),
		cmocka_unit_test(t_good_hash),
		cmocka_unit_test(t_exception_retry),
		cmocka_unit_test(t_abort),
		cmocka_unit_test(t_stop),
		cmocka_unit_test(t_sealed_log_refused),
		cmocka_unit_test(t_azure),
		cmocka_unit_test(t_legacy),
		cmocka_unit_test(t_resume_azure),
	};

	kr_secmem_init(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
