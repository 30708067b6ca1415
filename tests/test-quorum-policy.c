/* SPDX-License-Identifier: ISC */
/*
 * test-quorum-policy.c: the card policy the runner enforces for every
 * front end (batch and wizard alike), driven through runner.h:
 *   - wrong PINs: 3 per card per step; the prompt says how many tries the
 *     card has left, the message counts down; the third wrong PIN fails the
 *     step (logged as a failure with the reason "card 2: 3 wrong PINs in
 *     step 'seal-log'", the DECISION prompt says so); on retry the card is
 *     still not taken (the count stays with the step), it is no longer the
 *     default card, the other cards seal the log and it verifies; with an
 *     abort instead, the ceremony ends aborted and the log verifies; a
 *     stop and a resume give no card more tries (the count is rebuilt
 *     from the log);
 *   - a live run asks PINs of at least 8 characters (the NEW_PIN prompt
 *     says so before one is typed) and refuses a shorter one;
 *   - a quorum of K = 1 is refused live, warned in a rehearsal; the
 *     operator signing off as witness is refused live and warned in a
 *     rehearsal;
 *   - the DLf1024 suite: refused live without an exception, made live once
 *     an exception is recorded with its reason (logged with code
 *     weak-suite, the world noted as made under it, in the transcript's
 *     exceptions, the log verifies), warned in a rehearsal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ceremony.h"
#include "err.h"
#include "fsutil.h"
#include "runner.h"
#include "secmem.h"

#include "lib/runner-testlib.h"

static const char base[] =
    "keyrite: 1\n"
    "id: policy\n"
    "title: Policy\n"
    "parameters:\n"
    "  quorum: {type: quorum, default: '2/3'}\n"
    "  suite: {type: choice, choices: [DLf3072s256mRijndael, "
    "DLf1024s160mRijndael], default: DLf3072s256mRijndael}\n"
    "steps:\n"
    "  - id: mode-init\n"
    "    title: Init\n"
    "    action: set-mode\n"
    "    with: {mode: I}\n"
    "  - id: new-world\n"
    "    title: World\n"
    "    action: new-world\n"
    "    with: {cipher_suite: '${suite}', quorum: '${quorum}'}\n"
    "  - id: sign\n"
    "    title: Sign\n"
    "    signoff: [witness]\n"
    "    instructions: Look.\n"
    "  - id: seal-log\n"
    "    title: Seal\n"
    "    action: seal-log\n";

struct pol {
	const char	*quorum, *suite, *witness;
	int		 wrong_card2;	/* wrong PINs for card 2 at the seal */
	int		 stop_after;	/* stop and resume after that many */
	int		 short_pin;	/* first NEW_PIN too short */
	/* seen */
	int		 pin_min, short_refused, tries_seen[4], locked;
	int		 def_after_lock, witness_refused, warnings;
	char		 fail[512];
	const char	*exception;	/* recorded at the first DECISION */
	int		 retries;	/* RETRY at the first DECISIONs */
	int		 decisions, zero_ev, log_pins_failed, log_starts, log_rc;
	int		 excepted, log_exception, log_note, log_ok;
	int		 transcript_exception, suite_warned;
	int		 resume_cards;	/* cards asked to resume */
};

static void
on_ev(void *arg, const struct runner_event *ev)
{
	struct pol *P = arg;

	if (ev->kind == RUNNER_EV_WARNING)
		P->warnings++;
	if (ev->kind == RUNNER_EV_CARD && ev->text != NULL &&
	    strstr(ev->text, "(0 tries left for card 2") != NULL)
		P->zero_ev++;
	if (ev->kind == RUNNER_EV_WARNING && ev->text != NULL &&
	    strstr(ev->text, "unless an exception is recorded") != NULL)
		P->suite_warned++;
}

/* How many times needle is in the file at path. */
static int
file_count(const char *path, const char *needle)
{
	char line[8192];
	FILE *f;
	int n = 0;

	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, needle) != NULL)
			n++;
	fclose(f);
	return n;
}

static void
card_path(const char *def, int n, char *out, size_t sz)
{
	char *p;

	snprintf(out, sz, "%s", def);
	assert_non_null(p = strrchr(out, '-'));
	snprintf(p + 1, sz - (size_t)(p + 1 - out), "%d", n);
}

static int
run_policy(struct pol *P, int rehearsal)
{
	struct sandbox sb;
	struct script sc;
	struct runner_opts o;
	struct runner_prompt p;
	struct runner_answer a;
	struct runner *r = NULL;
	struct ceremony *c;
	struct kr_err e;
	char pin[64], path[PATH_MAX];
	int i, need = 0, wrong = 0, cards = 0, stopped = 0;

	sandbox_make(&sb, 0);
	c = load_text("policy.yaml", base);
	memset(&sc, 0, sizeof(sc));
	opts_init(&o, c, &sb, &sc);
	o.rehearsal = rehearsal;
	o.on_event = on_ev;
	o.event_arg = P;
	kr_err_clear(&e);
	assert_int_equal(runner_open(&o, &r, &e), 0);
	for (i = 0; i < 200; i++) {
		assert_int_equal(runner_next(r, &p, &e), 0);
		need = p.need;
		if (need == RUNNER_DONE || need == RUNNER_FAILED)
			break;
		memset(&a, 0, sizeof(a));
		a.need = p.need;
		switch (p.need) {
		case RUNNER_NEED_PARAM:
			a.value = strcmp(p.name, "quorum") == 0 ? P->quorum :
			    P->suite;
			break;
		case RUNNER_NEED_ACK:
			a.value = "done";
			break;
		case RUNNER_NEED_CONFIRM:
			a.value = p.expect;
			break;
		case RUNNER_NEED_NEW_PIN:
			P->pin_min = p.pin_min;
			if (p.message != NULL && strstr(p.message, "at least"))
				P->short_refused++;
			if (P->short_pin && P->short_refused == 0)
				snprintf(pin, sizeof(pin), "1234");
			else
				snprintf(pin, sizeof(pin), "pin-of-card-%d",
				    p.card);
			a.pin = (const uint8_t *)pin;
			a.pin_len = strlen(pin);
			break;
		case RUNNER_NEED_CARD:
			if (p.message != NULL && strstr(p.message,
			    "not taken again") != NULL)
				P->locked++;
			if (p.message != NULL && strstr(p.message, "tries left")) {
				if (strstr(p.message, "(2 tries left"))
					P->tries_seen[2]++;
				if (strstr(p.message, "(0 tries left"))
					P->tries_seen[0]++;
			}
			if (p.message != NULL && strstr(p.message, "(1 try left"))
				P->tries_seen[1]++;
			if (p.step == NULL)	/* a resume's: the defaults */
				P->resume_cards++;
			if (p.step != NULL && wrong < P->wrong_card2 + 1 &&
			    P->wrong_card2 > 0) {
				/* card 2: wrong PINs, then its right one */
				card_path(p.def, 2, path, sizeof(path));
				a.value = path;
				snprintf(pin, sizeof(pin), wrong <
				    P->wrong_card2 ? "not-the-pin" :
				    "pin-of-card-2");
				wrong++;
			} else {
				if (P->wrong_card2 > 0 && cards == 0)
					P->def_after_lock = p.def_card * 10 +
					    p.tries_left;
				snprintf(pin, sizeof(pin), "pin-of-card-%d",
				    p.def_card);
				a.value = p.def;
				cards++;
			}
			a.pin = (const uint8_t *)pin;
			a.pin_len = strlen(pin);
			break;
		case RUNNER_NEED_SIGNOFF:
			if (p.message != NULL && strstr(p.message,
			    "is the operator") != NULL) {
				P->witness_refused++;
				a.value = "Wendy Witness";
			} else
				a.value = P->witness;
			break;
		case RUNNER_NEED_DECISION:
			snprintf(P->fail, sizeof(P->fail), "%s", p.message);
			a.decision = RUNNER_ABORT;
			if (P->decisions++ < P->retries)
				a.decision = RUNNER_RETRY;
			else if (P->exception != NULL && P->excepted++ == 0) {
				a.decision = RUNNER_EXCEPTION;
				a.value = P->exception;
			}
			break;
		default:
			fail_msg("unexpected prompt %d", p.need);
		}
		assert_int_equal(runner_answer(r, &a, &e), 0);
		if (P->stop_after > 0 && wrong == P->stop_after && !stopped) {
			/* quit, then the same run again: it resumes */
			stopped = 1;
			assert_int_equal(runner_stop(r, &e), 0);
			runner_close(r);
			r = NULL;
			assert_int_equal(runner_open(&o, &r, &e), 0);
		}
	}
	runner_close(r);
	P->log_exception = file_has(sb.log, "\"code\":\"weak-suite\"") &&
	    file_has(sb.log, "firmware of the receiving HSM");
	P->log_note = file_has(sb.log, "DLf1024s160mRijndael is used under "
	    "the exception recorded: firmware of the receiving HSM");
	P->log_rc = verify_log(sb.log);
	P->log_ok = P->log_rc == 0;
	P->log_pins_failed = file_has(sb.log, "\"result\":\"failed\"") &&
	    file_has(sb.log, "card 2: 3 wrong PINs in step 'seal-log'");
	P->log_starts = file_count(sb.log, "\"event\":\"step-start\"");
	out_file(&sb, "transcript.txt", path, sizeof(path));
	P->transcript_exception = file_has(path, "step new-world, Olivia "
	    "Operator: firmware of the") && file_has(path, "takes only "
	    "DLf1024 [weak-suite]");
	ceremony_free(c);
	sandbox_free(&sb);
	return need;
}

static const char pins_out[] = "card 2: 3 wrong PINs in step 'seal-log'; "
    "it is not taken again in this step";

/* The policy ceremony's usual answers, wrong PINs for card 2 at the seal. */
static void
pol_default(struct pol *P, int wrong_card2)
{
	memset(P, 0, sizeof(*P));
	P->quorum = "2/3";
	P->suite = "DLf3072s256mRijndael";
	P->witness = "Wendy Witness";
	P->wrong_card2 = wrong_card2;
}

static void
t_tries(void **state)
{
	struct pol P;
	int starts;

	(void)state;
	memset(&P, 0, sizeof(P));
	P.quorum = "2/3";
	P.suite = "DLf3072s256mRijndael";
	P.witness = "Wendy Witness";
	P.wrong_card2 = 3;
	P.retries = 1;
	assert_int_equal(run_policy(&P, 1), RUNNER_DONE);
	assert_int_equal(P.tries_seen[2], 1);
	assert_int_equal(P.tries_seen[1], 1);
	/* the third wrong PIN: no card prompt with 0 tries, the step fails */
	assert_int_equal(P.tries_seen[0], 0);
	assert_int_equal(P.zero_ev, 1);
	assert_int_equal(P.decisions, 1);
	assert_string_equal(P.fail, pins_out);
	assert_int_equal(P.log_pins_failed, 1);
	/* the retry: card 2 with its right PIN is still refused */
	assert_int_equal(P.locked, 1);
	/* the default card is card 1 with its 3 tries */
	assert_int_equal(P.def_after_lock, 13);
	assert_int_equal(P.log_ok, 1);
	starts = P.log_starts;

	/* abort at the decision: the ceremony ends, the log verifies */
	memset(&P, 0, sizeof(P));
	P.quorum = "2/3";
	P.suite = "DLf3072s256mRijndael";
	P.witness = "Wendy Witness";
	P.wrong_card2 = 3;
	assert_int_equal(run_policy(&P, 1), RUNNER_FAILED);
	assert_int_equal(P.decisions, 1);
	assert_string_equal(P.fail, pins_out);
	assert_int_equal(P.log_pins_failed, 1);
	assert_int_equal(P.locked, 0);
	/* an aborted log is valid and unsealed */
	assert_int_equal(P.log_rc, KR_EUNSEALED);
	/* the retry started seal-log once more */
	assert_int_equal(starts, P.log_starts + 1);

	/* two wrong PINs, then the right one: no failure */
	memset(&P, 0, sizeof(P));
	P.quorum = "2/3";
	P.suite = "DLf3072s256mRijndael";
	P.witness = "Wendy Witness";
	P.wrong_card2 = 2;
	assert_int_equal(run_policy(&P, 1), RUNNER_DONE);
	assert_int_equal(P.decisions, 0);
	assert_int_equal(P.tries_seen[1], 1);
	assert_int_equal(P.locked, 0);
	assert_int_equal(P.log_ok, 1);

	/* two wrong PINs, a stop and a resume (cosigned by cards 1 and 2,
	 * card 2's last try untouched), then the third fails the step: the
	 * count is rebuilt from the log */
	pol_default(&P, 3);
	P.stop_after = 2;
	assert_int_equal(run_policy(&P, 1), RUNNER_FAILED);
	assert_int_equal(P.resume_cards, 2);
	assert_int_equal(P.zero_ev, 1);
	assert_int_equal(P.decisions, 1);
	assert_string_equal(P.fail, pins_out);
	assert_int_equal(P.log_pins_failed, 1);
	assert_int_equal(P.log_rc, KR_EUNSEALED);
}

static void
t_live_pins(void **state)
{
	struct pol P;

	(void)state;
	memset(&P, 0, sizeof(P));
	P.quorum = "2/3";
	P.suite = "DLf3072s256mRijndael";
	P.witness = "Wendy Witness";
	P.short_pin = 1;
	assert_int_equal(run_policy(&P, 0), RUNNER_DONE);
	assert_int_equal(P.pin_min, 8);
	assert_true(P.short_refused >= 1);
	memset(&P, 0, sizeof(P));
	P.quorum = "2/3";
	P.suite = "DLf3072s256mRijndael";
	P.witness = "Wendy Witness";
	assert_int_equal(run_policy(&P, 1), RUNNER_DONE);
	assert_int_equal(P.pin_min, 4);	/* a rehearsal keeps the ceremony's */
}

static void
t_live_refusals(void **state)
{
	struct pol P;

	(void)state;
	memset(&P, 0, sizeof(P));
	P.quorum = "1/2";
	P.suite = "DLf3072s256mRijndael";
	P.witness = "Wendy Witness";
	assert_int_equal(run_policy(&P, 0), RUNNER_FAILED);
	assert_non_null(strstr(P.fail, "a quorum of K = 1 is refused in a "
	    "live run"));
	memset(&P, 0, sizeof(P));
	P.quorum = "1/2";
	P.suite = "DLf3072s256mRijndael";
	P.witness = "Wendy Witness";
	assert_int_equal(run_policy(&P, 1), RUNNER_DONE);
	assert_true(P.warnings >= 1);

	memset(&P, 0, sizeof(P));
	P.quorum = "2/3";
	P.suite = "DLf1024s160mRijndael";
	P.witness = "Wendy Witness";
	assert_int_equal(run_policy(&P, 0), RUNNER_FAILED);
	assert_non_null(strstr(P.fail, "cipher suite DLf1024s160mRijndael is "
	    "weak (1024-bit DSA, SHA-1): a live run uses it only with a "
	    "recorded exception"));
	assert_int_equal(P.log_exception, 0);

	memset(&P, 0, sizeof(P));
	P.quorum = "2/3";
	P.suite = "DLf1024s160mRijndael";
	P.witness = "Wendy Witness";
	assert_int_equal(run_policy(&P, 1), RUNNER_DONE);
	assert_int_equal(P.suite_warned, 1);
	assert_int_equal(P.excepted, 0);

	memset(&P, 0, sizeof(P));
	P.quorum = "2/3";
	P.suite = "DLf3072s256mRijndael";
	P.witness = "olivia operator";
	assert_int_equal(run_policy(&P, 0), RUNNER_DONE);
	assert_int_equal(P.witness_refused, 1);
	memset(&P, 0, sizeof(P));
	P.quorum = "2/3";
	P.suite = "DLf3072s256mRijndael";
	P.witness = "Olivia Operator";
	assert_int_equal(run_policy(&P, 1), RUNNER_DONE);
	assert_int_equal(P.witness_refused, 0);
	assert_true(P.warnings >= 1);
}

/* A live run takes the DLf1024 suite once an exception is recorded. */
static void
t_live_suite_exception(void **state)
{
	struct pol P;

	(void)state;
	memset(&P, 0, sizeof(P));
	P.quorum = "2/3";
	P.suite = "DLf1024s160mRijndael";
	P.witness = "Wendy Witness";
	P.exception = "firmware of the receiving HSM takes only DLf1024";
	assert_int_equal(run_policy(&P, 0), RUNNER_DONE);
	assert_int_equal(P.excepted, 1);	/* one decision, then made */
	assert_non_null(strstr(P.fail, "record one with its reason"));
	assert_int_equal(P.log_exception, 1);
	assert_int_equal(P.log_note, 1);
	assert_int_equal(P.log_ok, 1);
	assert_int_equal(P.transcript_exception, 1);
	assert_int_equal(P.pin_min, 8);	/* the live PIN rule still holds */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_tries),
		cmocka_unit_test(t_live_pins),
		cmocka_unit_test(t_live_refusals),
		cmocka_unit_test(t_live_suite_exception),
	};

	kr_secmem_init(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
