/* SPDX-License-Identifier: ISC */
/*
 * runner-step.c: the runner's own side of a step: who acts (the actor
 * named in the log), events to the front end, the strings an attempt
 * keeps, and the end of an attempt (PINs cleansed).  The helpers a step
 * type calls (step-ctx.h) are in step-ctx.c.
 */
#include <stdlib.h>

#include "ceremony.h"
#include "engine.h"
#include "err.h"
#include "runner-int.h"
#include "secmem.h"
#include "step.h"

const char *
runner_actor(const struct runner *r)
{
	return r->o.operator_name != NULL && r->o.operator_name[0] != '\0' ?
	    r->o.operator_name : "operator";
}

void
runner_emit(struct runner *r, enum runner_event_kind kind, const char *step,
    const char *text, const char *sha256)
{
	struct runner_event ev;

	if (r->o.on_event == NULL)
		return;
	ev.kind = kind;
	ev.step = step;
	ev.text = text;
	ev.sha256 = sha256;
	r->o.on_event(r->o.event_arg, &ev);
}

/* Ends one attempt of a step: PINs cleansed, strings freed. */
void
runner_attempt_end(struct runner *r)
{
	size_t i;
	int j;

	for (j = 0; j < ENGINE_MAX_CARDS; j++) {
		kr_secure_free(r->pins[j], r->pinlen[j]);
		r->pins[j] = NULL;
		r->pinlen[j] = 0;
	}
	kr_cleanse(r->pinv, sizeof(r->pinv));
	r->npins = 0;
	kr_secure_free(r->token_pin, r->token_pinlen);
	r->token_pin = NULL;
	r->token_pinlen = 0;
	kr_cleanse(&r->token_pinv, sizeof(r->token_pinv));
	for (i = 0; i < r->nargs; i++)
		free(r->args[i]);
	free(r->args);
	r->args = NULL;
	r->nargs = 0;
	r->acked = r->confirmed = 0;
	r->previewed = 0;
	free(r->ask_expect);
	r->ask_expect = NULL;
	r->ask = 0;
}

/* Keeps s (malloc'd) until the attempt ends; frees it on failure. */
int
runner_keep_arg(struct runner *r, char *s)
{
	char **a;

	if ((a = realloc(r->args, (r->nargs + 1) * sizeof(*a))) == NULL) {
		free(s);
		return KR_ENOMEM;
	}
	r->args = a;
	a[r->nargs++] = s;
	return 0;
}

/* An optional step that shows a command shows it before the operator
 * decides to run or skip it (once per attempt). */
void
runner_preview(struct runner *r, const struct ceremony_step *s)
{
	const struct ceremony_value *v;
	struct kr_err e;
	char *cmd;

	if (r->previewed || s->type != &step_show_command ||
	    (v = ceremony_step_with(s, "command")) == NULL || v->is_list ||
	    runner_expand(r, v->scalar.s, &cmd, &e) != 0)
		return;
	r->previewed = 1;
	runner_emit(r, RUNNER_EV_INFO, s->id.s, cmd, NULL);
	free(cmd);
}
