/* SPDX-License-Identifier: ISC */
/*
 * runner-answer.c: runner_answer(), the answers to runner_next()'s prompts.
 *
 * An answer is checked against the prompt it answers; a bad one leaves a
 * message for the repeated prompt and returns 0.  What an answer records
 * is logged here (parameter-set, sign-off, exception, card-presented,
 * note); PINs are copied to the secure heap for the step's attempt only,
 * or go straight to the engine (cards), and are never logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "ceremony.h"
#include "err.h"
#include "runner-int.h"
#include "secmem.h"

static const char *
cur_step(const struct runner *r)
{
	if (r->resume_pending || r->cur >= r->c->nsteps)
		return NULL;
	return r->c->steps[r->cur].id.s;
}

static int
answer_ack(struct runner *r, const struct runner_answer *a, struct kr_err *e)
{
	const char *id = cur_step(r);
	int rc;

	if (r->phase == PH_OPTIONAL) {
		if (a->value != NULL && strcmp(a->value, "skip") == 0) {
			if ((rc = audit_step_result(r->w, id, "skipped", NULL,
			    RUNNER_SKIP_OPERATOR, runner_actor(r),
			    e)) != 0)
				return rc;
			runner_emit(r, RUNNER_EV_STEP_RESULT, id, "skipped",
			    NULL);
			r->status[r->cur] = ST_SKIPPED;
			r->phase = PH_NEXT;
			return 0;
		}
		r->optional_ok = 1;
		r->acked = 1;		/* the step's own ACK too */
		return 0;
	}
	r->acked = 1;
	return 0;
}

static int
answer_pin(struct runner *r, const struct runner_answer *a)
{
	int i = r->npins;

	if (r->ask_card == 0) {		/* a token's PIN (adopt) */
		if (a->pin == NULL || a->pin_len == 0) {
			snprintf(r->message, sizeof(r->message), "%s is "
			    "needed", r->ask_token);
			return 0;
		}
		kr_secure_free(r->token_pin, r->token_pinlen);
		r->token_pinlen = 0;
		if ((r->token_pin = kr_secure_malloc(a->pin_len)) == NULL)
			return KR_ENOMEM;
		memcpy(r->token_pin, a->pin, a->pin_len);
		r->token_pinlen = a->pin_len;
		return 0;
	}
	if (a->pin == NULL || a->pin_len < (size_t)r->ask_min) {
		snprintf(r->message, sizeof(r->message), "card %d: the PIN "
		    "must have at least %d characters", r->ask_card,
		    r->ask_min);
		return 0;
	}
	if (i >= ENGINE_MAX_CARDS)
		return 0;
	if ((r->pins[i] = kr_secure_malloc(a->pin_len)) == NULL)
		return KR_ENOMEM;
	memcpy(r->pins[i], a->pin, a->pin_len);
	r->pinlen[i] = a->pin_len;
	r->npins++;
	return 0;
}

static int
answer_decision(struct runner *r, const struct runner_answer *a,
    struct kr_err *e)
{
	const struct ceremony_step *s = &r->c->steps[r->cur];
	int rc;

	switch (a->decision) {
	case RUNNER_RETRY:
		r->phase = r->blocked ? PH_PARAMS : PH_OPTIONAL;
		r->blocked = 0;
		r->started = 0;
		return 0;
	case RUNNER_EXCEPTION:
		if (s->on_failure == CEREMONY_FAIL_ABORT) {
			snprintf(r->message, sizeof(r->message), "step '%s' "
			    "has on_failure: abort; no exception can be "
			    "recorded", s->id.s);
			return 0;
		}
		if (a->value == NULL || a->value[0] == '\0') {
			snprintf(r->message, sizeof(r->message),
			    "an exception needs a reason");
			return 0;
		}
		if ((rc = audit_exception(r->w, s->id.s, a->value,
		    r->blocked == 1 ? "requires" : r->blocked == 2 ? "clock" :
		    r->waivable[0] != '\0' ? r->waivable : NULL,
		    runner_actor(r), e)) != 0)
			return rc;
		if (r->blocked) {	/* run the step anyway */
			r->phase = PH_OPTIONAL;
			return 0;
		}
		if (r->waivable[0] != '\0') {
			/* a policy the exception waives: run the step again,
			 * which reads the reason with step_waiver() */
			snprintf(r->waiver, sizeof(r->waiver), "%s", a->value);
			r->waivable[0] = '\0';
			r->phase = PH_OPTIONAL;
			r->started = 0;
			return 0;
		}
		r->status[r->cur] = ST_EXCEPTION;
		r->phase = PH_SIGNOFF;
		/* done, so a stop before its sign-offs resumes at them */
		return runner_progress_save(r, e);
	case RUNNER_ABORT:
		if ((rc = audit_ceremony_end(r->w, "aborted", runner_actor(r),
		    e)) != 0)
			return rc;
		r->dead = 1;
		snprintf(r->fail_msg, sizeof(r->fail_msg), "aborted at step "
		    "'%.64s': %.400s", s->id.s, r->decision_msg);
		return 0;
	}
	snprintf(r->message, sizeof(r->message), "retry, exception or abort");
	return 0;
}

static int
dispatch(struct runner *r, const struct runner_answer *a, struct kr_err *e)
{
	const struct ceremony_step *s;
	struct kr_err pe;
	int rc;

	switch (a->need) {
	case RUNNER_NEED_PARAM:
		kr_err_clear(&pe);
		if (a->value == NULL || runner_param_store(r, r->param,
		    a->value, &pe) != 0) {
			snprintf(r->message, sizeof(r->message), "%s",
			    a->value == NULL ? "a value is needed" : pe.msg);
			return 0;
		}
		return runner_params_flush(r, e);
	case RUNNER_NEED_ACK:
		return answer_ack(r, a, e);
	case RUNNER_NEED_CONFIRM:
		if (a->value == NULL || r->ask_expect == NULL ||
		    strcmp(a->value, r->ask_expect) != 0) {
			snprintf(r->message, sizeof(r->message), "type '%s' "
			    "exactly to go on", r->ask_expect ?
			    r->ask_expect : "");
			return 0;
		}
		r->confirmed = 1;
		return 0;
	case RUNNER_NEED_NEW_PIN:
		return answer_pin(r, a);
	case RUNNER_NEED_CARD:
		return runner_card_answer(r, cur_step(r), a, e);
	case RUNNER_NEED_SIGNOFF:
		s = &r->c->steps[r->cur];
		if (a->value == NULL || a->value[0] == '\0' ||
		    strlen(a->value) > 128) {
			snprintf(r->message, sizeof(r->message), "%s: the "
			    "name of the person who signs off is needed",
			    s->signoff.v[r->nsignoff].s);
			return 0;
		}
		if (r->o.operator_name != NULL &&
		    strcmp(s->signoff.v[r->nsignoff].s, "witness") == 0 &&
		    strcasecmp(a->value, r->o.operator_name) == 0) {
			if (!r->o.rehearsal) {
				snprintf(r->message, sizeof(r->message), "%s: "
				    "'%.128s' is the operator; a live run needs "
				    "someone else to sign off",
				    s->signoff.v[r->nsignoff].s, a->value);
				return 0;
			}
			runner_emit(r, RUNNER_EV_WARNING, s->id.s, "the operator "
			    "signs off as witness (a live run refuses this)",
			    NULL);
		}
		if ((rc = audit_signoff(r->w, s->id.s,
		    s->signoff.v[r->nsignoff].s, a->value, e)) != 0) {
			if (rc != KR_EUSAGE)
				return rc;
			snprintf(r->message, sizeof(r->message), "%s", e->msg);
			kr_err_clear(e);
			return 0;
		}
		r->nsignoff++;
		return 0;
	case RUNNER_NEED_DECISION:
		return answer_decision(r, a, e);
	default:
		return kr_errf(e, KR_EUSAGE, "nothing to answer");
	}
}

int
runner_answer(struct runner *r, const struct runner_answer *a,
    struct kr_err *e)
{
	int rc;

	r->message[0] = '\0';
	if (r->dead || r->done)
		return kr_errf(e, KR_EUSAGE, "the ceremony is over");
	if (a == NULL || a->need != r->last_need)
		return kr_errf(e, KR_EUSAGE, "the answer does not match the "
		    "prompt");
	if (a->note != NULL && a->note[0] != '\0' && r->w != NULL) {
		if ((rc = audit_note(r->w, cur_step(r), a->note,
		    runner_actor(r), e)) != 0) {
			if (rc != KR_EUSAGE)
				goto fatal;
			snprintf(r->message, sizeof(r->message), "note: %.400s",
			    e->msg);
			return 0;
		}
	}
	if ((rc = dispatch(r, a, e)) != 0 && rc != KR_EUSAGE)
		goto fatal;
	return rc;
fatal:
	r->dead = 1;
	r->fail_code = rc;
	snprintf(r->fail_msg, sizeof(r->fail_msg), "%s", e->msg);
	return rc;
}
