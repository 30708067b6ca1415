/* SPDX-License-Identifier: ISC */
/*
 * runner.c: the ceremony state machine (runner.h).
 *
 * One step at a time, each through the phases of runner-int.h: parameters
 * it references asked, `requires' checked, step-start logged, an optional
 * step offered for skipping, run(ctx) called until done (each STEP_ASK
 * becomes a prompt), step-result logged, sign-offs asked, a checkpoint
 * cosigned, progress saved.  runner_next() advances as far as it can
 * without an answer; runner_answer() only stores and checks answers (and
 * logs what they record: parameters, sign-offs, exceptions, notes, cards),
 * so every step runs from runner_next().
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "audit-verify.h"
#include "ceremony.h"
#include "engine.h"
#include "err.h"
#include "fsutil.h"
#include "runner-int.h"
#include "secmem.h"
#include "step.h"

_Static_assert(RUNNER_PIN_MIN_LIVE == ENGINE_MIN_PIN_LIVE,
    "runner.h and engine.h disagree on a live run's shortest PIN");

static const char *const status_words[] = {
	"has not run", "succeeded", "was skipped", "failed (exception)",
	"failed",
};

static int
writer_opts(struct runner *r, struct audit_writer_opts *wo, char *origin,
    size_t osz, struct kr_err *e)
{
	int rc;

	memset(wo, 0, sizeof(*wo));
	if (origin != NULL && (rc = audit_make_origin(r->c->id.s, origin, osz,
	    e)) != 0)
		return rc;
	wo->origin = origin;
	wo->key_dir = r->key_dir;
	wo->rehearsal = r->o.rehearsal;
	if (r->have_policy) {
		wo->cosign = runner_cosign;
		wo->cosign_arg = r;
	}
	return 0;
}

static int
do_resume(struct runner *r, struct kr_err *e)
{
	struct audit_writer_opts wo;
	struct audit_resume_info info;
	const struct ceremony_step *last = NULL;
	char text[512], where[200];
	size_t cur;
	int rc;

	writer_opts(r, &wo, NULL, 0, e);
	if ((rc = audit_writer_resume(r->o.log_path, &wo, &info, &r->w,
	    e)) != 0 || (rc = runner_tries_log_resume(r, e)) != 0)
		return rc;
	r->resume_pending = 0;
	r->resumed_step = 1;
	/* The cards that cosigned the resume cosign the checkpoint of the
	 * step it goes on at (resume_signoff): the session lives until that
	 * step ends (step_clear), as a step's own cards do.  A step that runs
	 * (again) asks its cards itself. */
	if (r->resume_signoff == 0)
		runner_quorum_end(r);
	for (cur = 0; cur < r->c->nsteps && r->status[cur] != ST_NONE; cur++)
		last = &r->c->steps[cur];
	if (r->resume_signoff != 0 && last != NULL)
		snprintf(where, sizeof(where), " after step '%s', whose %s "
		    "the log does not hold: %s now", last->id.s,
		    r->nsignoff < last->signoff.n ? "sign-off" : "checkpoint",
		    r->nsignoff < last->signoff.n ? "it is asked" :
		    "it is cosigned");
	else if (cur < r->c->nsteps && r->interrupted[0] != '\0' &&
	    strcmp(r->interrupted, r->c->steps[cur].id.s) == 0)
		snprintf(where, sizeof(where), " inside step '%s', which runs "
		    "again", r->interrupted);
	else if (last != NULL)
		snprintf(where, sizeof(where), " after step '%s'", last->id.s);
	else
		where[0] = '\0';
	snprintf(text, sizeof(text), "resumed the log%s (entry %llu)%s",
	    where, (unsigned long long)info.entries, info.removed_bytes ?
	    "; a partial last line was cut" : "");
	runner_emit(r, RUNNER_EV_INFO, NULL, text, NULL);
	return 0;
}

static int
open_log(struct runner *r, struct kr_err *e)
{
	struct audit_writer_opts wo;
	struct audit_verify_opts vo;
	struct audit_verify_result res;
	char origin[129];
	struct stat st;
	int rc;

	if (fstat(r->log_lock, &st) != 0)
		return kr_errf(e, KR_EIO, "%s: %s", r->o.log_path,
		    strerror(errno));
	if (st.st_size > 0) {
		memset(&vo, 0, sizeof(vo));
		vo.threads = 1;
		rc = audit_verify_file(r->o.log_path, &vo, &res, e);
		if (rc == 0)
			return kr_errf(e, KR_EDATA, "%s: the log is sealed; "
			    "start a new log", r->o.log_path);
		if (rc != KR_EUNSEALED)
			return rc;
		if ((rc = runner_log_final(r, res.entries, e)) != 0 ||
		    (rc = runner_progress_load(r, res.entries, e)) != 0)
			return rc;
		r->log_entries = res.entries;
		memcpy(r->genesis, res.genesis, sizeof(r->genesis));
		r->have_genesis = res.have_genesis;
		if (res.have_policy) {
			r->have_policy = 1;
			r->k = (int)res.k;
			r->n = (int)res.n;
			r->resume_pending = 1;
			return 0;
		}
		return do_resume(r, e);
	}
	if (kr_path_exists(r->progress_path) && unlink(r->progress_path) != 0)
		return kr_errf(e, KR_EIO, "%s: cannot remove", r->progress_path);
	if ((rc = writer_opts(r, &wo, origin, sizeof(origin), e)) != 0 ||
	    (rc = audit_writer_create(r->o.log_path, &wo, &r->w, e)) != 0)
		return rc;
	if ((rc = audit_ceremony_start(r->w, r->c->id.s, r->c->title.s,
	    r->o.ceremony_sha256, r->o.scenario != NULL ?
	    r->o.scenario->name.s : NULL, runner_actor(r), e)) != 0)
		return rc;
	if (!kr_secmem_locked()) {	/* a rehearsal: runner_open refused a live run */
		runner_emit(r, RUNNER_EV_WARNING, NULL, KR_SECMEM_UNLOCKED,
		    NULL);
		return audit_note(r->w, NULL, KR_SECMEM_UNLOCKED,
		    runner_actor(r), e);
	}
	return 0;
}

int
runner_engine_check(const struct ceremony *c, const char *engine,
    struct kr_err *e)
{
	char has[64];

	if (engine == NULL)
		engine = CEREMONY_ENGINE_DEFAULT;
	if (c == NULL || ceremony_runs_on(c, engine))
		return 0;
	ceremony_engines_text(c, NULL, has, sizeof(has));
	return kr_errf(e, KR_EUSAGE, "ceremony '%s' does not run on the %s "
	    "engine (it declares: %s)%s%s", c->id.s, engine, has,
	    c->engines_note.s != NULL ? ": " : "",
	    c->engines_note.s != NULL ? c->engines_note.s : "");
}

int
runner_open(const struct runner_opts *o, struct runner **out,
    struct kr_err *e)
{
	struct runner *r;
	struct engine_world_info wi;
	struct kr_err we;
	int rc;

	*out = NULL;
	if (o == NULL || o->c == NULL || o->state_dir == NULL ||
	    o->log_path == NULL || o->out_dir == NULL)
		return kr_errf(e, KR_EUSAGE, "runner: ceremony, state, log "
		    "and output directory are required");
	if ((rc = runner_engine_check(o->c, o->engine, e)) != 0)
		return rc;
	if ((rc = kr_secmem_init(e)) != 0)
		return rc;
	if (!o->rehearsal && !kr_secmem_locked())
		return kr_errf(e, KR_EOSERR, "the secure heap cannot be locked "
		    "in memory (mlock failed: the locked-memory limit is too "
		    "low), so PINs and shares could reach swap; a live run "
		    "refuses to start.  Fix: raise the limit to at least "
		    "2048 KiB (ulimit -l 2048, or LimitMEMLOCK=2M for a "
		    "service) and start again");
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	r->o = *o;
	r->c = o->c;
	r->phase = PH_PARAMS;
	r->log_lock = -1;
	if ((r->status = calloc(r->c->nsteps + 1, sizeof(*r->status))) ==
	    NULL) {
		free(r);
		return kr_errf(e, KR_ENOMEM, "out of memory");
	}
	if ((rc = runner_params_init(r, e)) != 0)
		goto fail;
	if (snprintf(r->progress_path, sizeof(r->progress_path),
	    "%s.progress", o->log_path) >= (int)sizeof(r->progress_path)) {
		rc = kr_errf(e, KR_EUSAGE, "%s: path too long", o->log_path);
		goto fail;
	}
	if (kr_path_join(r->key_dir, sizeof(r->key_dir), o->state_dir,
	    "audit") != 0) {
		rc = kr_errf(e, KR_EUSAGE, "%s: path too long", o->state_dir);
		goto fail;
	}
	/* One writer per log: the lock is held until runner_close. */
	if ((rc = kr_mkdir_private(o->out_dir, e)) != 0 ||
	    (rc = audit_log_lock(o->log_path, &r->log_lock, e)) != 0 ||
	    (rc = engine_open(o->engine, o->state_dir, o->token,
	    ENGINE_OPEN_CREATE, &r->ops, &r->eng, e)) != 0 ||
	    (rc = kr_mkdir_private(r->key_dir, e)) != 0)
		goto fail;
	if (r->ops->world_info(r->eng, &wi, &we) == 0) {
		r->k = wi.k;
		r->n = wi.n;
	}
	if ((rc = open_log(r, e)) != 0)
		goto fail;
	while (r->cur < r->c->nsteps && r->status[r->cur] != ST_NONE)
		r->cur++;
	if (r->resume_signoff != 0) {	/* its sign-offs, then checkpoint */
		r->cur = r->resume_signoff - 1;
		r->phase = PH_SIGNOFF;
	}
	if (r->log_entries > 0 &&
	    (rc = runner_tries_load(r, r->log_entries, e)) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	runner_close(r);
	return rc;
}

void
runner_close(struct runner *r)
{
	struct stat st;
	size_t i;

	if (r == NULL)
		return;
	if (r->w != NULL || r->done)
		runner_report(r);
	runner_attempt_end(r);
	runner_quorum_end(r);
	/* A log this run locked (and so made) but never wrote goes away. */
	if (r->w == NULL && r->log_lock != -1 && fstat(r->log_lock, &st) == 0 &&
	    st.st_size == 0)
		unlink(r->o.log_path);
	audit_writer_free(r->w);
	if (r->log_lock != -1)
		close(r->log_lock);
	if (r->eng != NULL)
		r->ops->close(r->eng);
	runner_params_free(r);
	for (i = 0; i < r->narts; i++)
		free(r->arts[i].name);
	free(r->arts);
	free(r->status);
	free(r->summary);
	free(r->p_title);
	free(r->p_instr);
	free(r->p_help);
	free(r->p_def);
	free(r->p_holders);
	free(r);
}

int
runner_stop(struct runner *r, struct kr_err *e)
{
	const char *step = NULL;
	int rc;

	if (r == NULL || r->w == NULL || r->done || r->dead)
		return 0;
	if (r->cur < r->c->nsteps)
		step = r->c->steps[r->cur].id.s;
	if ((rc = audit_stopped(r->w, step, runner_actor(r), e)) != 0)
		return rc;
	return runner_progress_save(r, e);
}

/* Fatal: the runner cannot go on (the log could not be written). */
static int
die(struct runner *r, int rc, struct kr_err *e)
{
	r->dead = 1;
	r->fail_code = rc;
	snprintf(r->fail_msg, sizeof(r->fail_msg), "%s", e->msg);
	return rc;
}

static char *
expand_or_raw(struct runner *r, const char *tmpl)
{
	return runner_expand_display(r, tmpl);
}

static void
prompt_step(struct runner *r, struct runner_prompt *p,
    const struct ceremony_step *s)
{
	free(r->p_title);
	free(r->p_instr);
	free(r->p_help);
	r->p_title = r->p_instr = r->p_help = NULL;
	if (s == NULL)
		return;
	p->step = s;
	p->step_index = s->index;
	p->station = s->station.s;
	p->title = r->p_title = expand_or_raw(r, s->title.s);
	p->instructions = r->p_instr = expand_or_raw(r, s->instructions.s);
	p->help = r->p_help = expand_or_raw(r, s->help.s);
}

static void
prompt_card(struct runner *r, struct runner_prompt *p)
{
	struct engine_world_info wi;
	struct kr_err e;
	char path[ENGINE_PATH_MAX];
	int idx, presented = 0, needed = r->k;

	if (r->q != NULL)
		r->ops->card_state(r->q, &presented, &needed);
	p->need = RUNNER_NEED_CARD;
	p->cards_presented = presented;
	p->cards_needed = needed;
	free(r->p_def);
	r->p_def = NULL;
	if (runner_card_def(r, &idx) == 0 &&
	    r->ops->card_path(r->eng, idx, path, sizeof(path), &e) == 0) {
		r->p_def = strdup(path);
		p->def = r->p_def;
		p->def_card = idx;
		p->tries_left = runner_card_tries_left(r, idx);
	}
	free(r->p_holders);
	p->holders = r->p_holders = runner_card_holders(r);
	kr_err_clear(&e);
	p->pin_pad = r->ops->world_info(r->eng, &wi, &e) == 0 && wi.pin_pad;
}

/* Logs step-start and prepares the attempt's context. */
static int
step_begin(struct runner *r, const struct ceremony_step *s, struct kr_err *e)
{
	struct step_ctx *x = &r->ctx;
	int rc, attempt = x->r == r ? x->attempt : 0;

	if ((rc = audit_step_start(r->w, s->id.s, s->type->name,
	    s->station.s, runner_actor(r), e)) != 0)
		return rc;
	runner_emit(r, RUNNER_EV_STEP_START, s->id.s, r->p_title != NULL ?
	    r->p_title : s->title.s, NULL);
	memset(x, 0, sizeof(*x));
	x->r = r;
	x->c = r->c;
	x->s = s;
	x->ops = r->ops;
	x->eng = r->eng;
	x->state_dir = r->o.state_dir;
	x->out_dir = r->o.out_dir;
	x->media_dir = r->o.media_dir != NULL ? r->o.media_dir : ".";
	x->vault_dir = r->o.vault_dir;
	x->rehearsal = r->o.rehearsal;
	x->attempt = attempt + 1;
	x->scrypt_log2n = r->o.scrypt_log2n;
	x->resumed = r->resumed_step;
	x->result = "ok";
	r->started = 1;
	if (r->o.faults != NULL && ((rc = runner_progress_save(r, e)) != 0 ||
	    (rc = runner_fault_power(r, s, 1, e)) != 0))
		return rc;
	return 0;
}

static void
step_clear(struct runner *r)
{
	runner_attempt_end(r);
	runner_quorum_end(r);
	r->started = 0;
	r->nsignoff = 0;
	r->resume_signoff = 0;
	r->pins_out = 0;
	r->blocked = 0;
	r->waivable[0] = '\0';
	r->waiver[0] = '\0';
	r->optional_ok = 0;
	r->resumed_step = 0;
	memset(&r->ctx, 0, sizeof(r->ctx));
}

/* A required step that did not succeed: the message, or NULL. */
static int
blocked(struct runner *r, const struct ceremony_step *s)
{
	const struct ceremony_step *q;
	enum runner_status st;
	size_t i;

	for (i = 0; i < s->requires.n; i++) {
		if ((q = ceremony_step_find(r->c, s->requires.v[i].s)) == NULL)
			continue;
		st = r->status[q->index];
		if (st == ST_OK || st == ST_EXCEPTION ||
		    runner_not_chosen(r, q))
			continue;
		snprintf(r->decision_msg, sizeof(r->decision_msg), "step '%s' "
		    "requires step '%s', which %s", s->id.s, q->id.s,
		    status_words[st]);
		return 1;
	}
	return 0;
}

static int
run_step(struct runner *r, const struct ceremony_step *s,
    struct runner_prompt *p, struct kr_err *e)
{
	struct step_ctx *x = &r->ctx;
	int rc;

	kr_err_clear(&x->err);
	r->waivable[0] = '\0';
	rc = s->type->run != NULL ? s->type->run(x) :
	    step_fail(x, KR_EUSAGE, "step type '%s' cannot run",
	    s->type->name);
	if (x->sealed) {
		runner_attempt_end(r);
		if (rc >= 0) {
			r->done = 1;
			return 0;
		}
		/* Sealed, then a write failed (progress, summary, transcript):
		 * an error with its own code, never a warning and exit 0. */
		r->dead = 1;
		r->fail_code = x->err.code != 0 ? x->err.code : rc;
		snprintf(r->fail_msg, sizeof(r->fail_msg), "the log is sealed, "
		    "but: %.440s", x->err.msg);
		return 0;
	}
	if (rc == STEP_ASK) {
		p->need = r->ask;
		switch (r->ask) {
		case RUNNER_NEED_CONFIRM:
			p->expect = r->ask_expect;
			break;
		case RUNNER_NEED_NEW_PIN:
			p->card = r->ask_card;
			p->token_pin = r->ask_card == 0 ? r->ask_token : NULL;
			p->attempt_pins = r->ask_card > 0 &&
			    r->ask_attempt[0] != '\0' ? r->ask_attempt : NULL;
			p->quorum_k = r->ask_k;
			p->quorum_n = r->ask_n;
			p->pin_min = r->ask_min;
			free(r->p_holders);
			p->holders = r->p_holders = runner_card_holders(r);
			break;
		case RUNNER_NEED_CARD:
			prompt_card(r, p);
			break;
		default:
			break;
		}
		return 1;
	}
	runner_attempt_end(r);
	if (rc == 0) {
		if ((rc = audit_step_result(r->w, s->id.s, x->result, NULL,
		    x->detail[0] ? x->detail : NULL, runner_actor(r), e)) != 0)
			return die(r, rc, e);
		runner_emit(r, RUNNER_EV_STEP_RESULT, s->id.s, x->detail[0] ?
		    x->detail : "Result: SUCCESS", NULL);
		r->status[s->index] = strcmp(x->result, "skipped") == 0 ?
		    ST_SKIPPED : ST_OK;
		r->phase = PH_SIGNOFF;
		/* done (or skipped by its run), so a stop before its
		 * sign-offs resumes at them */
		if ((rc = runner_progress_save(r, e)) != 0)
			return die(r, rc, e);
		return 0;
	}
	if (x->err.msg[0] == '\0')
		snprintf(x->err.msg, sizeof(x->err.msg), "step '%s' failed",
		    s->id.s);
	if ((rc = audit_step_result(r->w, s->id.s, "failed",
	    kr_code_name(x->err.code), x->err.msg, runner_actor(r), e)) != 0)
		return die(r, rc, e);
	runner_emit(r, RUNNER_EV_STEP_RESULT, s->id.s, x->err.msg, NULL);
	snprintf(r->decision_msg, sizeof(r->decision_msg), "%s", x->err.msg);
	r->decision_code = x->err.code;
	if (s->on_failure == CEREMONY_FAIL_CONTINUE) {
		runner_emit(r, RUNNER_EV_WARNING, s->id.s, "on_failure: "
		    "continue: going on", NULL);
		r->status[s->index] = ST_FAILED;
		r->phase = PH_NEXT;
	} else
		r->phase = PH_DECISION;
	return 0;
}

/* One move; 1 when p holds a prompt, 0 to go on, < 0 on a fatal error. */
static int
advance(struct runner *r, struct runner_prompt *p, struct kr_err *e)
{
	const struct ceremony_step *s;
	const struct ceremony_param *pm;
	int rc;

	if (r->cur >= r->c->nsteps) {
		r->dead = 1;
		snprintf(r->fail_msg, sizeof(r->fail_msg), "the ceremony "
		    "ended without a seal-log step; the log is not sealed");
		return 0;
	}
	s = &r->c->steps[r->cur];
	switch (r->phase) {
	case PH_PARAMS:
		if ((pm = runner_when_missing(r, s)) == NULL &&
		    runner_not_chosen(r, s)) {
			if ((rc = runner_skip_not_chosen(r, s, e)) != 0)
				return die(r, rc, e);
			r->phase = PH_NEXT;
			return 0;
		}
		if (pm != NULL || (pm = runner_step_missing(r, s)) != NULL) {
			prompt_step(r, p, s);
			p->need = RUNNER_NEED_PARAM;
			p->name = pm->name.s;
			p->prompt = pm->prompt.s != NULL ? pm->prompt.s :
			    pm->name.s;
			free(r->p_help);
			p->help = r->p_help = expand_or_raw(r, pm->help.s);
			p->def = runner_param_default(r, pm);
			r->param = pm;
			return 1;
		}
		if (!r->blocked && (rc = runner_fault_step(r, s, e)) != 0)
			return die(r, rc, e);
		if (!r->blocked && blocked(r, s)) {
			r->blocked = 1;
			r->phase = PH_DECISION;
			return 0;
		}
		if (!r->blocked && (rc = runner_clock_back(r, s, e)) != 0) {
			if (rc < 0)
				return die(r, rc, e);
			r->blocked = 2;
			r->phase = PH_DECISION;
			return 0;
		}
		r->phase = PH_OPTIONAL;
		return 0;
	case PH_OPTIONAL:
		prompt_step(r, p, s);
		if (!r->started)
			runner_sandbox_step(r, s);
		if (!r->started && ((rc = step_begin(r, s, e)) != 0 ||
		    (rc = runner_chosen_note(r, s, e)) != 0))
			return die(r, rc, e);
		if (r->optional_ok == 0 && s->optional)
			runner_preview(r, s);
		if (s->optional && !r->optional_ok && !(r->o.rehearsal &&
		    s->type == &step_vault_import && r->o.vault_dir != NULL)) {
			p->need = RUNNER_NEED_ACK;
			p->def = "run";
			return 1;
		}
		r->phase = PH_RUN;
		return 0;
	case PH_RUN:
		prompt_step(r, p, s);
		return run_step(r, s, p, e);
	case PH_DECISION:
		prompt_step(r, p, s);
		p->need = RUNNER_NEED_DECISION;
		p->message = r->decision_msg;
		p->code = r->blocked ? 0 : r->decision_code;
		return 1;
	case PH_SIGNOFF:
		if (r->nsignoff < s->signoff.n) {
			prompt_step(r, p, s);
			p->need = RUNNER_NEED_SIGNOFF;
			p->name = s->signoff.v[r->nsignoff].s;
			return 1;
		}
		r->phase = PH_CHECKPOINT;
		return 0;
	case PH_CHECKPOINT:
		if (s->checkpoint && r->status[s->index] != ST_SKIPPED) {
			if (r->have_policy && !runner_quorum_ready(r)) {
				prompt_step(r, p, s);
				prompt_card(r, p);
				return 1;
			}
			if ((rc = audit_checkpoint(r->w, e)) != 0)
				return die(r, rc, e);
			runner_emit(r, RUNNER_EV_CHECKPOINT, s->id.s,
			    r->have_policy ? "checkpoint cosigned" :
			    "checkpoint", NULL);
		}
		r->phase = PH_NEXT;
		return 0;
	case PH_NEXT:
		if ((rc = runner_progress_save(r, e)) != 0 ||
		    (rc = runner_fault_power(r, s, 0, e)) != 0)
			return die(r, rc, e);
		step_clear(r);
		r->cur++;
		r->phase = PH_PARAMS;
		return 0;
	}
	return 0;
}

int
runner_next(struct runner *r, struct runner_prompt *p, struct kr_err *e)
{
	int rc;

	for (;;) {
		memset(p, 0, sizeof(*p));
		p->rehearsal = r->o.rehearsal;
		p->quorum_k = r->k;
		p->quorum_n = r->n;
		p->message = r->message[0] ? r->message : NULL;
		if (r->dead) {
			p->need = RUNNER_FAILED;
			p->message = r->fail_msg;
			p->code = r->fail_code;
			break;
		}
		if (r->done) {
			p->need = RUNNER_DONE;
			p->summary = r->summary;
			break;
		}
		if (r->resume_pending) {
			if (runner_quorum_ready(r)) {
				if ((rc = do_resume(r, e)) != 0)
					return die(r, rc, e);
				continue;
			}
			prompt_card(r, p);
			break;
		}
		if ((rc = runner_params_flush(r, e)) != 0)
			return die(r, rc, e);
		if ((rc = advance(r, p, e)) < 0)
			return rc;
		if (rc == 1)
			break;
	}
	r->last_need = p->need;
	return 0;
}
