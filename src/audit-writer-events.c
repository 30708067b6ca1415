/* SPDX-License-Identifier: ISC */
/*
 * audit-writer-events.c: one function per event of the log
 * (keyrite-audit(5)), each building the event's members and handing the
 * entry to audit_writer_append() (audit-writer.c).  The runner is their
 * only caller.
 */
#include <stdarg.h>
#include <string.h>

#include "audit-int.h"
#include "audit-writer-int.h"
#include "err.h"

/* Builds an event entry: {"event":..., "step":..., "actor":..., "data":{}}. */
static json_t *
event_new(int event, const char *step, const char *actor, json_t **data)
{
	json_t *e;

	*data = NULL;
	if ((e = json_object()) == NULL)
		return NULL;
	if (audit_set_str(e, "event", audit_event_name(event)) != 0 ||
	    audit_set_str(e, "step", step) != 0 ||
	    audit_set_str(e, "actor", actor) != 0 ||
	    (*data = json_object()) == NULL ||
	    json_object_set_new(e, "data", *data) != 0) {
		json_decref(e);
		*data = NULL;
		return NULL;
	}
	return e;
}

/* Appends an event whose data the caller filled; bad marks a field that
 * could not be set (invalid UTF-8, out of memory). */
static int
event_append(struct audit_writer *w, json_t *e, int bad, struct kr_err *err)
{
	if (e == NULL || bad) {
		json_decref(e);
		return kr_errf(err, KR_EUSAGE,
		    "audit: a field is not valid UTF-8 or memory ran out");
	}
	return audit_writer_append(w, e, AUDIT_T_EVENT, err);
}

/* Appends an event whose data are strings: the arguments after err are
 * key, value pairs ending with a NULL key; a NULL value is left out (an
 * optional member). */
static int
event_strs(struct audit_writer *w, int event, const char *step,
    const char *actor, struct kr_err *err, ...)
{
	json_t *d, *ev = event_new(event, step, actor, &d);
	const char *k;
	int bad = ev == NULL;
	va_list ap;

	va_start(ap, err);
	while (!bad && (k = va_arg(ap, const char *)) != NULL)
		bad = audit_set_str(d, k, va_arg(ap, const char *)) != 0;
	va_end(ap);
	return event_append(w, ev, bad, err);
}

int
audit_ceremony_start(struct audit_writer *w, const char *ceremony,
    const char *title, const uint8_t ceremony_sha256[32],
    const char *scenario, const char *actor, struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_CEREMONY_START, NULL, actor, &d);
	int bad = ev == NULL || audit_set_str(d, "ceremony", ceremony) != 0 ||
	    audit_set_str(d, "title", title) != 0 ||
	    audit_set_b64(d, "ceremony_sha256", ceremony_sha256, 32) != 0 ||
	    audit_set_str(d, "scenario", scenario) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_parameter_set(struct audit_writer *w, const char *name,
    const char *value, const char *actor, struct kr_err *e)
{
	return event_strs(w, AUDIT_EV_PARAMETER_SET, NULL, actor, e,
	    "name", name, "value", value, NULL);
}

int
audit_step_start(struct audit_writer *w, const char *step,
    const char *action, const char *station, const char *actor,
    struct kr_err *e)
{
	return event_strs(w, AUDIT_EV_STEP_START, step, actor, e,
	    "action", action, "station", station, NULL);
}

int
audit_step_result(struct audit_writer *w, const char *step,
    const char *result, const char *code, const char *detail,
    const char *actor, struct kr_err *e)
{
	return event_strs(w, AUDIT_EV_STEP_RESULT, step, actor, e,
	    "result", result, "code", code, "detail", detail, NULL);
}

int
audit_card_presented(struct audit_writer *w, const char *step,
    unsigned card, const char *outcome, const char *actor, struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_CARD_PRESENTED, step, actor, &d);
	int bad = ev == NULL || audit_set_int(d, "card", card) != 0 ||
	    audit_set_str(d, "outcome", outcome) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_quorum_met(struct audit_writer *w, const char *step, unsigned k,
    unsigned n, const unsigned *cards, size_t ncards, const char *actor,
    struct kr_err *e)
{
	json_t *d, *a = NULL, *ev = event_new(AUDIT_EV_QUORUM_MET, step, actor,
	    &d);
	int bad = ev == NULL || audit_set_int(d, "k", k) != 0 ||
	    audit_set_int(d, "n", n) != 0 || (a = json_array()) == NULL ||
	    json_object_set_new(d, "cards", a) != 0;
	size_t i;

	for (i = 0; !bad && i < ncards; i++)
		bad = json_array_append_new(a, json_integer(cards[i])) != 0;
	return event_append(w, ev, bad, e);
}

int
audit_world_created(struct audit_writer *w, const char *step,
    const char *world_id, const char *cipher_suite, unsigned k, unsigned n,
    const struct audit_card *cards, const char *actor, struct kr_err *e)
{
	struct audit_policy p;
	struct audit_fail f = { 0, "" };
	json_t *d, *a = NULL, *c, *ev = event_new(AUDIT_EV_WORLD_CREATED, step,
	    actor, &d);
	int bad = ev == NULL || audit_set_str(d, "world_id", world_id) != 0 ||
	    audit_set_str(d, "cipher_suite", cipher_suite) != 0 ||
	    audit_set_int(d, "k", k) != 0 || audit_set_int(d, "n", n) != 0 ||
	    (a = json_array()) == NULL ||
	    json_object_set_new(d, "cards", a) != 0;
	unsigned i;
	int r;

	memset(&p, 0, sizeof(p));
	for (i = 0; !bad && i < n && i < AUDIT_CARDS_MAX; i++)
		bad = (c = json_object()) == NULL ||
		    json_array_append_new(a, c) != 0 ||
		    audit_set_int(c, "index", cards[i].index) != 0 ||
		    audit_set_b64(c, "pk", cards[i].pk, 32) != 0;
	if (!bad && w->policy.have) {
		json_decref(ev);
		return kr_errf(e, KR_EUSAGE, "audit: the world was already "
		    "created in this log");
	}
	if (!bad && audit_policy_from_data(&p, d, &f) != 0) {
		json_decref(ev);
		return kr_errf(e, KR_EUSAGE, "audit: %s", f.msg);
	}
	if ((r = event_append(w, ev, bad, e)) != 0)
		return r;
	w->policy = p;
	return 0;
}

int
audit_artifact_written(struct audit_writer *w, const char *step,
    const char *name, const uint8_t sha256[32], uint64_t size,
    const char *kind, const char *actor, struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_ARTIFACT_WRITTEN, step, actor, &d);
	int bad = ev == NULL || audit_set_str(d, "name", name) != 0 ||
	    audit_set_b64(d, "sha256", sha256, 32) != 0 ||
	    audit_set_int(d, "size", size) != 0 ||
	    audit_set_str(d, "kind", kind) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_signoff(struct audit_writer *w, const char *step, const char *role,
    const char *actor, struct kr_err *e)
{
	return event_strs(w, AUDIT_EV_SIGNOFF, step, actor, e,
	    "role", role, NULL);
}

int
audit_exception(struct audit_writer *w, const char *step,
    const char *reason, const char *code, const char *actor,
    struct kr_err *e)
{
	return event_strs(w, AUDIT_EV_EXCEPTION, step, actor, e,
	    "reason", reason, "code", code, NULL);
}

int
audit_note(struct audit_writer *w, const char *step, const char *text,
    const char *actor, struct kr_err *e)
{
	return event_strs(w, AUDIT_EV_NOTE, step, actor, e,
	    "text", text, NULL);
}

int
audit_fault_injected(struct audit_writer *w, const char *step,
    const char *scenario, const char *fault, unsigned card,
    const char *detail, const char *actor, struct kr_err *e)
{
	json_t *d, *ev;
	int bad;

	if (!w->rehearsal)
		return kr_errf(e, KR_EUSAGE, "audit: fault-injected in a live "
		    "log");
	ev = event_new(AUDIT_EV_FAULT_INJECTED, step, actor, &d);
	bad = ev == NULL || audit_set_str(d, "scenario", scenario) != 0 ||
	    audit_set_str(d, "fault", fault) != 0 ||
	    (card != 0 && audit_set_int(d, "card", card) != 0) ||
	    audit_set_str(d, "detail", detail) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_stopped(struct audit_writer *w, const char *step, const char *actor,
    struct kr_err *e)
{
	return event_strs(w, AUDIT_EV_STOPPED, step, actor, e, NULL);
}

int
audit_ceremony_end(struct audit_writer *w, const char *result,
    const char *actor, struct kr_err *e)
{
	return event_strs(w, AUDIT_EV_CEREMONY_END, NULL, actor, e,
	    "result", result, NULL);
}
