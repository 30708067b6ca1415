/* SPDX-License-Identifier: ISC */
/*
 * runner-report.c: report.md, the rehearsal report for the trainer.
 *
 * Written in out_dir when a rehearsal's runner closes, whatever the end:
 * sealed, failed, aborted, or stopped at a failed step (a power cut kills
 * the process before; the resumed run writes it).  It is made from the
 * audit log alone, so it says what the record says: the time spent in each
 * step (from step-start to its last result, summed over attempts), every
 * error met (failed step results, refused cards, clock warnings, resumes)
 * with what was done about it next (retried, exception recorded, other
 * cards presented, aborted, resumed, or nothing: the rehearsal stopped),
 * and the scenario's expected step, message and response (expanded with
 * the run's values, like a step's text) beside what happened, each flagged "as expected" or "DIFFERS": the step must be
 * the same, the actual message must hold the expected one (ignoring
 * case), and what was done must be a kind of response the expected one
 * (prose) names: again/retry/repeat, another or other card, exception,
 * stop, restart/resume, go on/continue.  A scenario whose fault uses up a
 * card's PIN tries (wrong-pin, times >= RUNNER_PIN_TRIES) expects the step
 * to fail: a "step result" row says whether it did, and the trainer's line
 * (runner_report_end) names a failed step.  Nothing secret is in the log, so nothing secret is here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ceremony.h"
#include "clock.h"
#include "err.h"
#include "fsutil.h"
#include "runner-int.h"
#include "scenario.h"

#define LOG_MAX		(64 * 1024 * 1024)

struct ent {
	const char	*type;		/* event, checkpoint, resume, seal */
	const char	*event;		/* or NULL */
	const char	*step;		/* or NULL */
	const char	*t;
	json_t		*d;		/* data, or NULL */
	long long	 seq;
};

static const char *
dstr(const struct ent *x, const char *k)
{
	const char *s = json_string_value(json_object_get(x->d, k));

	return s != NULL ? s : "";
}

static int
is(const struct ent *x, const char *event)
{
	return x->event != NULL && strcmp(x->event, event) == 0;
}

static int
same_step(const struct ent *x, const char *step)
{
	return x->step != NULL && step != NULL && strcmp(x->step, step) == 0;
}

/* A table cell: no pipes or newlines. */
static void
cell(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		fputc(*s == '|' ? '/' : (*s == '\n' || *s == '\r') ? ' ' : *s,
		    f);
}

static long long
tdiff(const char *a, const char *b)
{
	time_t ta, tb;

	if (a == NULL || b == NULL || kr_rfc3339_parse(a, &ta) != 0 ||
	    kr_rfc3339_parse(b, &tb) != 0)
		return 0;
	return (long long)(tb - ta);
}

static void
duration(FILE *f, long long s)
{
	if (s < 0)
		fprintf(f, "-");
	else if (s < 60)
		fprintf(f, "%llds", s);
	else if (s < 3600)
		fprintf(f, "%lldm %02llds", s / 60, s % 60);
	else
		fprintf(f, "%lldh %02lldm", s / 3600, (s / 60) % 60);
}

/* A card-presented outcome as the runner words it. */
static const char *
outcome_words(const char *o)
{
	static const char *const w[][2] = {
		{ "wrong-pin", "wrong PIN" }, { "damaged", "damaged card" },
		{ "missing", "no such card" },
		{ "wrong-world", "belongs to another world" },
		{ "duplicate", "presented already" },
	};
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (strcmp(o, w[i][0]) == 0)
			return w[i][1];
	return o;
}

/* Is entry i an error?  Its message in msg. */
static int
error_at(const struct ent *v, size_t i, char *msg, size_t msz)
{
	const struct ent *x = &v[i];

	if (strcmp(x->type, "resume") == 0) {
		if (i > 0 && is(&v[i - 1], "stopped"))
			snprintf(msg, msz, "stopped by the operator; the log "
			    "was resumed");
		else
			snprintf(msg, msz, "the run stopped (a crash or a "
			    "power cut); the log was resumed");
		return 1;
	}
	if (is(x, "step-result") && strcmp(dstr(x, "result"), "failed") == 0) {
		snprintf(msg, msz, "%s", dstr(x, "detail")[0] != '\0' ?
		    dstr(x, "detail") : "the step failed");
		return 1;
	}
	if (is(x, "card-presented") &&
	    strcmp(dstr(x, "outcome"), "accepted") != 0) {
		snprintf(msg, msz, "card %lld: %s",
		    (long long)json_integer_value(json_object_get(x->d, "card")),
		    outcome_words(dstr(x, "outcome")));
		return 1;
	}
	if (is(x, "note") && strncmp(dstr(x, "text"), "the clock moved ",
	    16) == 0) {
		snprintf(msg, msz, "%s", dstr(x, "text"));
		return 1;
	}
	return 0;
}

/* What was done after the error at i. */
static void
response(const struct ent *v, size_t n, size_t i, char *out, size_t osz)
{
	const struct ent *x = &v[i], *y;
	json_int_t card = json_integer_value(json_object_get(x->d, "card"));
	size_t j;

	if (strcmp(x->type, "resume") == 0) {
		snprintf(out, osz, "resumed from the log");
		return;
	}
	for (j = i + 1; j < n; j++) {
		y = &v[j];
		if (strcmp(y->type, "resume") == 0) {
			snprintf(out, osz, "stopped; resumed later");
			return;
		}
		if (is(y, "ceremony-end")) {
			snprintf(out, osz, "%s", strcmp(dstr(y, "result"),
			    "aborted") == 0 ? "aborted" : "ceremony ended");
			return;
		}
		if (is(y, "exception") && same_step(y, x->step)) {
			snprintf(out, osz, "exception recorded: %s",
			    dstr(y, "reason"));
			return;
		}
		if (is(x, "card-presented") && is(y, "card-presented") &&
		    same_step(y, x->step) &&
		    strcmp(dstr(y, "outcome"), "accepted") == 0) {
			if (json_integer_value(json_object_get(y->d, "card")) ==
			    card)
				snprintf(out, osz, "retried: card %lld "
				    "accepted", (long long)card);
			else
				snprintf(out, osz, "another card presented "
				    "(card %lld)", (long long)json_integer_value(
				    json_object_get(y->d, "card")));
			return;
		}
		if (is(x, "card-presented") && is(y, "card-presented") &&
		    same_step(y, x->step) &&
		    json_integer_value(json_object_get(y->d, "card")) ==
		    card) {
			snprintf(out, osz, "retried: card %lld, %s again",
			    (long long)card, outcome_words(dstr(y, "outcome")));
			return;
		}
		if (is(x, "card-presented") && is(y, "step-result") &&
		    same_step(y, x->step) &&
		    strcmp(dstr(y, "result"), "failed") == 0) {
			snprintf(out, osz, "the step failed: %s",
			    dstr(y, "detail"));
			return;
		}
		if (is(y, "step-start") && same_step(y, x->step) &&
		    !is(x, "card-presented")) {
			snprintf(out, osz, "retried");
			return;
		}
		if (is(y, "step-start") && !same_step(y, x->step)) {
			snprintf(out, osz, "went on to step '%s'", y->step);
			return;
		}
	}
	snprintf(out, osz, "none: the rehearsal stopped here");
}

static void
times(FILE *f, const struct runner *r, const struct ent *v, size_t n)
{
	const struct ceremony_step *s;
	const char *start, *result;
	long long spent;
	size_t i, j;
	int ran;

	fprintf(f, "\n## Time per step\n\n| step | time | result |\n"
	    "|---|---|---|\n");
	for (i = 0; i < r->c->nsteps; i++) {
		s = &r->c->steps[i];
		start = NULL;
		result = NULL;
		spent = 0;
		ran = 0;
		for (j = 0; j < n; j++) {
			if (!same_step(&v[j], s->id.s))
				continue;
			if (is(&v[j], "step-start")) {
				if (start != NULL)
					spent += tdiff(start, v[j].t);
				start = v[j].t;
				ran = 1;
			} else if (start != NULL && (is(&v[j], "step-result") ||
			    is(&v[j], "signoff") || is(&v[j], "exception"))) {
				spent += tdiff(start, v[j].t);
				start = v[j].t;
			}
			if (is(&v[j], "step-result"))
				result = dstr(&v[j], "result");
			else if (is(&v[j], "exception"))
				result = "exception";
		}
		if (!ran)
			continue;
		fprintf(f, "| %s | ", s->id.s);
		duration(f, spent);
		fprintf(f, " | %s |\n", result != NULL ? result :
		    "not finished");
	}
}

/* Does the actual text match the expected one?  Case-insensitive: the
 * expected text is in the actual one. */
static int
text_matches(const char *expected, const char *actual)
{
	size_t n, i;

	if (expected == NULL || expected[0] == '\0')
		return 1;
	if (actual == NULL)
		return 0;
	n = strlen(expected);
	for (i = 0; actual[i] != '\0'; i++)
		if (strncasecmp(actual + i, expected, n) == 0)
			return 1;
	return 0;
}

/* The kinds of response the report tells apart, as flags. */
enum {
	RESP_RETRY = 1, RESP_OTHER_CARD = 2, RESP_EXCEPTION = 4,
	RESP_STOP = 8, RESP_RESUME = 16, RESP_ON = 32,
};

static int
has_word(const char *s, const char *w)
{
	return s != NULL && text_matches(w, s);
}

/* The responses a scenario's expected response (prose) allows. */
static int
expected_kinds(const char *s)
{
	int k = 0;

	if (has_word(s, "again") || has_word(s, "retry") ||
	    has_word(s, "repeat"))
		k |= RESP_RETRY;
	if (has_word(s, "another card") || has_word(s, "other card") ||
	    has_word(s, "present card"))
		k |= RESP_OTHER_CARD;
	if (has_word(s, "exception"))
		k |= RESP_EXCEPTION;
	if (has_word(s, "stop"))
		k |= RESP_STOP;
	if (has_word(s, "restart") || has_word(s, "resume"))
		k |= RESP_RESUME | RESP_STOP;
	if (has_word(s, "go on") || has_word(s, "continue"))
		k |= RESP_ON;
	return k;
}

/* The kind of what was done, as response() words it. */
static int
actual_kind(const char *s)
{
	if (strncmp(s, "retried", 7) == 0)
		return RESP_RETRY;
	if (strncmp(s, "another card", 12) == 0)
		return RESP_OTHER_CARD;
	if (strncmp(s, "exception", 9) == 0)
		return RESP_EXCEPTION;
	if (strncmp(s, "resumed", 7) == 0 || strncmp(s, "stopped; resumed",
	    16) == 0)
		return RESP_RESUME;
	if (strncmp(s, "aborted", 7) == 0 || strncmp(s, "none", 4) == 0)
		return RESP_STOP;
	if (strncmp(s, "went on", 7) == 0)
		return RESP_ON;
	return 0;
}

static const char *
flag(int same)
{
	return same ? "as expected" : "**DIFFERS**";
}

/* A scenario whose fault gives a card more wrong PINs than a step allows
 * expects the step to fail: that expectation in words, or 0. */
static int
expects_failure(const struct ceremony_scenario *sc, char *out, size_t osz)
{
	size_t i;

	for (i = 0; i < sc->nfaults; i++)
		if (sc->faults[i].kind == CEREMONY_FAULT_WRONG_PIN &&
		    sc->faults[i].times >= RUNNER_PIN_TRIES) {
			snprintf(out, osz, "fails: card %d has no PIN try left "
			    "in it (%d wrong PINs)", sc->faults[i].card,
			    RUNNER_PIN_TRIES);
			return 1;
		}
	return 0;
}

/* How step ended in the log, into out; 1 when it failed (at any attempt),
 * *last_failed set when its last result is a failure with no exception
 * recorded after it (the rehearsal stopped there). */
static int
step_ended(const struct ent *v, size_t n, const char *step, char *out,
    size_t osz, int *last_failed)
{
	const char *fail = NULL, *last = NULL;
	size_t i;

	snprintf(out, osz, "did not run");
	*last_failed = 0;
	for (i = 0; step != NULL && i < n; i++) {
		if (!same_step(&v[i], step))
			continue;
		if (is(&v[i], "exception"))	/* the run went on */
			*last_failed = 0;
		if (!is(&v[i], "step-result"))
			continue;
		last = dstr(&v[i], "result");
		*last_failed = strcmp(last, "failed") == 0;
		if (*last_failed)
			fail = dstr(&v[i], "detail");
	}
	if (fail != NULL)
		snprintf(out, osz, "failed: %s%s", fail, strcmp(last,
		    "failed") != 0 ? " (then ran again)" : "");
	else if (last != NULL)
		snprintf(out, osz, "%s", last);
	return fail != NULL;
}

/* The expected end of the step (expects_failure) against the log's; a
 * table row, and 1 when they differ.  end gets what the trainer's line
 * says when the rehearsal stopped at the step failed (runner_report_end). */
static int
result_check(FILE *f, const struct ceremony_scenario *sc,
    const struct ent *v, size_t n, const char *step, char *end,
    size_t endsz)
{
	char want[160], got[KR_ERR_MSG_MAX];
	int failed, expected, last_failed = 0;

	expected = expects_failure(sc, want, sizeof(want));
	failed = step_ended(v, n, step, got, sizeof(got), &last_failed);
	if (last_failed)
		snprintf(end, endsz, "step '%s' %.400s%s", step, got,
		    expected ? ", as the scenario expects" : "");
	if (!expected)
		return 0;
	fprintf(f, "| step result | ");
	cell(f, want);
	fprintf(f, " | ");
	cell(f, got);
	fprintf(f, " | %s |\n", flag(failed));
	return !failed;
}

/* The scenario's expectations against what the log says; returns the
 * number of differences. */
static int
scenario_check(FILE *f, const struct ceremony_scenario *sc,
    const char *xmsg, const char *xresp, const char *step, const char *msg,
    const char *what)
{
	int ds, dm, dr, ek;

	ds = sc->expect_step.s == NULL || (step != NULL &&
	    strcmp(sc->expect_step.s, step) == 0);
	dm = text_matches(xmsg, msg[0] != '\0' ? msg : NULL);
	ek = expected_kinds(xresp);
	dr = xresp == NULL || (what[0] != '\0' &&
	    (ek == 0 || (ek & actual_kind(what)) != 0));
	fprintf(f, "\n\n| | expected | actual | check |\n|---|---|---|---|\n");
	fprintf(f, "| step | %s | %s | %s |\n", sc->expect_step.s != NULL ?
	    sc->expect_step.s : "-", step != NULL ? step : "-", flag(ds));
	fprintf(f, "| message | ");
	cell(f, xmsg != NULL ? xmsg : "-");
	fprintf(f, " | ");
	cell(f, msg[0] != '\0' ? msg : "(no error)");
	fprintf(f, " | %s |\n| response | ", flag(dm));
	cell(f, xresp != NULL ? xresp : "-");
	fprintf(f, " | ");
	cell(f, what[0] != '\0' ? what : "-");
	fprintf(f, " | %s |\n", flag(dr));
	return !ds + !dm + !dr;
}

static int
write_md(FILE *f, struct runner *r, const struct ent *v, size_t n)
{
	int r_differs = 0;

	const struct ceremony_scenario *sc = r->o.scenario;
	const char *outcome = "stopped before the end (not sealed)";
	char msg[KR_ERR_MSG_MAX], what[KR_ERR_MSG_MAX];
	char first_msg[KR_ERR_MSG_MAX] = "", first_what[KR_ERR_MSG_MAX] = "";
	char *xmsg, *xresp;
	const char *first_step = NULL;
	size_t i, nerr = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].type, "seal") == 0)
			outcome = "completed and sealed";
		else if (is(&v[i], "ceremony-end") &&
		    strcmp(dstr(&v[i], "result"), "completed") != 0)
			outcome = strcmp(dstr(&v[i], "result"), "aborted") == 0 ?
			    "aborted" : "failed";
	}
	fprintf(f, "# Rehearsal report: %s\n\n| | |\n|---|---|\n", r->c->id.s);
	fprintf(f, "| ceremony | ");
	cell(f, r->c->title.s);
	fprintf(f, " |\n| scenario | %s |\n", sc != NULL ? sc->name.s :
	    "(none)");
	fprintf(f, "| log | ");
	cell(f, r->o.log_path);
	fprintf(f, " |\n| outcome | %s |\n", outcome);
	if (n > 0) {
		fprintf(f, "| first entry | %s |\n| last entry | %s |\n",
		    v[0].t, v[n - 1].t);
		fprintf(f, "| time in all | ");
		duration(f, tdiff(v[0].t, v[n - 1].t));
		fprintf(f, " |\n");
	}
	times(f, r, v, n);

	fprintf(f, "\n## Errors and what was done\n\n");
	for (i = 0; i < n; i++) {
		if (!error_at(v, i, msg, sizeof(msg)))
			continue;
		response(v, n, i, what, sizeof(what));
		if (nerr++ == 0) {
			fprintf(f, "| time | step | error | done about it |\n"
			    "|---|---|---|---|\n");
			first_step = v[i].step;
			snprintf(first_msg, sizeof(first_msg), "%s", msg);
			snprintf(first_what, sizeof(first_what), "%s", what);
		}
		fprintf(f, "| %s | %s | ", v[i].t, v[i].step != NULL ?
		    v[i].step : "-");
		cell(f, msg);
		fprintf(f, " | ");
		cell(f, what);
		fprintf(f, " |\n");
	}
	if (nerr == 0)
		fprintf(f, "No error was met.\n");

	if (sc == NULL)
		return 0;
	fprintf(f, "\n## Scenario: %s\n\n", sc->name.s);
	cell(f, sc->description.s);
	/* The expectations are templates too (a region's package names):
	 * expanded with this run's values, as the trainee saw them. */
	xmsg = runner_expand_display(r, sc->expect_message.s);
	xresp = runner_expand_display(r, sc->expect_response.s);
	r_differs = scenario_check(f, sc, xmsg != NULL ? xmsg :
	    sc->expect_message.s, xresp != NULL ? xresp :
	    sc->expect_response.s, first_step, first_msg, first_what);
	r_differs += result_check(f, sc, v, n, sc->expect_step.s != NULL ?
	    sc->expect_step.s : first_step, r->report_end,
	    sizeof(r->report_end));
	free(xmsg);
	free(xresp);
	if (r_differs > 0)
		fprintf(f, "\n**%d of the trainee's responses differ from the "
		    "scenario's expected ones.**\n", r_differs);
	else
		fprintf(f, "\nEvery response is as the scenario expects.\n");
	fprintf(f, "\nFaults injected (from the log):\n\n");
	for (i = 0; i < n; i++) {
		if (!is(&v[i], "fault-injected"))
			continue;
		fprintf(f, "- %s, step %s: %s", v[i].t, v[i].step != NULL ?
		    v[i].step : "-", dstr(&v[i], "fault"));
		if (dstr(&v[i], "detail")[0] != '\0') {
			fprintf(f, ": ");
			cell(f, dstr(&v[i], "detail"));
		}
		fprintf(f, "\n");
	}
	return r_differs;
}

/*
 * A sealed rehearsal's transcript carries the report too, so that the
 * trainer's printout has both: transcript.txt is rewritten (atomically)
 * as the transcript, then the report.
 */
static void
append_to_transcript(struct runner *r, const char *md, size_t mdlen)
{
	static const char head[] = "\nREHEARSAL REPORT\n================\n\n";
	struct kr_err e;
	char path[4096], *tr = NULL, *all = NULL;
	size_t trlen, len;

	if (kr_path_join(path, sizeof(path), r->o.out_dir,
	    "transcript.txt") != 0 ||
	    kr_read_file(path, LOG_MAX, &tr, &trlen, &e) != 0)
		return;
	if (strstr(tr, head + 1) == NULL) {
		len = trlen + sizeof(head) - 1 + mdlen;
		if ((all = malloc(len)) != NULL) {
			memcpy(all, tr, trlen);
			memcpy(all + trlen, head, sizeof(head) - 1);
			memcpy(all + trlen + sizeof(head) - 1, md, mdlen);
			(void)kr_write_atomic(path, all, len, 0600, &e);
		}
	}
	free(all);
	free(tr);
}

int
runner_write_report(struct runner *r)
{
	return runner_report(r);
}

const char *
runner_report_end(const struct runner *r)
{
	return r->report_end;
}

int
runner_report(struct runner *r)
{
	struct kr_err e;
	struct ent *v = NULL;
	json_t **objs = NULL, *o, *x;
	char *buf = NULL, *line, *next, *md = NULL, path[4096];
	size_t len, n = 0, max = 1, mdlen = 0, i;
	FILE *f;
	int differs = -1;

	if (!r->o.rehearsal || r->o.out_dir == NULL ||
	    kr_read_file(r->o.log_path, LOG_MAX, &buf, &len, &e) != 0)
		return -1;
	for (i = 0; i < len; i++)
		if (buf[i] == '\n')
			max++;
	if ((v = calloc(max, sizeof(*v))) == NULL ||
	    (objs = calloc(max, sizeof(*objs))) == NULL)
		goto out;
	for (line = buf; line != NULL && *line != '\0' && n < max;
	    line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			break;		/* a partial last line */
		*next++ = '\0';
		if ((o = json_loads(line, 0, NULL)) == NULL)
			continue;
		objs[n] = o;
		x = json_object_get(o, "e");
		v[n].type = json_string_value(json_object_get(x, "type"));
		v[n].event = json_string_value(json_object_get(x, "event"));
		v[n].step = json_string_value(json_object_get(x, "step"));
		v[n].t = json_string_value(json_object_get(x, "t"));
		v[n].d = json_object_get(x, "data");
		v[n].seq = json_integer_value(json_object_get(x, "seq"));
		if (v[n].type == NULL)
			v[n].type = "";
		if (v[n].t == NULL)
			v[n].t = "";
		n++;
	}
	if ((f = open_memstream(&md, &mdlen)) == NULL)
		goto out;
	r->report_end[0] = '\0';
	i = (size_t)write_md(f, r, v, n);
	if (fclose(f) != 0)
		goto out;
	if (kr_path_join(path, sizeof(path), r->o.out_dir, "report.md") == 0 &&
	    kr_write_atomic(path, md, mdlen, 0600, &e) == 0)
		differs = (int)i;
	append_to_transcript(r, md, mdlen);
out:
	free(md);
	for (i = 0; i < n; i++)
		json_decref(objs[i]);
	free(objs);
	free(v);
	free(buf);
	return differs;
}
