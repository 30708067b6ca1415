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
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ceremony.h"
#include "err.h"
#include "fsutil.h"
#include "runner-int.h"

#define PROGRESS_MAX	(1024 * 1024)

static const char *const status_names[] = {
	"", "ok", "skipped", "exception", "failed",
};

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

int
runner_progress_load(struct runner *r, struct kr_err *e)
{
	const struct ceremony_step *s;
	const struct ceremony_param *p;
	json_t *o = NULL, *v, *x;
	json_error_t je;
	const char *k;
	char *buf = NULL;
	size_t len, i;
	int rc, st;

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
	json_object_foreach(json_object_get(o, "steps"), k, v) {
		if ((s = ceremony_step_find(r->c, k)) == NULL ||
		    !json_is_string(v) ||
		    (st = load_status(json_string_value(v))) < 0) {
			kr_errf(e, rc, "%s: bad step '%s'", r->progress_path,
			    k);
			goto out;
		}
		r->status[s->index] = (enum runner_status)st;
	}
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
