/* SPDX-License-Identifier: ISC */
/*
 * runner-choice.c: the runner's side of choices (`when:' steps,
 * ceremony-choice.c).  Before a step with `when:' the parameters it names
 * are asked; a step whose condition does not hold is logged as started and
 * skipped, with the reason in words ("not chosen: upload_tool is
 * powershell (this alternative is for az)"), and the chosen one logs a note
 * saying why it is the one.  A step that `requires' an alternative that was
 * not chosen is not blocked by it: requiring every alternative of a choice
 * means requiring the one that was chosen.  A step for other engines
 * (`engines:', ceremony-engines.c) is skipped the same way, as not
 * applicable on this run's engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "ceremony.h"
#include "err.h"
#include "runner-int.h"
#include "step.h"

static const char *
value(void *arg, const char *name)
{
	struct runner *r = arg;
	const struct ceremony_param *p = ceremony_param_find(r->c, name);

	return p == NULL ? NULL : r->values[p - r->c->params];
}

/* The engine this run drives ("soft", "pkcs11"). */
static const char *
engine_name(const struct runner *r)
{
	return r->ops != NULL ? r->ops->name : r->o.engine;
}

const struct ceremony_param *
runner_when_missing(struct runner *r, const struct ceremony_step *s)
{
	const char *missing = NULL;

	if (s->nwhen == 0 || !ceremony_step_runs_on(s, engine_name(r)) ||
	    ceremony_step_chosen(s, value, r, &missing, NULL, 0) >= 0)
		return NULL;
	return ceremony_param_find(r->c, missing);
}

int
runner_not_chosen(struct runner *r, const struct ceremony_step *s)
{
	if (!ceremony_step_runs_on(s, engine_name(r)))
		return 1;
	return s->nwhen != 0 &&
	    ceremony_step_chosen(s, value, r, NULL, NULL, 0) == 0;
}

int
runner_skip_not_chosen(struct runner *r, const struct ceremony_step *s,
    struct kr_err *e)
{
	char why[512], detail[600], *title;
	int rc;

	if (!ceremony_step_runs_on(s, engine_name(r))) {
		ceremony_engines_text(r->c, &s->engines, why, sizeof(why));
		snprintf(detail, sizeof(detail), RUNNER_SKIP_NOT_APPLICABLE
		    "this run drives the %s engine (the step is for %s)",
		    engine_name(r) != NULL ? engine_name(r) :
		    CEREMONY_ENGINE_DEFAULT, why);
	} else {
		(void)ceremony_step_chosen(s, value, r, NULL, why,
		    sizeof(why));
		snprintf(detail, sizeof(detail), RUNNER_SKIP_NOT_CHOSEN "%s",
		    why);
	}
	if ((rc = audit_step_start(r->w, s->id.s, s->type->name,
	    s->station.s, runner_actor(r), e)) != 0 ||
	    (rc = audit_step_result(r->w, s->id.s, "skipped", NULL, detail,
	    runner_actor(r), e)) != 0)
		return rc;
	title = runner_expand_display(r, s->title.s);
	runner_emit(r, RUNNER_EV_STEP_START, s->id.s, title != NULL ? title :
	    s->title.s, NULL);
	free(title);
	runner_emit(r, RUNNER_EV_STEP_RESULT, s->id.s, detail, NULL);
	r->status[s->index] = ST_SKIPPED;
	return 0;
}

int
runner_chosen_note(struct runner *r, const struct ceremony_step *s,
    struct kr_err *e)
{
	char why[512], text[600];

	if (s->nwhen == 0 ||
	    ceremony_step_chosen(s, value, r, NULL, why, sizeof(why)) != 1)
		return 0;
	snprintf(text, sizeof(text), "chosen: %s", why);
	runner_emit(r, RUNNER_EV_INFO, s->id.s, text, NULL);
	return audit_note(r->w, s->id.s, text, runner_actor(r), e);
}
