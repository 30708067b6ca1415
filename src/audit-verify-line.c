/* SPDX-License-Identifier: ISC */
/*
 * audit-verify-line.c: the verifier's checks of one line, in order:
 * limits and syntax (audit-line.c), position, origin and chain, what the
 * entry's type asks (checkpoints and their quorum, the world), the
 * anchors; then its signature is queued (audit-verify-sigs.c) and the
 * state advances.  The first failure is recorded with the context as it
 * stood before the line.
 */
#include <stdio.h>
#include <string.h>

#include "audit-int.h"
#include "audit-verify.h"
#include "audit-verify-int.h"

void
audit_verify_fail_at(struct verifier *v, int code, const char *msg,
    int have_seq, uint64_t seq, uint64_t byte)
{
	struct failure f;

	memset(&f, 0, sizeof(f));
	f.have = 1;
	f.code = code;
	snprintf(f.msg, sizeof(f.msg), "%s", msg);
	f.line = v->lineno;
	f.have_seq = have_seq;
	f.seq = seq;
	f.byte = byte;
	f.have_last_good = v->have_last_good;
	f.last_good = v->last_good;
	f.have_last_quorum = v->have_last_quorum;
	f.last_quorum = v->last_quorum;
	audit_verify_record_fail(v, &f);
}

static void
entry_info(const struct audit_line *l, struct audit_entry_info *ei)
{
	memset(ei, 0, sizeof(*ei));
	ei->seq = l->seq;
	snprintf(ei->t, sizeof(ei->t), "%s", l->t);
	snprintf(ei->what, sizeof(ei->what), "%s", l->type == AUDIT_T_EVENT ?
	    audit_event_name(l->event) : audit_type_name(l->type));
	if (l->step != NULL)
		snprintf(ei->step, sizeof(ei->step), "%s", l->step);
	if (l->actor != NULL)
		snprintf(ei->actor, sizeof(ei->actor), "%s", l->actor);
}

/* Checks a checkpoint, resume or seal: size, root, quorum. */
static int
check_ckpt(struct verifier *v, const struct audit_line *l,
    struct audit_ckpt_info *ci, struct audit_fail *f)
{
	struct audit_buf note = { 0 };
	struct audit_quorum q;
	uint8_t root[32];
	int r = -1;

	memset(ci, 0, sizeof(*ci));
	ci->size = l->size;
	memcpy(ci->root, l->root_hash, 32);
	if (l->size != l->seq)
		return audit_failf(f, AUDIT_E_CKPT_SIZE,
		    "%s size %llu does not cover the %llu lines before it",
		    audit_type_name(l->type), (unsigned long long)l->size,
		    (unsigned long long)l->seq);
	audit_merkle_root(&v->tail.tree, root);
	if (memcmp(root, l->root_hash, 32) != 0)
		return audit_failf(f, AUDIT_E_CKPT_ROOT,
		    "%s root is not the Merkle root of lines 1..%llu",
		    audit_type_name(l->type), (unsigned long long)l->size);
	if (!v->tail.policy.have) {
		if (l->cosigs != NULL)
			return audit_failf(f, AUDIT_E_SCHEMA,
			    "cosigs before world-created");
		return 0;
	}
	ci->quorum = 1;
	ci->k = v->tail.policy.k;
	ci->n = v->tail.policy.n;
	if (l->cosigs == NULL)
		return audit_failf(f, l->type == AUDIT_T_RESUME ?
		    AUDIT_E_RESUME_AUTH : AUDIT_E_QUORUM,
		    "%s without the quorum's cosignatures (policy %u of %u)",
		    audit_type_name(l->type), ci->k, ci->n);
	if (audit_cosign_note(&note, l->origin, l->size, l->root_hash,
	    l->type) != 0) {
		audit_failf(f, AUDIT_E_LIMIT, "out of memory");
		goto out;
	}
	if (audit_quorum_check(&v->tail.policy, note.p, note.len, l->cosigs,
	    l->type, &q, f) != 0)
		goto out;
	ci->cosigned = q.count;
	audit_quorum_cards(&q, ci->cards, sizeof(ci->cards));
	r = 0;
out:
	audit_buf_free(&note);
	return r;
}

/* Position, origin and chain; *signer is the key that must sign l. */
static int
check_place(struct verifier *v, const struct audit_line *l, uint64_t idx,
    const uint8_t **signer, struct audit_fail *f)
{
	if (idx == 0 && l->type != AUDIT_T_GENESIS)
		return audit_failf(f, AUDIT_E_SCHEMA,
		    "the first line is not genesis");
	if (idx > 0 && l->type == AUDIT_T_GENESIS)
		return audit_failf(f, AUDIT_E_SCHEMA,
		    "genesis after the first line");
	if (l->seq != idx)
		return audit_failf(f, AUDIT_E_SEQ, "seq %llu on line %llu",
		    (unsigned long long)l->seq, (unsigned long long)v->lineno);
	if (idx == 0) {
		snprintf(v->res->origin, sizeof(v->res->origin), "%s",
		    l->origin);
		v->res->rehearsal = l->rehearsal;
		*signer = l->pk;
		return 0;
	}
	if (strcmp(l->origin, v->res->origin) != 0)
		return audit_failf(f, AUDIT_E_ORIGIN,
		    "origin '%.100s' is not the log's", l->origin);
	if (l->rehearsal != v->res->rehearsal)
		return audit_failf(f, AUDIT_E_SCHEMA, "rehearsal flag %s",
		    l->rehearsal ? "in a live log" : "missing in a rehearsal");
	if (memcmp(l->prev, v->tail.last_lh, 32) != 0)
		return audit_failf(f, AUDIT_E_CHAIN,
		    "prev is not the hash of seq %llu",
		    (unsigned long long)(idx - 1));
	*signer = v->tail.next_pk;
	return 0;
}

/* What the entry's type asks: checkpoints, the world and its anchors. */
static int
check_type(struct verifier *v, const struct audit_line *l,
    struct audit_ckpt_info *ci, int *have_ci, struct audit_fail *f)
{
	switch (l->type) {
	case AUDIT_T_CHECKPOINT:
	case AUDIT_T_RESUME:
	case AUDIT_T_SEAL:
		if (check_ckpt(v, l, ci, f) != 0)
			return -1;
		*have_ci = 1;
		return 0;
	case AUDIT_T_EVENT:
		if (l->event == AUDIT_EV_FAULT_INJECTED && !l->rehearsal)
			return audit_failf(f, AUDIT_E_SCHEMA,
			    "fault-injected in a live log");
		if (l->event != AUDIT_EV_WORLD_CREATED)
			return 0;
		if (v->tail.policy.have)
			return audit_failf(f, AUDIT_E_SCHEMA,
			    "a second world-created");
		if (audit_policy_from_data(&v->tail.policy, l->data, f) != 0)
			return -1;
		if (v->o->ncards > 0 &&
		    audit_anchor_cards(&v->tail.policy, v->o, f) != 0)
			return -1;
		return 0;
	default:
		return 0;
	}
}

/* --expect-genesis and --expect-seal. */
static int
check_anchors(struct verifier *v, const struct audit_line *l, uint64_t idx,
    const uint8_t lh[32], struct audit_fail *f)
{
	if (idx == 0 && v->o->have_genesis &&
	    memcmp(lh, v->o->expect_genesis, 32) != 0)
		return audit_failf(f, AUDIT_E_ANCHOR,
		    "genesis fingerprint differs from --expect-genesis");
	if (l->type == AUDIT_T_SEAL && v->o->have_seal &&
	    memcmp(lh, v->o->expect_seal, 32) != 0)
		return audit_failf(f, AUDIT_E_ANCHOR,
		    "seal fingerprint differs from --expect-seal");
	return 0;
}

/* Queues the entry signature for a worker. */
static int
queue_sig(struct verifier *v, const struct audit_line *l, uint64_t idx,
    uint64_t byte, const uint8_t *signer, struct audit_fail *f)
{
	struct batch *b;
	struct job *j;

	if ((b = audit_verify_batch(v)) == NULL)
		return audit_failf(f, AUDIT_E_LIMIT, "out of memory");
	j = &b->jobs[b->n];
	j->line = v->lineno;
	j->seq = l->seq;
	j->byte = byte;
	j->signer = idx > 0 ? idx - 1 : 0;
	memcpy(j->pk, signer, 32);
	memcpy(j->sig, l->sig, 64);
	j->off = b->arena.len;
	if (audit_buf_adds(&b->arena, AUDIT_ENTRY_DOMAIN) != 0 ||
	    audit_buf_adds(&b->arena, l->origin) != 0 ||
	    audit_buf_addc(&b->arena, '\n') != 0 ||
	    audit_buf_add(&b->arena, l->e_text, l->e_len) != 0)
		return audit_failf(f, AUDIT_E_LIMIT, "out of memory");
	j->len = b->arena.len - j->off;
	j->have_last_good = v->have_last_good;
	j->last_good = v->last_good;
	j->have_last_quorum = v->have_last_quorum;
	j->last_quorum = v->last_quorum;
	b->n++;
	return 0;
}

/* The line is good (but for its signature, queued): advance the state. */
static void
advance(struct verifier *v, const struct audit_line *l, uint64_t idx,
    const uint8_t lh[32], const struct audit_ckpt_info *ci, int have_ci)
{
	audit_merkle_add(&v->tail.tree, lh);
	memcpy(v->tail.last_lh, lh, 32);
	if (l->has_next_pk)
		memcpy(v->tail.next_pk, l->next_pk, 32);
	if (idx == 0) {
		memcpy(v->res->genesis, lh, 32);
		v->res->have_genesis = 1;
	}
	if (have_ci) {
		v->res->checkpoints++;
		if (ci->quorum) {
			v->have_last_quorum = 1;
			v->last_quorum = *ci;
		}
		if (l->type == AUDIT_T_RESUME) {
			v->res->resumes++;
			if (!ci->quorum)
				v->res->resumes_without_quorum++;
		}
		if (l->type == AUDIT_T_SEAL) {
			v->res->sealed = 1;
			v->res->seal = *ci;
			memcpy(v->res->seal_lh, lh, 32);
		}
	}
	entry_info(l, &v->last_good);
	v->have_last_good = 1;
	v->res->entries++;
}

void
audit_verify_line(struct verifier *v, const char *p, size_t len, uint64_t byte)
{
	struct audit_line l;
	struct audit_fail f = { 0, "" };
	struct audit_ckpt_info ci;
	uint64_t idx = v->lineno - 1;
	uint8_t lh[32];
	const uint8_t *signer = NULL;
	int have_ci = 0;

	if (v->res->sealed) {
		audit_verify_fail_at(v, AUDIT_E_AFTER_SEAL,
		    "line after the seal", 0, 0, byte);
		return;
	}
	if (audit_line_parse(p, len, &l, &f) != 0) {
		audit_verify_fail_at(v, f.code, f.msg, 0, 0, byte);
		return;
	}
	audit_leaf_hash(p, len, lh);
	if (check_place(v, &l, idx, &signer, &f) != 0 ||
	    check_type(v, &l, &ci, &have_ci, &f) != 0 ||
	    check_anchors(v, &l, idx, lh, &f) != 0 ||
	    queue_sig(v, &l, idx, byte, signer, &f) != 0) {
		audit_verify_fail_at(v, f.code, f.msg, 1, l.seq, byte);
		audit_line_clear(&l);
		return;
	}
	advance(v, &l, idx, lh, &ci, have_ci);
	v->tail.good_bytes = byte + len + 1;
	audit_line_clear(&l);
	if (v->cur->n == BATCH_JOBS || v->cur->arena.len >= BATCH_BYTES)
		audit_verify_submit(v);
}
