/* SPDX-License-Identifier: ISC */
/*
 * runner-fault.c: where the runner meets a rehearsal scenario's faults
 * (scenario.h) and the clock check that a clock-skew fault trips.
 *
 * Every fault that fires is logged as `fault-injected' for the trainer.
 * It is shown (a RUNNER_EV_FAULT event) only when the scenario, or the
 * fault itself, says `announce: true'; otherwise the trainee meets only
 * its consequences, the same failures a live ceremony would show.  The clock check is not a
 * scenario feature: a live run has it too (a clock that jumps back a
 * minute or more between two steps stops the ceremony for a decision).
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "ceremony.h"
#include "clock.h"
#include "engine.h"
#include "err.h"
#include "runner-int.h"
#include "scenario.h"

#define CLOCK_SLACK	60	/* seconds back that are tolerated */

static int
log_fired(struct runner *r, const char *step, const struct scenario_fired *f,
    size_t n, struct kr_err *e)
{
	const struct ceremony_scenario *sc = scenario_def(r->o.faults);
	char text[512];
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = audit_fault_injected(r->w, step, sc->name.s,
		    f[i].fault, f[i].card > 0 ? (unsigned)f[i].card : 0,
		    f[i].detail[0] != '\0' ? f[i].detail : NULL,
		    runner_actor(r), e)) != 0)
			return rc;
		if (f[i].announce > 0 || (f[i].announce < 0 && sc->announce)) {
			snprintf(text, sizeof(text), "trainer: fault %s "
			    "injected (scenario %s)%s%s", f[i].fault, sc->name.s,
			    f[i].detail[0] != '\0' ? ": " : "", f[i].detail);
			runner_emit(r, RUNNER_EV_FAULT, step, text, NULL);
		}
	}
	return 0;
}

static void
env_of(struct runner *r, struct scenario_env *env)
{
	env->ops = r->ops;
	env->eng = r->eng;
}

int
runner_fault_step(struct runner *r, const struct ceremony_step *s,
    struct kr_err *e)
{
	struct scenario_fired f[SCENARIO_FIRED_MAX];
	struct scenario_env env;
	size_t n = 0;
	int rc;

	if (r->o.faults == NULL || !r->o.rehearsal)
		return 0;
	env_of(r, &env);
	if ((rc = scenario_step_begin(r->o.faults, &env, s->index, f, &n,
	    e)) != 0)
		return rc;
	return log_fired(r, s->id.s, f, n, e);
}

int
runner_card_of(struct runner *r, const char *path)
{
	char p[ENGINE_PATH_MAX];
	struct kr_err ce;
	int i;

	for (i = 1; i <= r->n && i <= ENGINE_MAX_CARDS; i++)
		if (r->ops->card_path(r->eng, i, p, sizeof(p), &ce) == 0 &&
		    strcmp(p, path) == 0)
			return i;
	return 0;
}

int
runner_fault_card(struct runner *r, const char *step, const char *path,
    int *wrong_pin, struct kr_err *e)
{
	struct scenario_fired f[SCENARIO_FIRED_MAX];
	struct scenario_env env;
	size_t n = 0;
	int rc, card;

	*wrong_pin = 0;
	if (r->o.faults == NULL || !r->o.rehearsal || r->cur >= r->c->nsteps)
		return 0;
	env_of(r, &env);
	if ((rc = scenario_card(r->o.faults, &env, r->cur, f, &n, e)) != 0 ||
	    (r->w != NULL && (rc = log_fired(r, step, f, n, e)) != 0))
		return rc;
	if ((card = runner_card_of(r, path)) == 0)
		return 0;
	if ((rc = scenario_wrong_pin(r->o.faults, r->cur, card, f, e)) < 0)
		return rc;
	if (rc == 1) {
		*wrong_pin = 1;
		if (r->w != NULL && (rc = log_fired(r, step, f, 1, e)) != 0)
			return rc;
	}
	return 0;
}

int
runner_fault_power(struct runner *r, const struct ceremony_step *s,
    int inside, struct kr_err *e)
{
	struct scenario_fired f;
	int rc;

	if (r->o.faults == NULL || !r->o.rehearsal)
		return 0;
	if ((rc = scenario_power_loss(r->o.faults, s->index, inside, &f,
	    e)) <= 0)
		return rc;
	if ((rc = log_fired(r, s->id.s, &f, 1, e)) != 0)
		return rc;
	scenario_power_off();
}

int
runner_clock_back(struct runner *r, const struct ceremony_step *s,
    struct kr_err *e)
{
	long long now = (long long)kr_clock_peek(), back;
	int rc;

	back = r->clock_seen != 0 ? r->clock_seen - now : 0;
	if (now > r->clock_seen)
		r->clock_seen = now;
	if (back < CLOCK_SLACK)
		return 0;
	r->clock_seen = now;	/* a decision is taken: from now on */
	snprintf(r->decision_msg, sizeof(r->decision_msg), "the clock moved "
	    "backwards by %lld seconds since the last step started; check it "
	    "against a watch before step '%s'", back, s->id.s);
	if ((rc = audit_note(r->w, s->id.s, r->decision_msg, runner_actor(r),
	    e)) != 0)
		return rc;
	return 1;
}
