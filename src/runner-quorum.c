/* SPDX-License-Identifier: ISC */
/*
 * runner-quorum.c: card sessions and the audit log's cosigner.
 *
 * A step that needs the quorum (reduce-acl, seal-log, a checkpoint after
 * world-created, a resume) opens one engine quorum session and the runner
 * asks CARD until K good cards are in.  Each card is checked the moment it
 * is presented; its outcome is logged (card-presented) and a bad one is
 * named in the next prompt ("card 2: wrong PIN").  The session lives until
 * the step and its checkpoint are over, so a step that used the quorum
 * (reduce-acl) has its checkpoint cosigned by the same cards without
 * asking again.  The cosigner signs with the session's cards through the
 * engine (engine_ops.cosign).
 *
 * Wrong PINs are limited here, for every front end alike: a card whose PIN
 * was wrong RUNNER_PIN_TRIES times in a step is not presented again in
 * that step (an offline guesser has no retry counter to stop it, the room
 * does); the prompt tells how many tries the card has left.  When a card
 * uses up its last try while a step runs, the step fails
 * (step_need_quorum: "card 2: 3 wrong PINs in step 'reduce-acl'") and the
 * room decides: retry (the count stays with the step, so the card is
 * still refused and the other cards are asked), an exception, or abort.
 * The cards asked for a checkpoint after a step that succeeded, or for a
 * resume, have no step to fail: there the card is only refused.  A
 * resumed run rebuilds the count from the log (runner-tries.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "ceremony.h"
#include "err.h"
#include "fsutil.h"
#include "runner-int.h"
#include "scenario.h"
#include "step.h"

void
runner_quorum_end(struct runner *r)
{
	if (r->q != NULL)
		r->ops->card_end(r->q);
	r->q = NULL;
	r->nq = 0;
}

int
runner_quorum_ready(struct runner *r)
{
	int presented, needed;

	if (r->q == NULL)
		return 0;
	return r->ops->card_state(r->q, &presented, &needed) == 1;
}

/* The wrong-PIN counts of the current step (reset when the step changes). */
static int *
wrong_pins(struct runner *r)
{
	if (r->wrong_step != r->cur + 1) {
		memset(r->wrong_pins, 0, sizeof(r->wrong_pins));
		r->wrong_step = r->cur + 1;
	}
	return r->wrong_pins;
}

int
runner_card_tries_left(struct runner *r, int card)
{
	int left;

	if (card < 1 || card > ENGINE_MAX_CARDS)
		return RUNNER_PIN_TRIES;
	left = RUNNER_PIN_TRIES - wrong_pins(r)[card];
	return left > 0 ? left : 0;
}

/* The first card not presented yet in this session (1..n) with tries
 * left, for `def'. */
int
runner_card_def(struct runner *r, int *index)
{
	int i, j, n = r->n > 0 ? r->n : 0;

	*index = 0;
	for (i = 1; i <= n; i++) {
		for (j = 0; j < r->nq; j++)
			if (r->qcards[j] == i)
				break;
		if (j == r->nq && runner_card_tries_left(r, i) > 0) {
			*index = i;
			return 0;
		}
	}
	return -1;
}

/* "card N: ..." in an engine message gives the card's number. */
static unsigned
card_from_msg(const char *msg)
{
	const char *p = strstr(msg, "card ");
	long v;

	if (p == NULL)
		return 0;
	v = strtol(p + 5, NULL, 10);
	return v >= 1 && v <= ENGINE_MAX_CARDS ? (unsigned)v : 0;
}

static const char *
outcome(int code, const char *msg)
{
	if (strstr(msg, "no such card") != NULL)
		return "missing";
	if (code == KR_EDATA)
		return "damaged";
	if (strstr(msg, "twice") != NULL || strstr(msg, "duplicate") != NULL ||
	    strstr(msg, "already") != NULL)
		return "duplicate";
	if (strstr(msg, "world") != NULL)
		return "wrong-world";
	if (strstr(msg, "PIN") != NULL)
		return "wrong-pin";
	return NULL;
}

/* A card's error names the card: "card 2: no such card (PATH)", "card 3:
 * damaged card (PATH: damaged (checksum mismatch))". */
static void
name_card(struct runner *r, const char *path, int rc, struct kr_err *ce)
{
	char msg[KR_ERR_MSG_MAX];
	int n;

	if (strncmp(ce->msg, "card ", 5) == 0 ||
	    (n = runner_card_of(r, path)) == 0)
		return;
	if (!kr_path_exists(path))
		snprintf(msg, sizeof(msg), "card %d: no such card (%.460s)", n,
		    path);
	else if (rc == KR_EDATA)
		snprintf(msg, sizeof(msg), "card %d: damaged card (%.480s)", n,
		    ce->msg);
	else
		snprintf(msg, sizeof(msg), "card %d: %.480s", n, ce->msg);
	snprintf(ce->msg, sizeof(ce->msg), "%s", msg);
}

/* The holder of card CARD named in new-world's `holders', into OUT: 1,
 * or 0 when the ceremony names none for it. */
static int
card_holder(struct runner *r, int card, char *out, size_t outsz)
{
	char *list;
	int ok;

	if ((list = runner_card_holders(r)) == NULL)
		return 0;
	ok = ceremony_holder(list, card, out, outsz) == 0;
	free(list);
	return ok;
}

int
runner_card_answer(struct runner *r, const char *step,
    const struct runner_answer *a, struct kr_err *e)
{
	struct engine_pin pin;
	struct kr_err ce;
	char path[ENGINE_PATH_MAX], text[KR_ERR_MSG_MAX + 32];
	const char *oc;
	unsigned cards[ENGINE_MAX_CARDS];
	char hname[128];
	int idx = 0, rc, i, presented, needed, wrong, holder;
	unsigned cn;

	kr_err_clear(&ce);
	if (r->q == NULL && (rc = r->ops->card_begin(r->eng, &r->q, e)) != 0)
		return rc;
	if (a->value != NULL && a->value[0] != '\0')
		snprintf(path, sizeof(path), "%s", a->value);
	else if (runner_card_def(r, &idx) != 0 ||
	    r->ops->card_path(r->eng, idx, path, sizeof(path), &ce) != 0) {
		snprintf(r->message, sizeof(r->message), "no card path given");
		return 0;
	}
	if (a->pin == NULL || a->pin_len == 0) {
		snprintf(r->message, sizeof(r->message), "no PIN given");
		return 0;
	}
	if ((cn = (unsigned)runner_card_of(r, path)) != 0 &&
	    runner_card_tries_left(r, (int)cn) == 0) {
		/* at a resume's prompt (no step yet): the step it goes on at,
		 * whose count it is */
		snprintf(r->message, sizeof(r->message), "card %u: %d wrong PINs "
		    "in step '%s'; it is not taken again in this step: present "
		    "another card of the set, or stop and record an exception",
		    cn, RUNNER_PIN_TRIES, step != NULL ? step :
		    r->cur < r->c->nsteps ? r->c->steps[r->cur].id.s : "?");
		runner_emit(r, RUNNER_EV_CARD, step, r->message, NULL);
		return 0;
	}
	pin.pin = a->pin;
	pin.len = a->pin_len;
	if ((rc = runner_fault_card(r, step, path, &wrong, e)) != 0)
		return rc;
	if (wrong) {		/* a rehearsal's wrong-pin fault */
		pin.pin = (const uint8_t *)scenario_bad_pin;
		pin.len = strlen(scenario_bad_pin);
	}
	idx = 0;
	rc = r->ops->card_present(r->q, path, &pin, &idx, &ce);
	if (rc != 0) {
		name_card(r, path, rc, &ce);
		cn = card_from_msg(ce.msg);
		oc = outcome(rc, ce.msg);
		if (cn != 0 && oc != NULL && strcmp(oc, "wrong-pin") == 0) {
			wrong_pins(r)[cn]++;
			if (r->w == NULL) {	/* a resume's: kept till logged */
				r->resume_wrong[cn]++;
				if ((rc = runner_progress_save(r, e)) != 0)
					return rc;
			}
			i = runner_card_tries_left(r, (int)cn);
			if (i == 0 && r->phase == PH_RUN && r->w != NULL)
				r->pins_out = (int)cn;
			snprintf(r->message, sizeof(r->message), "%.400s (%d %s "
			    "left for card %u in this step)", ce.msg, i,
			    i == 1 ? "try" : "tries", cn);
		} else
			snprintf(r->message, sizeof(r->message), "%s", ce.msg);
		runner_emit(r, RUNNER_EV_CARD, step, r->message, NULL);
		if (cn != 0 && oc != NULL && r->w != NULL &&
		    (rc = audit_card_presented(r->w,
		    step, cn, oc, runner_actor(r), e)) != 0)
			return rc;
		return 0;
	}
	if (r->nq < ENGINE_MAX_CARDS)
		r->qcards[r->nq++] = idx;
	holder = card_holder(r, idx, hname, sizeof(hname));
	if (holder)
		snprintf(text, sizeof(text), "card %d (held by %s): accepted",
		    idx, hname);
	else
		snprintf(text, sizeof(text), "card %d: accepted", idx);
	runner_emit(r, RUNNER_EV_CARD, step, text, NULL);
	if (r->w == NULL)
		return 0;	/* cards for a resume: the resume entry names them */
	if ((rc = audit_card_presented(r->w, step, (unsigned)idx, "accepted",
	    runner_actor(r), e)) != 0)
		return rc;
	if (holder) {
		snprintf(text, sizeof(text), "card %d presented by its holder %s",
		    idx, hname);
		if ((rc = audit_note(r->w, step, text, runner_actor(r), e)) != 0)
			return rc;
	}
	if (r->ops->card_state(r->q, &presented, &needed) == 1) {
		for (i = 0; i < r->nq; i++)
			cards[i] = (unsigned)r->qcards[i];
		if ((rc = audit_quorum_met(r->w, step, (unsigned)r->k,
		    (unsigned)r->n, cards, (size_t)r->nq, runner_actor(r),
		    e)) != 0)
			return rc;
	}
	return 0;
}

int
runner_cosign(void *arg, const uint8_t *note, size_t len,
    struct audit_cosig *out, size_t max, size_t *n, struct kr_err *e)
{
	struct runner *r = arg;
	struct engine_cosig cs[ENGINE_MAX_CARDS];
	size_t i, got = 0;
	int rc;

	*n = 0;
	if (!runner_quorum_ready(r))
		return kr_errf(e, KR_EAUTH, "cosign: no card quorum presented");
	if ((rc = r->ops->cosign(r->q, note, len, cs, ENGINE_MAX_CARDS, &got,
	    e)) != 0)
		return rc;
	for (i = 0; i < got && i < max; i++) {
		out[i].card = (unsigned)cs[i].index;
		memcpy(out[i].pk, cs[i].pub, sizeof(out[i].pk));
		memcpy(out[i].sig, cs[i].sig, sizeof(out[i].sig));
	}
	*n = i;
	return 0;
}

char *
runner_card_holders(struct runner *r)
{
	const struct ceremony_value *v;
	struct kr_err e;
	char *list;
	size_t i;

	for (i = 0; i < r->c->nsteps; i++) {
		if (r->c->steps[i].type != &step_new_world ||
		    (v = ceremony_step_with(&r->c->steps[i], "holders")) == NULL ||
		    v->is_list || runner_expand(r, v->scalar.s, &list, &e) != 0)
			continue;
		return list;
	}
	return NULL;
}
