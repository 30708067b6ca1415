/* SPDX-License-Identifier: ISC */
/*
 * runner-state.c: runner_state(), a read-only view of the runner for the
 * front ends to draw: each step's status as the runner (and, after a
 * resume, the progress file) knows it, the current step and its station,
 * the module's mode as the module reports it, and the log's genesis
 * fingerprint from the writer or from the check of the log being resumed.
 */
#include <string.h>

#include "audit.h"
#include "ceremony.h"
#include "codec.h"
#include "engine.h"
#include "err.h"
#include "runner-int.h"

static enum runner_step_status
step_status(enum runner_status st)
{
	switch (st) {
	case ST_OK:
		return RUNNER_STEP_DONE;
	case ST_SKIPPED:
		return RUNNER_STEP_SKIPPED;
	case ST_EXCEPTION:
		return RUNNER_STEP_EXCEPTION;
	case ST_FAILED:
		return RUNNER_STEP_FAILED;
	case ST_NONE:
	default:
		return RUNNER_STEP_TODO;
	}
}

static void
state_genesis(struct runner *r, struct runner_state *st)
{
	struct audit_fingerprints fp;
	const uint8_t *g = NULL;

	if (r->w != NULL) {
		audit_writer_fingerprints(r->w, &fp);
		g = fp.genesis;
	} else if (r->have_genesis)
		g = r->genesis;
	if (g == NULL || kr_hex_encode(g, 32, st->genesis,
	    sizeof(st->genesis)) < 0)
		st->genesis[0] = '\0';
}

void
runner_state(struct runner *r, struct runner_state *st)
{
	struct engine_status es;
	struct kr_err e;
	size_t i;

	st->cur = r->cur;
	st->station = r->cur < r->c->nsteps ?
	    r->c->steps[r->cur].station.s : NULL;
	st->resume_pending = r->resume_pending;
	st->rehearsal = r->o.rehearsal;
	if (st->steps != NULL)
		for (i = 0; i < r->c->nsteps; i++)
			st->steps[i] = step_status(r->status[i]);
	state_genesis(r, st);
	st->mode = 0;
	memset(&es, 0, sizeof(es));
	kr_err_clear(&e);
	if (r->eng != NULL && r->ops->status(r->eng, &es, &e) == 0) {
		st->mode = es.mode;
		r->ops->status_free(&es);
	}
}
