/* SPDX-License-Identifier: ISC */
/*
 * audit-report.c: the verifier's answer as text for people and as JSON for
 * machines.  The text follows reference/audit-log.md: a FAIL/PASS/UNSEALED
 * line, then indented context lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit-int.h"
#include "audit-verify.h"
#include "codec.h"

static void
hex32(const uint8_t *p, char out[65])
{
	kr_hex_encode(p, 32, out, 65);
}

static void
text_entry(struct audit_buf *b, const struct audit_entry_info *ei)
{
	audit_buf_addf(b, "seq %llu  %s  %s", (unsigned long long)ei->seq,
	    ei->t, ei->what);
	if (ei->step[0] != '\0')
		audit_buf_addf(b, "  step=%s", ei->step);
	if (ei->actor[0] != '\0')
		audit_buf_addf(b, "  actor=%s", ei->actor);
}

static void
text_ckpt(struct audit_buf *b, const struct audit_ckpt_info *ci)
{
	char hex[65];

	hex32(ci->root, hex);
	audit_buf_addf(b, "size %llu root %s  cosigned %u/%u %s",
	    (unsigned long long)ci->size, hex, ci->cosigned, ci->n, ci->cards);
}

/* What pins the log, or that nothing does. */
static void
text_anchors(struct audit_buf *b, const struct audit_verify_result *r)
{
	audit_buf_adds(b, "  anchors:");
	if (r->anchored_genesis)
		audit_buf_adds(b, " genesis");
	if (r->anchored_cards)
		audit_buf_adds(b, " cards");
	if (r->anchored_seal)
		audit_buf_adds(b, " seal");
	if (!r->anchored_genesis && !r->anchored_cards && !r->anchored_seal)
		audit_buf_adds(b, " none");
	audit_buf_adds(b, "\n");
	if (r->status != AUDIT_UNANCHORED)
		return;
	if (r->seal.quorum)
		audit_buf_adds(b, "  the card keys are unanchored: the log "
		    "names its own cards; give --expect-cards\n  or --world "
		    "(or --expect-seal) from the paper minutes\n");
	else
		audit_buf_adds(b, "  the seal carries no quorum: only "
		    "--expect-seal from the paper minutes\n  anchors it\n");
}

static void
text_sealed(struct audit_buf *b, const struct audit_verify_result *r)
{
	audit_buf_addf(b, "%s sealed: %llu entries, %llu checkpoints, ",
	    r->status == AUDIT_SEALED ? "PASS" : "UNANCHORED",
	    (unsigned long long)r->entries,
	    (unsigned long long)r->checkpoints);
	if (r->seal.quorum)
		audit_buf_addf(b, "seal cosigned %u/%u %s (policy %u of %u)\n",
		    r->seal.cosigned, r->seal.n, r->seal.cards, r->k, r->n);
	else
		audit_buf_adds(b, "seal without quorum (the ceremony made no "
		    "cards)\n");
	text_anchors(b, r);
}

static char *
text_report(const struct audit_verify_result *r)
{
	struct audit_buf b = { 0 };
	char hex[65];
	unsigned i;

	if (r->status == AUDIT_INVALID) {
		audit_buf_addf(&b, "FAIL line %llu (", (unsigned long long)r->line);
		if (r->have_seq)
			audit_buf_addf(&b, "seq %llu, ",
			    (unsigned long long)r->seq);
		audit_buf_addf(&b, "byte %llu): %s %s\n",
		    (unsigned long long)r->byte, r->code_name, r->msg);
		audit_buf_adds(&b, "  last good: ");
		if (r->have_last_good)
			text_entry(&b, &r->last_good);
		else
			audit_buf_adds(&b, "none");
		audit_buf_adds(&b, "\n  last quorum checkpoint: ");
		if (r->have_last_quorum)
			text_ckpt(&b, &r->last_quorum);
		else
			audit_buf_adds(&b, "none");
		audit_buf_adds(&b, "\n");
		return b.p;
	}
	if (r->status == AUDIT_SEALED || r->status == AUDIT_UNANCHORED)
		text_sealed(&b, r);
	else {
		audit_buf_addf(&b, "UNSEALED valid prefix: %llu entries, "
		    "%llu checkpoints, not sealed\n",
		    (unsigned long long)r->entries,
		    (unsigned long long)r->checkpoints);
		if (r->partial)
			audit_buf_addf(&b, "  partial last line: line %llu "
			    "(byte %llu): %s %s\n",
			    (unsigned long long)r->partial_line,
			    (unsigned long long)r->partial_byte, r->code_name,
			    r->msg);
		if (r->have_last_good) {
			audit_buf_adds(&b, "  last good: ");
			text_entry(&b, &r->last_good);
			audit_buf_adds(&b, "\n");
		}
		audit_buf_adds(&b, "  last quorum checkpoint: ");
		if (r->have_last_quorum)
			text_ckpt(&b, &r->last_quorum);
		else if (r->have_policy)
			audit_buf_adds(&b, "none");
		else
			audit_buf_adds(&b, "no quorum yet (no world-created)");
		audit_buf_adds(&b, "\n");
	}
	if (r->entries > 0) {
		audit_buf_addf(&b, "  origin: %s%s\n", r->origin,
		    r->rehearsal ? "  (REHEARSAL)" : "");
		hex32(r->genesis, hex);
		audit_buf_addf(&b, "  genesis: %s\n", hex);
	}
	for (i = 0; i < r->ncards; i++) {
		hex32(r->card_fp[i], hex);
		audit_buf_addf(&b, "  card %u: %s\n", i + 1, hex);
	}
	if (r->resumes > 0)
		audit_buf_addf(&b, "  resumes: %llu (%llu without quorum)\n",
		    (unsigned long long)r->resumes,
		    (unsigned long long)r->resumes_without_quorum);
	if (r->sealed) {
		hex32(r->seal.root, hex);
		audit_buf_addf(&b, "  seal: size %llu root %s\n",
		    (unsigned long long)r->seal.size, hex);
		hex32(r->seal_lh, hex);
		audit_buf_addf(&b, "  seal line: %s\n", hex);
		hex32(r->file_sha256, hex);
		audit_buf_addf(&b, "  file sha256: %s\n", hex);
	}
	return b.p;
}

static json_t *
json_hex(const uint8_t *p)
{
	char hex[65];

	hex32(p, hex);
	return json_string(hex);
}

static json_t *
json_entry(const struct audit_entry_info *ei)
{
	json_t *o = json_object();

	json_object_set_new(o, "seq", json_integer((json_int_t)ei->seq));
	json_object_set_new(o, "t", json_string(ei->t));
	json_object_set_new(o, "what", json_string(ei->what));
	if (ei->step[0] != '\0')
		json_object_set_new(o, "step", json_string(ei->step));
	if (ei->actor[0] != '\0')
		json_object_set_new(o, "actor", json_string(ei->actor));
	return o;
}

static json_t *
json_ckpt(const struct audit_ckpt_info *ci)
{
	json_t *o = json_object();

	json_object_set_new(o, "size", json_integer((json_int_t)ci->size));
	json_object_set_new(o, "root", json_hex(ci->root));
	json_object_set_new(o, "quorum", json_boolean(ci->quorum));
	if (ci->quorum) {
		json_object_set_new(o, "cosigned", json_integer(ci->cosigned));
		json_object_set_new(o, "k", json_integer(ci->k));
		json_object_set_new(o, "n", json_integer(ci->n));
		json_object_set_new(o, "cards", json_string(ci->cards));
	}
	return o;
}

/* The card fingerprints world-created names, card 1 first. */
static json_t *
json_cards(const struct audit_verify_result *r)
{
	json_t *a = json_array();
	unsigned i;

	for (i = 0; i < r->ncards; i++)
		json_array_append_new(a, json_hex(r->card_fp[i]));
	return a;
}

static char *
json_report(const struct audit_verify_result *r)
{
	static const char *const status[] = { "sealed", "invalid", "unsealed",
	    "unanchored" };
	json_t *o = json_object(), *f;
	char *s;

	json_object_set_new(o, "status", json_string(status[r->status]));
	json_object_set_new(o, "exit", json_integer(r->status));
	json_object_set_new(o, "entries", json_integer((json_int_t)r->entries));
	json_object_set_new(o, "origin", json_string(r->origin));
	json_object_set_new(o, "rehearsal", json_boolean(r->rehearsal));
	json_object_set_new(o, "genesis", r->have_genesis ?
	    json_hex(r->genesis) : json_null());
	if (r->status == AUDIT_INVALID) {
		f = json_object();
		json_object_set_new(f, "code", json_string(r->code_name));
		json_object_set_new(f, "message", json_string(r->msg));
		json_object_set_new(f, "line", json_integer((json_int_t)r->line));
		json_object_set_new(f, "seq", r->have_seq ?
		    json_integer((json_int_t)r->seq) : json_null());
		json_object_set_new(f, "byte", json_integer((json_int_t)r->byte));
		json_object_set_new(f, "last_good", r->have_last_good ?
		    json_entry(&r->last_good) : json_null());
		json_object_set_new(f, "last_quorum_checkpoint",
		    r->have_last_quorum ? json_ckpt(&r->last_quorum) :
		    json_null());
		json_object_set_new(o, "failure", f);
	} else {
		json_object_set_new(o, "failure", json_null());
		json_object_set_new(o, "checkpoints",
		    json_integer((json_int_t)r->checkpoints));
		json_object_set_new(o, "resumes",
		    json_integer((json_int_t)r->resumes));
		json_object_set_new(o, "resumes_without_quorum",
		    json_integer((json_int_t)r->resumes_without_quorum));
		if (r->have_policy) {
			f = json_object();
			json_object_set_new(f, "k", json_integer(r->k));
			json_object_set_new(f, "n", json_integer(r->n));
			json_object_set_new(o, "policy", f);
		} else
			json_object_set_new(o, "policy", json_null());
		json_object_set_new(o, "last_good", r->have_last_good ?
		    json_entry(&r->last_good) : json_null());
		json_object_set_new(o, "last_quorum_checkpoint",
		    r->have_last_quorum ? json_ckpt(&r->last_quorum) :
		    json_null());
		if (r->partial) {
			f = json_object();
			json_object_set_new(f, "code", json_string(r->code_name));
			json_object_set_new(f, "line",
			    json_integer((json_int_t)r->partial_line));
			json_object_set_new(f, "byte",
			    json_integer((json_int_t)r->partial_byte));
			json_object_set_new(f, "bytes",
			    json_integer((json_int_t)r->partial_bytes));
			json_object_set_new(o, "partial", f);
		} else
			json_object_set_new(o, "partial", json_null());
		f = json_object();
		json_object_set_new(f, "genesis",
		    json_boolean(r->anchored_genesis));
		json_object_set_new(f, "cards", json_boolean(r->anchored_cards));
		json_object_set_new(f, "seal", json_boolean(r->anchored_seal));
		json_object_set_new(o, "anchors", f);
		json_object_set_new(o, "cards", json_cards(r));
		if (r->sealed) {
			f = json_ckpt(&r->seal);
			json_object_set_new(f, "line_hash", json_hex(r->seal_lh));
			json_object_set_new(o, "seal", f);
			json_object_set_new(o, "file_sha256",
			    json_hex(r->file_sha256));
		} else
			json_object_set_new(o, "seal", json_null());
	}
	s = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

char *
audit_verify_report(const struct audit_verify_result *res, int json)
{
	return json ? json_report(res) : text_report(res);
}
