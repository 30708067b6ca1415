/* SPDX-License-Identifier: ISC */
/*
 * audit-event.c: the closed list of events and the members each allows.
 *
 * The writer checks every entry against this table before it writes it and
 * the verifier checks every entry against it again (E_SCHEMA): an event
 * that is not here, a data member that is not listed for its event, a
 * missing required member or a value of the wrong form is refused.
 *
 * Value forms: id ([A-Za-z0-9._:/@+-], 1..128 bytes), name (printable
 * UTF-8 without control characters, 1..256), text (printable UTF-8, tab
 * and newline allowed, 1..1024), int (0..2^53-1), card (1..16), hash
 * (base64 of 32 bytes), enum (one of a list), and two arrays: the cards of
 * world-created ({index, pk}) and the card indexes of quorum-met.
 */
#include <string.h>

#include "audit-int.h"
#include "codec.h"
#include "err.h"

enum { F_ID, F_NAME, F_TEXT, F_INT, F_CARD, F_HASH, F_ENUM, F_CARDS,
    F_CARDLIST };
enum { NO, OPT, REQ };

struct field {
	const char		*name;
	int			 type;
	int			 need;
	const char *const	*values;	/* F_ENUM */
};

struct event_def {
	const char	*name;
	int		 step;			/* NO, OPT, REQ */
	int		 actor;
	struct field	 fields[6];
};

static const char *const step_results[] =
    { "ok", "failed", "skipped", "warning", NULL };
static const char *const card_outcomes[] =
    { "accepted", "wrong-pin", "wrong-world", "damaged", "duplicate",
    "missing", NULL };
static const char *const end_results[] =
    { "completed", "failed", "aborted", NULL };
static const char *const fault_names[] =
    { "wrong-pin", "damaged-card", "missing-card", "tampered-toolset",
    "wrong-region-package", "tampered-kek-package", "wrong-mode",
    "power-loss", "clock-skew", "wrong-profile", "tampered-package", NULL };

static const struct event_def events[AUDIT_EV_COUNT] = {
	[AUDIT_EV_CEREMONY_START] = { "ceremony-start", NO, OPT, {
		{ "ceremony", F_ID, REQ, NULL },
		{ "title", F_TEXT, REQ, NULL },
		{ "ceremony_sha256", F_HASH, REQ, NULL },
		{ "scenario", F_ID, OPT, NULL } } },
	[AUDIT_EV_PARAMETER_SET] = { "parameter-set", OPT, OPT, {
		{ "name", F_ID, REQ, NULL },
		{ "value", F_TEXT, REQ, NULL } } },
	[AUDIT_EV_STEP_START] = { "step-start", REQ, OPT, {
		{ "action", F_ID, REQ, NULL },
		{ "station", F_ID, OPT, NULL } } },
	[AUDIT_EV_STEP_RESULT] = { "step-result", REQ, OPT, {
		{ "result", F_ENUM, REQ, step_results },
		{ "code", F_ID, OPT, NULL },
		{ "detail", F_TEXT, OPT, NULL } } },
	[AUDIT_EV_CARD_PRESENTED] = { "card-presented", OPT, OPT, {
		{ "card", F_CARD, REQ, NULL },
		{ "outcome", F_ENUM, REQ, card_outcomes } } },
	[AUDIT_EV_QUORUM_MET] = { "quorum-met", OPT, OPT, {
		{ "k", F_CARD, REQ, NULL },
		{ "n", F_CARD, REQ, NULL },
		{ "cards", F_CARDLIST, REQ, NULL } } },
	[AUDIT_EV_WORLD_CREATED] = { "world-created", OPT, OPT, {
		{ "world_id", F_ID, REQ, NULL },
		{ "k", F_CARD, REQ, NULL },
		{ "n", F_CARD, REQ, NULL },
		{ "cards", F_CARDS, REQ, NULL },
		{ "cipher_suite", F_ID, OPT, NULL } } },
	[AUDIT_EV_ARTIFACT_WRITTEN] = { "artifact-written", OPT, OPT, {
		{ "name", F_NAME, REQ, NULL },
		{ "sha256", F_HASH, REQ, NULL },
		{ "size", F_INT, REQ, NULL },
		{ "kind", F_ID, OPT, NULL } } },
	[AUDIT_EV_SIGNOFF] = { "signoff", REQ, REQ, {
		{ "role", F_ID, REQ, NULL } } },
	[AUDIT_EV_EXCEPTION] = { "exception", OPT, OPT, {
		{ "reason", F_TEXT, REQ, NULL },
		{ "code", F_ID, OPT, NULL } } },
	[AUDIT_EV_NOTE] = { "note", OPT, OPT, {
		{ "text", F_TEXT, REQ, NULL } } },
	[AUDIT_EV_CEREMONY_END] = { "ceremony-end", NO, OPT, {
		{ "result", F_ENUM, REQ, end_results } } },
	[AUDIT_EV_FAULT_INJECTED] = { "fault-injected", OPT, OPT, {
		{ "scenario", F_ID, REQ, NULL },
		{ "fault", F_ENUM, REQ, fault_names },
		{ "card", F_CARD, OPT, NULL },
		{ "detail", F_TEXT, OPT, NULL } } },
	[AUDIT_EV_STOPPED] = { "stopped", OPT, OPT, { { NULL, 0, 0, NULL } } },
};

const char *
audit_event_name(int event)
{
	if (event < 0 || event >= AUDIT_EV_COUNT)
		return NULL;
	return events[event].name;
}

int
audit_event_lookup(const char *name)
{
	int i;

	for (i = 0; i < AUDIT_EV_COUNT; i++)
		if (strcmp(events[i].name, name) == 0)
			return i;
	return -1;
}

int
audit_is_id(const char *s, size_t max)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++) {
		char c = s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == ':' || c == '/' || c == '@' || c == '+' || c == '-'))
			return 0;
	}
	return n > 0 && n <= max;
}

static int
printable(const char *s, size_t max, int multiline)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];

		if (multiline && (c == '\n' || c == '\t'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return 0;
	}
	return n > 0 && n <= max;
}

static int
audit_is_name(const char *s, size_t max)
{
	return printable(s, max, 0);
}

static int
audit_is_text(const char *s, size_t max)
{
	return printable(s, max, 1);
}

int
audit_get_b64(const json_t *v, uint8_t *out, size_t want,
    struct audit_fail *f, const char *what)
{
	const char *s;
	size_t len, dec;
	char again[128];

	if (!json_is_string(v)) {
		audit_failf(f, AUDIT_E_SCHEMA, "%s is not a string", what);
		return -1;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (len != kr_b64_encoded_size(want) - 1) {
		audit_failf(f, AUDIT_E_SCHEMA, "%s is not %zu bytes of base64",
		    what, want);
		return -1;
	}
	if (kr_b64_decode(s, len, out, want, &dec) != 0 || dec != want ||
	    kr_b64_encode(out, want, again, sizeof(again)) < 0 ||
	    memcmp(again, s, len) != 0) {
		audit_failf(f, AUDIT_E_NONCANON, "%s is not canonical base64",
		    what);
		return -1;
	}
	return 0;
}

static int
is_card(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 1 &&
	    json_integer_value(v) <= AUDIT_CARDS_MAX;
}

static int
check_cardlist(const json_t *v)
{
	unsigned seen = 0;
	size_t i;
	json_t *c;

	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > AUDIT_CARDS_MAX)
		return 0;
	json_array_foreach(v, i, c) {
		if (!is_card(c) || (seen & (1u << json_integer_value(c))))
			return 0;
		seen |= 1u << json_integer_value(c);
	}
	return 1;
}

static int
check_cards(const json_t *v, struct audit_fail *f)
{
	uint8_t pk[32];
	size_t i;
	json_t *c;

	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > AUDIT_CARDS_MAX)
		return 0;
	json_array_foreach(v, i, c) {
		if (!json_is_object(c) || json_object_size(c) != 2 ||
		    !is_card(json_object_get(c, "index")) ||
		    audit_get_b64(json_object_get(c, "pk"), pk, 32, f,
		    "card pk") != 0)
			return 0;
	}
	return 1;
}

static int
check_field(const struct field *fd, const json_t *v, struct audit_fail *f)
{
	const char *s;
	uint8_t h[32];
	size_t i;

	switch (fd->type) {
	case F_ID:
	case F_NAME:
	case F_TEXT:
	case F_ENUM:
		if (!json_is_string(v))
			return 0;
		s = json_string_value(v);
		if (strlen(s) != json_string_length(v))
			return 0;
		if (fd->type == F_ID)
			return audit_is_id(s, 128);
		if (fd->type == F_NAME)
			return audit_is_name(s, 256);
		if (fd->type == F_TEXT)
			return audit_is_text(s, 1024);
		for (i = 0; fd->values[i] != NULL; i++)
			if (strcmp(fd->values[i], s) == 0)
				return 1;
		return 0;
	case F_INT:
		return json_is_integer(v) && json_integer_value(v) >= 0 &&
		    json_integer_value(v) <= AUDIT_INT_MAX;
	case F_CARD:
		return is_card(v);
	case F_HASH:
		return audit_get_b64(v, h, 32, f, fd->name) == 0;
	case F_CARDS:
		return check_cards(v, f);
	case F_CARDLIST:
		return check_cardlist(v);
	}
	return 0;
}

static int
check_role(const char *what, const char *s, int need, struct audit_fail *f)
{
	if (s == NULL) {
		if (need == REQ) {
			audit_failf(f, AUDIT_E_SCHEMA, "%s is required", what);
			return -1;
		}
		return 0;
	}
	if (need == NO) {
		audit_failf(f, AUDIT_E_SCHEMA, "%s is not allowed", what);
		return -1;
	}
	if (!audit_is_name(s, 128)) {
		audit_failf(f, AUDIT_E_SCHEMA, "%s is not a valid name", what);
		return -1;
	}
	return 0;
}

int
audit_event_check(int event, const char *step, const char *actor,
    json_t *data, struct audit_fail *f)
{
	const struct event_def *ev;
	const struct field *fd;
	const char *k;
	json_t *v;
	size_t i;

	if (event < 0 || event >= AUDIT_EV_COUNT) {
		audit_failf(f, AUDIT_E_SCHEMA, "unknown event");
		return -1;
	}
	ev = &events[event];
	if (check_role("step", step, ev->step, f) != 0 ||
	    check_role("actor", actor, ev->actor, f) != 0)
		return -1;
	if (step != NULL && !audit_is_id(step, 64)) {
		audit_failf(f, AUDIT_E_SCHEMA, "step is not a valid id");
		return -1;
	}
	if (!json_is_object(data)) {
		audit_failf(f, AUDIT_E_SCHEMA, "%s: data is not an object",
		    ev->name);
		return -1;
	}
	json_object_foreach(data, k, v) {
		for (fd = ev->fields; fd->name != NULL; fd++)
			if (strcmp(fd->name, k) == 0)
				break;
		if (fd->name == NULL) {
			audit_failf(f, AUDIT_E_SCHEMA, "%s: unknown member '%s'",
			    ev->name, k);
			return -1;
		}
	}
	for (i = 0; i < sizeof(ev->fields) / sizeof(ev->fields[0]); i++) {
		fd = &ev->fields[i];
		if (fd->name == NULL)
			break;
		v = json_object_get(data, fd->name);
		if (v == NULL) {
			if (fd->need == REQ) {
				audit_failf(f, AUDIT_E_SCHEMA,
				    "%s: '%s' is required", ev->name, fd->name);
				return -1;
			}
			continue;
		}
		f->code = AUDIT_OK;
		if (!check_field(fd, v, f)) {
			if (f->code != AUDIT_E_NONCANON)
				audit_failf(f, AUDIT_E_SCHEMA,
				    "%s: '%s' is not valid", ev->name,
				    fd->name);
			return -1;
		}
	}
	return 0;
}
