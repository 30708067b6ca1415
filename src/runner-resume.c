/* SPDX-License-Identifier: ISC */
/*
 * runner-resume.c: the progress file, "<log>.progress".
 *
 * A small JSON object written atomically after every change the runner
 * would need after a crash: how each finished step ended, the parameters
 * already logged, the artifacts for the summary, and the engine's world id
 * before this ceremony's first new-world attempt.  The log stays the
 * record; this file only tells a resumed run where to pick up.  It holds
 * nothing secret.  A crash between a log entry and the file's update makes
 * the resumed run redo (or find done, and say so) the step in question.
 *
 *	{"version":1,"ceremony":"azure-byok","steps":{"prerequisites":"ok"},
 *	 "params":{"vault_name":"Contoso"},"artifacts":[{"name":..,"sha256":..}],
 *	 "world_before":"","started":"package"}
 *
 * "started" names the step whose step-start is logged and that has not
 * ended, when there is one (a resume then says it runs again).
 *
 * The file is not signed, so a resume trusts it only as far as the
 * verified log bears it out: every parameter it holds must be the value
 * the log last recorded for it, every step's status the log's last result
 * for that step (an exception recorded for an "exception"), every artifact
 * one the log recorded with that SHA-256, the started step one the log
 * started, and the ceremony the log's.  It may lag behind the log (a
 * crash between an entry and the file's update); it may not disagree.
 * "world_before" has no entry in the log and is not checked: it only
 * decides whether new-world may replace the module's world.
 * "wrong_pins" ({"step": ID, "cards": {"2": 2}}) counts the wrong PINs of
 * the step the run was at, those typed at a resume's card prompt among
 * them (the log gets those only once the resume is cosigned); a resume
 * takes, per card, the higher of its count and the log's
 * (runner-tries.c), so the file can add tries used, never give one back.
 *
 * The file is written again as soon as a step succeeds, is skipped by
 * its own run (a live run's vault-import) or has an exception recorded,
 * before its sign-offs and checkpoint are asked.  A
 * step the file calls done whose sign-offs or checkpoint the log does not
 * hold after its result (the wizard quit, batch mode stopped or the power
 * went at that prompt) is not done: the run goes on at that step's
 * sign-offs, the ones the log holds counted as given, then its checkpoint
 * (resume_point()).  The step itself is not run again.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit-verify.h"
#include "ceremony.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "runner-int.h"

#define PROGRESS_MAX	(1024 * 1024)

static const char *const status_names[] = {
	"", "ok", "skipped", "exception", "failed",
};

/* "wrong_pins": {"step": ID, "cards": {"2": 2}}: the wrong PINs of the
 * current step (runner-tries.c), when there are any. */
static int
save_tries(struct runner *r, json_t *o)
{
	json_t *t, *cards;
	char k[8];
	int i;

	if (r->cur >= r->c->nsteps || r->wrong_step != r->cur + 1)
		return 0;
	if ((t = json_object()) == NULL || (cards = json_object()) == NULL) {
		json_decref(t);
		return -1;
	}
	json_object_set_new(t, "step", json_string(r->c->steps[r->cur].id.s));
	json_object_set_new(t, "cards", cards);
	for (i = 1; i <= ENGINE_MAX_CARDS; i++) {
		if (r->wrong_pins[i] <= 0)
			continue;
		snprintf(k, sizeof(k), "%d", i);
		json_object_set_new(cards, k, json_integer(r->wrong_pins[i]));
	}
	if (json_object_size(cards) == 0) {
		json_decref(t);
		return 0;
	}
	return json_object_set_new(o, "wrong_pins", t);
}

/* The progress file's "wrong_pins" (save_tries), checked. */
static int
load_tries(struct runner *r, json_t *o, struct kr_err *e)
{
	const struct ceremony_step *s;
	json_t *t = json_object_get(o, "wrong_pins"), *v;
	const char *k;
	long card;
	char *end;

	if (t == NULL)
		return 0;
	if (!json_is_object(t) || (s = ceremony_step_find(r->c,
	    json_string_value(json_object_get(t, "step")) != NULL ?
	    json_string_value(json_object_get(t, "step")) : "")) == NULL ||
	    !json_is_object(json_object_get(t, "cards")))
		return kr_errf(e, KR_EDATA, "%s: bad wrong_pins",
		    r->progress_path);
	memset(r->wrong_pins, 0, sizeof(r->wrong_pins));
	r->wrong_step = s->index + 1;
	json_object_foreach(json_object_get(t, "cards"), k, v) {
		card = strtol(k, &end, 10);
		if (*end != '\0' || card < 1 || card > ENGINE_MAX_CARDS ||
		    !json_is_integer(v) || json_integer_value(v) < 0)
			return kr_errf(e, KR_EDATA, "%s: bad wrong_pins card "
			    "'%s'", r->progress_path, k);
		r->wrong_pins[card] = json_integer_value(v) > RUNNER_PIN_TRIES ?
		    RUNNER_PIN_TRIES : (int)json_integer_value(v);
	}
	return 0;
}

int
runner_progress_save(struct runner *r, struct kr_err *e)
{
	json_t *o, *steps, *params, *arts, *a;
	char *text = NULL;
	size_t i;
	int rc = KR_ENOMEM;

	o = json_object();
	steps = json_object();
	params = json_object();
	arts = json_array();
	if (o == NULL || steps == NULL || params == NULL || arts == NULL)
		goto out;
	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "ceremony", json_string(r->c->id.s));
	for (i = 0; i < r->c->nsteps; i++)
		if (r->status[i] != ST_NONE)
			json_object_set_new(steps, r->c->steps[i].id.s,
			    json_string(status_names[r->status[i]]));
	for (i = 0; i < r->c->nparams; i++)
		if (r->values[i] != NULL && r->logged[i])
			json_object_set_new(params, r->c->params[i].name.s,
			    json_string(r->values[i]));
	for (i = 0; i < r->narts; i++) {
		if ((a = json_pack("{s:s,s:s}", "name", r->arts[i].name,
		    "sha256", r->arts[i].sha256)) == NULL)
			goto out;
		json_array_append_new(arts, a);
	}
	json_object_set(o, "steps", steps);
	json_object_set(o, "params", params);
	json_object_set(o, "artifacts", arts);
	if (r->started && r->cur < r->c->nsteps &&
	    r->status[r->cur] == ST_NONE)
		json_object_set_new(o, "started",
		    json_string(r->c->steps[r->cur].id.s));
	else if (r->resume_pending && r->interrupted[0] != '\0')
		json_object_set_new(o, "started", json_string(r->interrupted));
	if (save_tries(r, o) != 0)
		goto out;
	if (r->world_before_set)
		json_object_set_new(o, "world_before",
		    json_string(r->world_before));
	if ((text = json_dumps(o, JSON_SORT_KEYS | JSON_INDENT(1))) == NULL)
		goto out;
	rc = kr_write_atomic(r->progress_path, text, strlen(text), 0600, e);
out:
	if (rc == KR_ENOMEM)
		kr_errf(e, rc, "%s: out of memory", r->progress_path);
	free(text);
	json_decref(steps);
	json_decref(params);
	json_decref(arts);
	json_decref(o);
	return rc;
}

static int
load_status(const char *s)
{
	size_t i;

	for (i = 1; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (strcmp(s, status_names[i]) == 0)
			return (int)i;
	return -1;
}

/* What the verified log says, as maps from names to values. */
struct facts {
	json_t	*params;	/* name -> last value */
	json_t	*results;	/* step -> last step-result */
	json_t	*started;	/* step -> true */
	json_t	*excepted;	/* step -> true */
	json_t	*arts;		/* name -> {sha256 hex: true} */
	char	 ceremony[132];
	/* the step of the log's last step-result, and what follows it */
	char	 tail[128];
	size_t	 tail_signoffs;	/* sign-offs for it */
	int	 tail_checkpoint; /* a checkpoint entry */
	int	 tail_no_signoff; /* skipped without its sign-offs asked */
};

/* A step-result "skipped" that the runner ends without sign-offs (the
 * operator skipped it, or it was not chosen): by its detail. */
static int
skip_without_signoffs(const json_t *d)
{
	const char *res = json_string_value(json_object_get(d, "result"));
	const char *det = json_string_value(json_object_get(d, "detail"));

	if (res == NULL || strcmp(res, "skipped") != 0)
		return 0;
	if (det == NULL)
		return 0;
	return strcmp(det, RUNNER_SKIP_OPERATOR) == 0 ||
	    strncmp(det, RUNNER_SKIP_NOT_CHOSEN,
	    strlen(RUNNER_SKIP_NOT_CHOSEN)) == 0 ||
	    strncmp(det, RUNNER_SKIP_NOT_APPLICABLE,
	    strlen(RUNNER_SKIP_NOT_APPLICABLE)) == 0;
}

static int
take_fact(void *arg, const struct audit_walk_entry *we, struct kr_err *e)
{
	struct facts *f = arg;
	const json_t *d = we->data;
	const char *name, *b64;
	uint8_t h[32];
	char hex[65];
	size_t n = 0;
	json_t *set;

	if (we->type != NULL && strcmp(we->type, "checkpoint") == 0)
		f->tail_checkpoint = 1;
	if (we->event == NULL)
		return 0;
	if (strcmp(we->event, "step-result") == 0 && we->step != NULL) {
		snprintf(f->tail, sizeof(f->tail), "%s", we->step);
		f->tail_signoffs = 0;
		f->tail_checkpoint = 0;
		f->tail_no_signoff = skip_without_signoffs(d);
	} else if (strcmp(we->event, "signoff") == 0 && we->step != NULL &&
	    strcmp(we->step, f->tail) == 0)
		f->tail_signoffs++;
	if (strcmp(we->event, "ceremony-start") == 0)
		snprintf(f->ceremony, sizeof(f->ceremony), "%s",
		    json_string_value(json_object_get(d, "ceremony")));
	else if (strcmp(we->event, "parameter-set") == 0)
		json_object_set(f->params, json_string_value(json_object_get(d,
		    "name")), json_object_get(d, "value"));
	else if (strcmp(we->event, "step-start") == 0 && we->step != NULL)
		json_object_set_new(f->started, we->step, json_true());
	else if (strcmp(we->event, "step-result") == 0 && we->step != NULL)
		json_object_set(f->results, we->step, json_object_get(d,
		    "result"));
	else if (strcmp(we->event, "exception") == 0 && we->step != NULL)
		json_object_set_new(f->excepted, we->step, json_true());
	else if (strcmp(we->event, "artifact-written") == 0) {
		name = json_string_value(json_object_get(d, "name"));
		name = name != NULL ? name : "";
		b64 = json_string_value(json_object_get(d, "sha256"));
		if (b64 == NULL || kr_b64_decode(b64, strlen(b64), h, sizeof(h),
		    &n) != 0 || n != 32)
			return kr_errf(e, KR_EDATA, "artifact %s: bad SHA-256",
			    name);
		kr_hex_encode(h, 32, hex, sizeof(hex));
		if ((set = json_object_get(f->arts, name)) == NULL) {
			set = json_object();
			json_object_set_new(f->arts, name, set);
		}
		json_object_set_new(set, hex, json_true());
	}
	return 0;
}

/* A step's status in the progress file against the log. */
static int
status_agrees(const struct facts *f, const char *step, const char *st)
{
	const char *res = json_string_value(json_object_get(f->results, step));

	if (res == NULL)
		return 0;
	if (strcmp(st, "ok") == 0)
		return strcmp(res, "ok") == 0 || strcmp(res, "warning") == 0;
	if (strcmp(st, "exception") == 0)
		return json_object_get(f->excepted, step) != NULL;
	return strcmp(res, st) == 0;
}

/* The steps' statuses of the progress file o. */
static int
load_steps(struct runner *r, json_t *o, struct kr_err *e)
{
	const struct ceremony_step *s;
	const char *k;
	json_t *v;
	int st;

	json_object_foreach(json_object_get(o, "steps"), k, v) {
		if ((s = ceremony_step_find(r->c, k)) == NULL ||
		    !json_is_string(v) ||
		    (st = load_status(json_string_value(v))) < 0)
			return kr_errf(e, KR_EDATA, "%s: bad step '%s'",
			    r->progress_path, k);
		r->status[s->index] = (enum runner_status)st;
	}
	return 0;
}

/* The checks of the header comment; o is the parsed progress file. */
static int
agrees_with_log(struct runner *r, const struct facts *f, json_t *o,
    struct kr_err *e)
{
	const char *k, *logged, *pp = r->progress_path;
	json_t *v, *x;
	size_t i;

	if (strcmp(json_string_value(json_object_get(o, "ceremony")),
	    f->ceremony) != 0)
		return kr_errf(e, KR_EDATA, "%s: another ceremony than the "
		    "log's", pp);
	json_object_foreach(json_object_get(o, "params"), k, v) {
		logged = json_string_value(json_object_get(f->params, k));
		if (logged == NULL || !json_is_string(v) ||
		    strcmp(logged, json_string_value(v)) != 0)
			return kr_errf(e, KR_EDATA, "%s: parameter '%s' is not "
			    "the value the log records%s; the progress file was "
			    "changed and is refused", pp, k, logged == NULL ?
			    " (none)" : "");
	}
	json_object_foreach(json_object_get(o, "steps"), k, v)
		if (!json_is_string(v) || !status_agrees(f, k,
		    json_string_value(v)))
			return kr_errf(e, KR_EDATA, "%s: step '%s' is '%s' but "
			    "the log does not say so; the progress file was "
			    "changed and is refused", pp, k,
			    json_is_string(v) ? json_string_value(v) : "?");
	json_array_foreach(json_object_get(o, "artifacts"), i, v) {
		x = json_object_get(f->arts, json_string_value(json_object_get(v,
		    "name")) ? json_string_value(json_object_get(v, "name")) :
		    "");
		if (x == NULL || json_object_get(x, json_string_value(
		    json_object_get(v, "sha256")) ? json_string_value(
		    json_object_get(v, "sha256")) : "") == NULL)
			return kr_errf(e, KR_EDATA, "%s: artifact %zu is not one "
			    "the log records; the progress file was changed and "
			    "is refused", pp, i + 1);
	}
	if (json_is_string(v = json_object_get(o, "started")) &&
	    json_object_get(f->started, json_string_value(v)) == NULL)
		return kr_errf(e, KR_EDATA, "%s: step '%s' never started in the "
		    "log; the progress file was changed and is refused", pp,
		    json_string_value(v));
	return 0;
}

/*
 * The last finished step (the file's) when the log holds its result last
 * and not all its sign-offs, or not its checkpoint: resume_signoff and the
 * sign-offs given.  A step that succeeded, has an exception or was
 * skipped by its own run asks them; one the operator skipped or that was
 * not chosen ended without, and a skipped step has no checkpoint.
 */
static void
resume_point(struct runner *r, const struct facts *f)
{
	const struct ceremony_step *s;
	enum runner_status st;
	size_t i;

	for (i = 0; i < r->c->nsteps && r->status[i] != ST_NONE; i++)
		;
	if (i == 0)
		return;
	s = &r->c->steps[i - 1];
	st = r->status[i - 1];
	if ((st != ST_OK && st != ST_EXCEPTION && st != ST_SKIPPED) ||
	    (st == ST_SKIPPED && f->tail_no_signoff) ||
	    strcmp(s->id.s, f->tail) != 0)
		return;
	if (f->tail_signoffs >= s->signoff.n &&
	    (!s->checkpoint || st == ST_SKIPPED || f->tail_checkpoint))
		return;
	r->resume_signoff = i;
	r->nsignoff = f->tail_signoffs < s->signoff.n ? f->tail_signoffs :
	    s->signoff.n;
}

static int
check_against_log(struct runner *r, json_t *o, uint64_t entries,
    struct kr_err *e)
{
	struct facts f;
	int rc;

	memset(&f, 0, sizeof(f));
	f.params = json_object();
	f.results = json_object();
	f.started = json_object();
	f.excepted = json_object();
	f.arts = json_object();
	if (f.params == NULL || f.results == NULL || f.started == NULL ||
	    f.excepted == NULL || f.arts == NULL)
		rc = kr_errf(e, KR_ENOMEM, "out of memory");
	else if ((rc = audit_walk_file(r->o.log_path, entries, take_fact, &f,
	    e)) == 0 && (rc = agrees_with_log(r, &f, o, e)) == 0 &&
	    (rc = load_steps(r, o, e)) == 0)
		resume_point(r, &f);
	json_decref(f.params);
	json_decref(f.results);
	json_decref(f.started);
	json_decref(f.excepted);
	json_decref(f.arts);
	return rc;
}

static int
take_end(void *arg, const struct audit_walk_entry *we, struct kr_err *e)
{
	const char *res;

	if (we->event == NULL || strcmp(we->event, "ceremony-end") != 0)
		return 0;
	res = json_string_value(json_object_get(we->data, "result"));
	snprintf(arg, 32, "%s", res != NULL ? res : "");
	return 0;
}

int
runner_log_final(struct runner *r, uint64_t entries, struct kr_err *e)
{
	char end[32] = "";
	int rc;

	if ((rc = audit_walk_file(r->o.log_path, entries, take_end, end,
	    e)) != 0)
		return rc;
	if (strcmp(end, "aborted") == 0)
		return kr_errf(e, KR_EFAIL, "%s: the log ended aborted (the "
		    "ceremony was aborted); an aborted ceremony is final and "
		    "is not resumed: start a new log", r->o.log_path);
	return 0;
}

int
runner_progress_load(struct runner *r, uint64_t entries, struct kr_err *e)
{
	const struct ceremony_param *p;
	json_t *o = NULL, *v, *x;
	json_error_t je;
	const char *k;
	char *buf = NULL;
	size_t len, i;
	int rc;

	if (!kr_path_exists(r->progress_path))
		return 0;	/* crashed before the first step ended */
	if ((rc = kr_read_file(r->progress_path, PROGRESS_MAX, &buf, &len,
	    e)) != 0)
		return rc;
	rc = KR_EDATA;
	if ((o = json_loadb(buf, len, 0, &je)) == NULL || !json_is_object(o)) {
		kr_errf(e, rc, "%s: not a progress file", r->progress_path);
		goto out;
	}
	v = json_object_get(o, "ceremony");
	if (!json_is_string(v) || strcmp(json_string_value(v),
	    r->c->id.s) != 0) {
		kr_errf(e, rc, "%s: progress of another ceremony",
		    r->progress_path);
		goto out;
	}
	if ((rc = check_against_log(r, o, entries, e)) != 0)
		goto out;
	rc = KR_EDATA;
	json_object_foreach(json_object_get(o, "params"), k, v) {
		if ((p = ceremony_param_find(r->c, k)) == NULL ||
		    !json_is_string(v) || runner_param_store(r, p,
		    json_string_value(v), e) != 0) {
			kr_errf(e, rc, "%s: bad parameter '%s'",
			    r->progress_path, k);
			goto out;
		}
		r->logged[p - r->c->params] = 1;
	}
	json_array_foreach(json_object_get(o, "artifacts"), i, v) {
		x = json_object_get(v, "sha256");
		if (!json_is_string(json_object_get(v, "name")) ||
		    !json_is_string(x) || strlen(json_string_value(x)) != 64) {
			kr_errf(e, rc, "%s: bad artifact", r->progress_path);
			goto out;
		}
		if (runner_add_artifact(r, json_string_value(json_object_get(v,
		    "name")), json_string_value(x)) != 0) {
			rc = kr_errf(e, KR_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (json_is_string(v = json_object_get(o, "started")))
		snprintf(r->interrupted, sizeof(r->interrupted), "%s",
		    json_string_value(v));
	if ((rc = load_tries(r, o, e)) != 0)
		goto out;
	if (json_is_string(v = json_object_get(o, "world_before"))) {
		snprintf(r->world_before, sizeof(r->world_before), "%s",
		    json_string_value(v));
		r->world_before_set = 1;
	}
	rc = 0;
out:
	json_decref(o);
	free(buf);
	return rc;
}
