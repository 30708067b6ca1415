/* SPDX-License-Identifier: ISC */
/*
 * audit-line.c: one log line, parsed and checked on its own.
 *
 * A line is {"e":{...},"sig":"<base64 of 64 bytes>"} in canonical JSON.
 * This file checks what a line can show by itself: size and nesting
 * limits, JSON, canonical form, the members its type allows and the event
 * table.  Everything that needs context (seq, origin, chain, signatures,
 * checkpoints, quorum) is the verifier's.  audit_line_build is the one
 * place a line is put together.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit-int.h"
#include "clock.h"
#include "err.h"

#define SIG_TAIL_LEN	(sizeof(",\"sig\":\"") - 1 + 88 + 2)
#define E_HEAD		"{\"e\":"

static const char *const type_names[] = {
	"genesis", "event", "checkpoint", "resume", "seal",
};

/* Members of e, as bits. */
enum {
	M_V = 1 << 0, M_ORIGIN = 1 << 1, M_SEQ = 1 << 2, M_TYPE = 1 << 3,
	M_T = 1 << 4, M_REHEARSAL = 1 << 5, M_PREV = 1 << 6,
	M_NEXT_PK = 1 << 7, M_PK = 1 << 8, M_EVENT = 1 << 9, M_STEP = 1 << 10,
	M_ACTOR = 1 << 11, M_DATA = 1 << 12, M_SIZE = 1 << 13,
	M_ROOT = 1 << 14, M_COSIGS = 1 << 15,
};

static const char *const member_names[] = {
	"v", "origin", "seq", "type", "t", "rehearsal", "prev", "next_pk",
	"pk", "event", "step", "actor", "data", "size", "root", "cosigs",
};

#define M_BASE	(M_V | M_ORIGIN | M_SEQ | M_TYPE | M_T)
#define M_CKPT	(M_BASE | M_PREV | M_SIZE | M_ROOT)

static const struct {
	unsigned	required;
	unsigned	optional;
} type_members[] = {
	[AUDIT_T_GENESIS] = { M_BASE | M_PK | M_NEXT_PK, M_REHEARSAL },
	[AUDIT_T_EVENT] = { M_BASE | M_PREV | M_NEXT_PK | M_EVENT | M_DATA,
	    M_REHEARSAL | M_STEP | M_ACTOR },
	[AUDIT_T_CHECKPOINT] = { M_CKPT | M_NEXT_PK, M_REHEARSAL | M_COSIGS },
	[AUDIT_T_RESUME] = { M_CKPT | M_NEXT_PK | M_DATA,
	    M_REHEARSAL | M_COSIGS },
	[AUDIT_T_SEAL] = { M_CKPT, M_REHEARSAL | M_COSIGS },
};

const char *
audit_type_name(int type)
{
	if (type < 0 || (size_t)type >= sizeof(type_names) / sizeof(type_names[0]))
		return "unknown";
	return type_names[type];
}

static int
get_uint(const json_t *v, uint64_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int
check_cosigs(const json_t *a, struct audit_fail *f)
{
	uint8_t buf[64];
	size_t i;
	json_t *c, *card;

	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    json_array_size(a) > AUDIT_COSIGS_MAX)
		return audit_failf(f, AUDIT_E_SCHEMA,
		    "cosigs is not an array of 1..%d", AUDIT_COSIGS_MAX);
	json_array_foreach(a, i, c) {
		if (!json_is_object(c) || json_object_size(c) != 3)
			return audit_failf(f, AUDIT_E_SCHEMA,
			    "cosig %zu: not {card, pk, sig}", i + 1);
		card = json_object_get(c, "card");
		if (card == NULL || !json_is_integer(card) ||
		    json_integer_value(card) < 1 ||
		    json_integer_value(card) > AUDIT_CARDS_MAX)
			return audit_failf(f, AUDIT_E_SCHEMA,
			    "cosig %zu: bad card", i + 1);
		if (audit_get_b64(json_object_get(c, "pk"), buf, 32, f,
		    "cosig pk") != 0 ||
		    audit_get_b64(json_object_get(c, "sig"), buf, 64, f,
		    "cosig sig") != 0)
			return -1;
	}
	return 0;
}

static int
check_resume_data(const json_t *d, struct audit_fail *f)
{
	uint8_t h[32];
	uint64_t n;

	if (!json_is_object(d) || json_object_size(d) != 2 ||
	    get_uint(json_object_get(d, "removed_bytes"), &n) != 0 ||
	    n > AUDIT_LINE_MAX)
		return audit_failf(f, AUDIT_E_SCHEMA,
		    "resume: data must be {removed_bytes, removed_sha256}");
	return audit_get_b64(json_object_get(d, "removed_sha256"), h, 32, f,
	    "removed_sha256");
}

static int
parse_e(struct audit_line *l, struct audit_fail *f)
{
	json_t *e = l->e, *v;
	const char *k, *s;
	unsigned have = 0, bit, want, opt;
	uint64_t ver;
	time_t t;
	size_t i;

	json_object_foreach(e, k, v) {
		for (i = 0; i < sizeof(member_names) / sizeof(member_names[0]);
		    i++)
			if (strcmp(member_names[i], k) == 0)
				break;
		if (i == sizeof(member_names) / sizeof(member_names[0]))
			return audit_failf(f, AUDIT_E_SCHEMA,
			    "unknown member '%s'", k);
		have |= 1u << i;
	}
	if ((v = json_object_get(e, "type")) == NULL || !json_is_string(v))
		return audit_failf(f, AUDIT_E_SCHEMA, "type is missing");
	s = json_string_value(v);
	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(type_names[i], s) == 0)
			break;
	if (i == sizeof(type_names) / sizeof(type_names[0]))
		return audit_failf(f, AUDIT_E_SCHEMA, "unknown type");
	l->type = (int)i;
	want = type_members[l->type].required;
	opt = type_members[l->type].optional;
	for (i = 0, bit = 1; i < sizeof(member_names) / sizeof(member_names[0]);
	    i++, bit <<= 1) {
		if ((want & bit) && !(have & bit))
			return audit_failf(f, AUDIT_E_SCHEMA,
			    "%s: '%s' is required", audit_type_name(l->type),
			    member_names[i]);
		if ((have & bit) && !((want | opt) & bit))
			return audit_failf(f, AUDIT_E_SCHEMA,
			    "%s: '%s' is not allowed", audit_type_name(l->type),
			    member_names[i]);
	}
	if (get_uint(json_object_get(e, "v"), &ver) != 0 || ver != 1)
		return audit_failf(f, AUDIT_E_SCHEMA, "v is not 1");
	v = json_object_get(e, "origin");
	if (!json_is_string(v) ||
	    !audit_is_id(json_string_value(v), AUDIT_ORIGIN_MAX))
		return audit_failf(f, AUDIT_E_SCHEMA, "origin is not valid");
	l->origin = json_string_value(v);
	if (get_uint(json_object_get(e, "seq"), &l->seq) != 0)
		return audit_failf(f, AUDIT_E_SCHEMA, "seq is not an integer");
	v = json_object_get(e, "t");
	if (!json_is_string(v) || json_string_length(v) != 20 ||
	    kr_rfc3339_parse(json_string_value(v), &t) != 0)
		return audit_failf(f, AUDIT_E_SCHEMA, "t is not an RFC 3339 time");
	l->t = json_string_value(v);
	if ((v = json_object_get(e, "rehearsal")) != NULL) {
		if (!json_is_true(v))
			return audit_failf(f, AUDIT_E_SCHEMA,
			    "rehearsal must be true when present");
		l->rehearsal = 1;
	}
	if ((v = json_object_get(e, "prev")) != NULL) {
		if (audit_get_b64(v, l->prev, 32, f, "prev") != 0)
			return -1;
		l->has_prev = 1;
	}
	if ((v = json_object_get(e, "next_pk")) != NULL) {
		if (audit_get_b64(v, l->next_pk, 32, f, "next_pk") != 0)
			return -1;
		l->has_next_pk = 1;
	}
	if ((v = json_object_get(e, "pk")) != NULL) {
		if (audit_get_b64(v, l->pk, 32, f, "pk") != 0)
			return -1;
		l->has_pk = 1;
	}
	if ((v = json_object_get(e, "root")) != NULL &&
	    audit_get_b64(v, l->root_hash, 32, f, "root") != 0)
		return -1;
	if ((v = json_object_get(e, "size")) != NULL &&
	    get_uint(v, &l->size) != 0)
		return audit_failf(f, AUDIT_E_SCHEMA, "size is not an integer");
	if ((v = json_object_get(e, "step")) != NULL) {
		if (!json_is_string(v))
			return audit_failf(f, AUDIT_E_SCHEMA, "step is not a string");
		l->step = json_string_value(v);
	}
	if ((v = json_object_get(e, "actor")) != NULL) {
		if (!json_is_string(v))
			return audit_failf(f, AUDIT_E_SCHEMA, "actor is not a string");
		l->actor = json_string_value(v);
	}
	l->data = json_object_get(e, "data");
	if ((l->cosigs = json_object_get(e, "cosigs")) != NULL &&
	    check_cosigs(l->cosigs, f) != 0)
		return -1;
	if (l->type == AUDIT_T_RESUME && check_resume_data(l->data, f) != 0)
		return -1;
	if (l->type == AUDIT_T_EVENT) {
		v = json_object_get(e, "event");
		if (!json_is_string(v) ||
		    (l->event = audit_event_lookup(json_string_value(v))) < 0)
			return audit_failf(f, AUDIT_E_SCHEMA,
			    "event is not in the list of events");
		if (audit_event_check(l->event, l->step, l->actor, l->data,
		    f) != 0)
			return -1;
	}
	return 0;
}

int
audit_line_parse(const char *line, size_t len, struct audit_line *l,
    struct audit_fail *f)
{
	json_t *sig;

	memset(l, 0, sizeof(*l));
	l->event = -1;
	if (audit_json_check(line, len, &l->root, f) != 0)
		return -1;
	l->e = json_object_get(l->root, "e");
	sig = json_object_get(l->root, "sig");
	if (json_object_size(l->root) != 2 || !json_is_object(l->e) ||
	    sig == NULL)
		goto schema;
	if (audit_get_b64(sig, l->sig, 64, f, "sig") != 0)
		goto fail;
	if (parse_e(l, f) != 0)
		goto fail;
	/* Canonical form puts e first and sig last, so canonical(e) is the
	 * text between them. */
	if (len < sizeof(E_HEAD) - 1 + SIG_TAIL_LEN ||
	    memcmp(line, E_HEAD, sizeof(E_HEAD) - 1) != 0)
		goto schema;
	l->e_text = line + sizeof(E_HEAD) - 1;
	l->e_len = len - (sizeof(E_HEAD) - 1) - SIG_TAIL_LEN;
	return 0;
schema:
	audit_failf(f, AUDIT_E_SCHEMA, "line is not {\"e\":{...},\"sig\":...}");
fail:
	audit_line_clear(l);
	return -1;
}

void
audit_line_clear(struct audit_line *l)
{
	json_decref(l->root);
	memset(l, 0, sizeof(*l));
	l->event = -1;
}

int
audit_line_build(json_t *e, const char *origin, EVP_PKEY *k,
    struct audit_buf *line, struct kr_err *err)
{
	struct audit_buf ebuf = { 0 }, msg = { 0 };
	const char *why = "";
	uint8_t sig[64];
	int r;

	if (audit_json_canon(e, &ebuf, &why) != 0) {
		r = kr_errf(err, KR_EUSAGE, "audit: entry is not canonical: %s",
		    why);
		goto out;
	}
	if ((r = audit_buf_adds(&msg, AUDIT_ENTRY_DOMAIN)) != 0 ||
	    (r = audit_buf_adds(&msg, origin)) != 0 ||
	    (r = audit_buf_addc(&msg, '\n')) != 0 ||
	    (r = audit_buf_add(&msg, ebuf.p, ebuf.len)) != 0)
		goto nomem;
	if (audit_sign(k, msg.p, msg.len, sig) != 0) {
		r = kr_errf(err, KR_ECRYPTO, "audit: cannot sign an entry");
		goto out;
	}
	audit_buf_reset(line);
	if ((r = audit_buf_adds(line, E_HEAD)) != 0 ||
	    (r = audit_buf_add(line, ebuf.p, ebuf.len)) != 0 ||
	    (r = audit_buf_adds(line, ",\"sig\":\"")) != 0 ||
	    (r = audit_buf_add_b64(line, sig, 64)) != 0 ||
	    (r = audit_buf_adds(line, "\"}")) != 0)
		goto nomem;
	r = 0;
	goto out;
nomem:
	r = kr_errf(err, KR_ENOMEM, "audit: out of memory");
out:
	audit_buf_free(&ebuf);
	audit_buf_free(&msg);
	return r;
}
