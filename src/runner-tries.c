/* SPDX-License-Identifier: ISC */
/*
 * runner-tries.c: a resumed run's PIN-try count, rebuilt from the record.
 *
 * The runner counts wrong PINs per card within a step (runner-quorum.c:
 * RUNNER_PIN_TRIES in a step).  A resumed run does not start that count
 * again: every wrong PIN the verified log holds as card-presented
 * "wrong-pin" for the step the run goes on at counts, so quitting and
 * resuming gives no card more tries in that step.  The wrong PINs typed at
 * a resume's own card prompt come before the log can be written (the
 * resume entry is cosigned by those cards): they are kept in the progress
 * file as they happen (runner-resume.c) and logged for the step right
 * after the resume entry; a resume takes, per card, the higher of the
 * log's count and the file's, and logs the file's surplus (wrong PINs
 * typed at an earlier resume's prompt that was left) after its resume.
 */
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "audit-verify.h"
#include "ceremony.h"
#include "err.h"
#include "runner-int.h"

struct tally {
	const char	*step;
	int		 wrong[ENGINE_MAX_CARDS + 1];
};

static int
take_wrong_pin(void *arg, const struct audit_walk_entry *we,
    struct kr_err *e)
{
	struct tally *t = arg;
	const char *oc;
	json_int_t card;

	(void)e;
	if (we->event == NULL || strcmp(we->event, "card-presented") != 0 ||
	    we->step == NULL || strcmp(we->step, t->step) != 0)
		return 0;
	oc = json_string_value(json_object_get(we->data, "outcome"));
	card = json_integer_value(json_object_get(we->data, "card"));
	if (oc != NULL && strcmp(oc, "wrong-pin") == 0 && card >= 1 &&
	    card <= ENGINE_MAX_CARDS)
		t->wrong[card]++;
	return 0;
}

int
runner_tries_load(struct runner *r, uint64_t entries, struct kr_err *e)
{
	struct tally t;
	int rc, i;

	if (r->cur >= r->c->nsteps)
		return 0;
	memset(&t, 0, sizeof(t));
	t.step = r->c->steps[r->cur].id.s;
	if ((rc = audit_walk_file(r->o.log_path, entries, take_wrong_pin, &t,
	    e)) != 0)
		return rc;
	if (r->wrong_step != r->cur + 1)	/* the file's: another step */
		memset(r->wrong_pins, 0, sizeof(r->wrong_pins));
	r->wrong_step = r->cur + 1;
	for (i = 1; i <= ENGINE_MAX_CARDS; i++) {
		/* more in the file than in the log: typed at an earlier
		 * resume's prompt, logged after this resume */
		if (r->wrong_pins[i] > t.wrong[i])
			r->resume_wrong[i] = r->wrong_pins[i] - t.wrong[i];
		else
			r->wrong_pins[i] = t.wrong[i];
	}
	return 0;
}

int
runner_tries_log_resume(struct runner *r, struct kr_err *e)
{
	const char *step;
	int i, rc;

	if (r->cur >= r->c->nsteps)
		return 0;
	step = r->c->steps[r->cur].id.s;
	for (i = 1; i <= ENGINE_MAX_CARDS; i++)
		for (; r->resume_wrong[i] > 0; r->resume_wrong[i]--)
			if ((rc = audit_card_presented(r->w, step, (unsigned)i,
			    "wrong-pin", runner_actor(r), e)) != 0)
				return rc;
	return 0;
}
