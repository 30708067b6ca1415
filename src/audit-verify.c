/* SPDX-License-Identifier: ISC */
/*
 * audit-verify.c: the streaming verifier.
 *
 * Lines are checked in order by the calling thread: limits, canonical
 * JSON, schema, seq, origin, chain, checkpoint size and root, quorum, the
 * anchors.  Entry signatures (90% of the cost) are queued in batches; with
 * more than one CPU, worker threads check batches while the calling thread
 * parses the next lines, and the calling thread checks a batch itself when
 * the workers are behind.  A failure is reported at the lowest line that
 * failed any check, with the context (last good entry, last quorum
 * checkpoint) as it stood before that line, so the answer does not depend
 * on the number of threads.
 *
 * Memory: the compact range (64 hashes), one line, a few batches.
 */
#define _GNU_SOURCE
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "audit-int.h"
#include "audit-verify.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"

#define BATCH_JOBS	64
#define BATCH_BYTES	(256 * 1024)
#define MAX_THREADS	4
#define READ_CHUNK	(128 * 1024)

struct job {
	uint64_t		line;
	uint64_t		seq;
	uint64_t		byte;
	uint8_t			pk[32];
	uint8_t			sig[64];
	size_t			off;
	size_t			len;
	uint64_t		signer;		/* seq whose next_pk signs */
	int			have_last_good;
	struct audit_entry_info	last_good;
	int			have_last_quorum;
	struct audit_ckpt_info	last_quorum;
};

struct batch {
	struct job		 jobs[BATCH_JOBS];
	size_t			 n;
	struct audit_buf	 arena;
	long			 bad;		/* first failing job or -1 */
	struct batch		*next;
};

struct failure {
	int			have;
	int			code;
	char			msg[256];
	uint64_t		line;
	int			have_seq;
	uint64_t		seq;
	uint64_t		byte;
	int			have_last_good;
	struct audit_entry_info	last_good;
	int			have_last_quorum;
	struct audit_ckpt_info	last_quorum;
};

struct verifier {
	const struct audit_verify_opts	*o;
	struct audit_verify_result	*res;
	struct audit_tail		 tail;
	uint64_t			 lineno;	/* complete lines seen */
	uint64_t			 offset;	/* bytes consumed */
	int				 stop;
	struct failure			 fail;
	int				 have_last_good;
	struct audit_entry_info		 last_good;
	int				 have_last_quorum;
	struct audit_ckpt_info		 last_quorum;
	struct batch			*cur;
	char				*carry;
	size_t				 carry_len;
	EVP_MD_CTX			*filehash;
	int				 hash_ok;

	int				 nworkers;
	pthread_t			 th[MAX_THREADS];
	pthread_mutex_t			 mu;
	pthread_cond_t			 work_cv;
	pthread_cond_t			 done_cv;
	struct batch			*qhead;
	struct batch			*qtail;
	unsigned			 queued;
	unsigned			 inflight;
	int				 quit;
	struct batch			*done;
	struct batch			*freelist;
};

static void
verify_batch(struct batch *b)
{
	size_t i;

	b->bad = -1;
	for (i = 0; i < b->n; i++) {
		struct job *j = &b->jobs[i];

		if (!audit_verify_sig(j->pk, b->arena.p + j->off, j->len,
		    j->sig)) {
			b->bad = (long)i;
			return;
		}
	}
}

static void *
worker(void *arg)
{
	struct verifier *v = arg;
	struct batch *b;

	pthread_mutex_lock(&v->mu);
	for (;;) {
		while (v->qhead == NULL && !v->quit)
			pthread_cond_wait(&v->work_cv, &v->mu);
		if ((b = v->qhead) == NULL)
			break;
		if ((v->qhead = b->next) == NULL)
			v->qtail = NULL;
		v->queued--;
		pthread_mutex_unlock(&v->mu);
		verify_batch(b);
		pthread_mutex_lock(&v->mu);
		b->next = v->done;
		v->done = b;
		v->inflight--;
		pthread_cond_signal(&v->done_cv);
	}
	pthread_mutex_unlock(&v->mu);
	return NULL;
}

static void
record_fail(struct verifier *v, const struct failure *f)
{
	if (!v->fail.have || f->line < v->fail.line)
		v->fail = *f;
	v->stop = 1;
}

static void
fail_at(struct verifier *v, int code, const char *msg, int have_seq,
    uint64_t seq, uint64_t byte)
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
	record_fail(v, &f);
}

static void
harvest_one(struct verifier *v, struct batch *b)
{
	struct failure f;
	struct job *j;

	if (b->bad >= 0) {
		j = &b->jobs[b->bad];
		memset(&f, 0, sizeof(f));
		f.have = 1;
		f.code = AUDIT_E_SIG;
		if (j->seq == 0)
			snprintf(f.msg, sizeof(f.msg),
			    "genesis signature does not verify under its pk");
		else
			snprintf(f.msg, sizeof(f.msg),
			    "entry signature does not verify under next_pk of "
			    "seq %llu", (unsigned long long)j->signer);
		f.line = j->line;
		f.have_seq = 1;
		f.seq = j->seq;
		f.byte = j->byte;
		f.have_last_good = j->have_last_good;
		f.last_good = j->last_good;
		f.have_last_quorum = j->have_last_quorum;
		f.last_quorum = j->last_quorum;
		record_fail(v, &f);
	}
	b->n = 0;
	audit_buf_reset(&b->arena);
	b->next = v->freelist;
	v->freelist = b;
}

static void
harvest(struct verifier *v)
{
	struct batch *b, *next;

	if (v->nworkers == 0)
		return;
	pthread_mutex_lock(&v->mu);
	b = v->done;
	v->done = NULL;
	pthread_mutex_unlock(&v->mu);
	for (; b != NULL; b = next) {
		next = b->next;
		harvest_one(v, b);
	}
}

static void
submit(struct verifier *v)
{
	struct batch *b = v->cur;
	int queued = 0;

	if (b == NULL || b->n == 0)
		return;
	v->cur = NULL;
	if (v->nworkers > 0) {
		pthread_mutex_lock(&v->mu);
		if (v->queued < 2 * (unsigned)v->nworkers) {
			b->next = NULL;
			if (v->qtail != NULL)
				v->qtail->next = b;
			else
				v->qhead = b;
			v->qtail = b;
			v->queued++;
			v->inflight++;
			queued = 1;
			pthread_cond_signal(&v->work_cv);
		}
		pthread_mutex_unlock(&v->mu);
	}
	if (!queued) {
		verify_batch(b);
		harvest_one(v, b);
	}
	harvest(v);
}

static struct batch *
get_batch(struct verifier *v)
{
	struct batch *b;

	if (v->cur != NULL)
		return v->cur;
	if ((b = v->freelist) != NULL)
		v->freelist = b->next;
	else if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->n = 0;
	b->next = NULL;
	b->bad = -1;
	v->cur = b;
	return b;
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

	if ((b = get_batch(v)) == NULL)
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

static void
do_line(struct verifier *v, const char *p, size_t len, uint64_t byte)
{
	struct audit_line l;
	struct audit_fail f = { 0, "" };
	struct audit_ckpt_info ci;
	uint64_t idx = v->lineno - 1;
	uint8_t lh[32];
	const uint8_t *signer = NULL;
	int have_ci = 0;

	if (v->res->sealed) {
		fail_at(v, AUDIT_E_AFTER_SEAL, "line after the seal", 0, 0,
		    byte);
		return;
	}
	if (audit_line_parse(p, len, &l, &f) != 0) {
		fail_at(v, f.code, f.msg, 0, 0, byte);
		return;
	}
	audit_leaf_hash(p, len, lh);
	if (check_place(v, &l, idx, &signer, &f) != 0 ||
	    check_type(v, &l, &ci, &have_ci, &f) != 0 ||
	    check_anchors(v, &l, idx, lh, &f) != 0 ||
	    queue_sig(v, &l, idx, byte, signer, &f) != 0) {
		fail_at(v, f.code, f.msg, 1, l.seq, byte);
		audit_line_clear(&l);
		return;
	}
	advance(v, &l, idx, lh, &ci, have_ci);
	v->tail.good_bytes = byte + len + 1;
	audit_line_clear(&l);
	if (v->cur->n == BATCH_JOBS || v->cur->arena.len >= BATCH_BYTES)
		submit(v);
}

/* Feeds bytes; complete lines go to do_line. */
static void
feed(struct verifier *v, const char *p, size_t n)
{
	const char *nl;
	size_t take;

	if (v->hash_ok && EVP_DigestUpdate(v->filehash, p, n) != 1)
		v->hash_ok = 0;
	while (n > 0 && !v->stop) {
		nl = memchr(p, '\n', n);
		take = nl != NULL ? (size_t)(nl - p) : n;
		if (v->carry_len + take > AUDIT_LINE_MAX) {
			v->lineno++;
			fail_at(v, AUDIT_E_LIMIT, "line longer than 65536 bytes",
			    0, 0, v->offset - v->carry_len);
			return;
		}
		if (nl == NULL) {
			memcpy(v->carry + v->carry_len, p, take);
			v->carry_len += take;
			v->offset += take;
			return;
		}
		v->lineno++;
		if (v->carry_len == 0)
			do_line(v, p, take, v->offset);
		else {
			memcpy(v->carry + v->carry_len, p, take);
			do_line(v, v->carry, v->carry_len + take,
			    v->offset - v->carry_len);
			v->carry_len = 0;
		}
		v->offset += take + 1;
		p += take + 1;
		n -= take + 1;
	}
}

static int
cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 1;
	n = CPU_COUNT(&set);
	return n < 1 ? 1 : n;
}

static int
start(struct verifier *v, const struct audit_verify_opts *o,
    struct audit_verify_result *res, struct kr_err *e)
{
	static const struct audit_verify_opts none;
	int threads, i;

	memset(v, 0, sizeof(*v));
	memset(res, 0, sizeof(*res));
	res->status = AUDIT_INVALID;
	res->code_name = "OK";
	v->o = o != NULL ? o : &none;
	v->res = res;
	audit_merkle_init(&v->tail.tree);
	if ((v->carry = malloc(AUDIT_LINE_MAX + 1)) == NULL)
		return kr_errf(e, KR_ENOMEM, "audit: out of memory");
	if ((v->filehash = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestInit_ex(v->filehash, EVP_sha256(), NULL) == 1)
		v->hash_ok = 1;
	threads = v->o->threads > 0 ? v->o->threads : cpus();
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	pthread_mutex_init(&v->mu, NULL);
	pthread_cond_init(&v->work_cv, NULL);
	pthread_cond_init(&v->done_cv, NULL);
	for (i = 0; i < threads - 1; i++) {
		if (pthread_create(&v->th[i], NULL, worker, v) != 0)
			break;
		v->nworkers++;
	}
	return 0;
}

static void
finish_threads(struct verifier *v)
{
	struct batch *b;
	int i;

	submit(v);
	if (v->nworkers > 0) {
		pthread_mutex_lock(&v->mu);
		while (v->inflight > 0)
			pthread_cond_wait(&v->done_cv, &v->mu);
		v->quit = 1;
		pthread_cond_broadcast(&v->work_cv);
		pthread_mutex_unlock(&v->mu);
		for (i = 0; i < v->nworkers; i++)
			pthread_join(v->th[i], NULL);
		harvest(v);
	}
	while ((b = v->freelist) != NULL) {
		v->freelist = b->next;
		audit_buf_free(&b->arena);
		free(b);
	}
	pthread_mutex_destroy(&v->mu);
	pthread_cond_destroy(&v->work_cv);
	pthread_cond_destroy(&v->done_cv);
}

/* What the options pinned (mismatches have failed already). */
static void
set_anchors(struct verifier *v)
{
	struct audit_verify_result *res = v->res;
	unsigned i;

	if (v->tail.policy.have) {
		res->ncards = v->tail.policy.n;
		for (i = 1; i <= res->ncards && i <= AUDIT_ANCHOR_CARDS_MAX; i++)
			audit_card_fingerprint(v->tail.policy.pk[i],
			    res->card_fp[i - 1]);
	}
	res->anchored_genesis = v->o->have_genesis && res->have_genesis;
	res->anchored_seal = v->o->have_seal && res->sealed;
	/* Pinned cards anchor a seal only when the quorum cosigned it. */
	res->anchored_cards = v->o->ncards > 0 && v->tail.policy.have &&
	    (!res->sealed || res->seal.quorum);
}

static int
end(struct verifier *v, struct audit_tail *tail)
{
	struct audit_verify_result *res = v->res;
	unsigned int hl = 32;
	uint8_t ph[32];

	if (!v->stop && v->carry_len > 0) {
		res->partial = 1;
		res->partial_bytes = v->carry_len;
		res->partial_byte = v->offset - v->carry_len;
		res->partial_line = v->lineno + 1;
		audit_sha256(v->carry, v->carry_len, ph);
		memcpy(v->tail.partial_sha256, ph, 32);
		if (res->sealed) {
			v->lineno++;
			fail_at(v, AUDIT_E_AFTER_SEAL,
			    "partial line after the seal", 0, 0,
			    res->partial_byte);
		}
	}
	finish_threads(v);
	if (!v->fail.have && v->o->have_genesis && !res->have_genesis) {
		v->lineno = 1;
		fail_at(v, AUDIT_E_ANCHOR, "no genesis line to compare with "
		    "--expect-genesis", 0, 0, 0);
	}
	if (!v->fail.have && v->o->have_seal && !res->sealed) {
		v->lineno = res->entries + 1;
		fail_at(v, AUDIT_E_ANCHOR, "the log is not sealed; "
		    "--expect-seal cannot match", 0, 0, v->tail.good_bytes);
	}
	if (!v->fail.have && v->o->ncards > 0 && res->sealed &&
	    !v->tail.policy.have) {
		v->lineno = res->entries;
		fail_at(v, AUDIT_E_ANCHOR, "the log names no cards (no "
		    "world-created); the cards of the minutes cannot match", 0,
		    0, v->tail.good_bytes);
	}
	if (v->hash_ok && EVP_DigestFinal_ex(v->filehash, res->file_sha256,
	    &hl) != 1)
		v->hash_ok = 0;
	EVP_MD_CTX_free(v->filehash);
	free(v->carry);
	res->file_bytes = v->offset + v->carry_len;
	if (tail != NULL)
		*tail = v->tail;
	if (v->fail.have) {
		res->status = AUDIT_INVALID;
		res->code = v->fail.code;
		snprintf(res->msg, sizeof(res->msg), "%s", v->fail.msg);
		res->line = v->fail.line;
		res->have_seq = v->fail.have_seq;
		res->seq = v->fail.seq;
		res->byte = v->fail.byte;
		res->have_last_good = v->fail.have_last_good;
		res->last_good = v->fail.last_good;
		res->have_last_quorum = v->fail.have_last_quorum;
		res->last_quorum = v->fail.last_quorum;
		res->entries = v->fail.line - 1;
		res->sealed = 0;
		res->code_name = audit_code_name(res->code);
		return KR_EFAIL;
	}
	res->have_last_good = v->have_last_good;
	res->last_good = v->last_good;
	res->have_last_quorum = v->have_last_quorum;
	res->last_quorum = v->last_quorum;
	res->have_policy = v->tail.policy.have;
	res->k = v->tail.policy.k;
	res->n = v->tail.policy.n;
	if (res->partial) {
		res->code = AUDIT_E_PARTIAL_LINE;
		res->code_name = audit_code_name(res->code);
		res->line = res->partial_line;
		res->byte = res->partial_byte;
		snprintf(res->msg, sizeof(res->msg),
		    "partial last line of %llu bytes (a crash artifact)",
		    (unsigned long long)res->partial_bytes);
	}
	set_anchors(v);
	if (res->sealed) {
		res->status = res->anchored_seal || res->anchored_cards ?
		    AUDIT_SEALED : AUDIT_UNANCHORED;
		return 0;
	}
	res->status = AUDIT_UNSEALED;
	return KR_EUNSEALED;
}

int
audit_verify_buffer(const void *buf, size_t len,
    const struct audit_verify_opts *o, struct audit_verify_result *res,
    struct kr_err *e)
{
	struct verifier v;
	int r;

	if ((r = start(&v, o, res, e)) != 0)
		return r;
	feed(&v, buf, len);
	return end(&v, NULL);
}

int
audit_verify_fd_tail(int fd, const struct audit_verify_opts *o,
    struct audit_verify_result *res, struct audit_tail *tail,
    struct kr_err *e)
{
	struct verifier v;
	char *buf;
	ssize_t n;
	int r, ioerr = 0;

	if ((buf = malloc(READ_CHUNK)) == NULL) {
		memset(res, 0, sizeof(*res));
		res->status = AUDIT_INVALID;
		res->code_name = "OK";
		return kr_errf(e, KR_ENOMEM, "audit: out of memory");
	}
	if ((r = start(&v, o, res, e)) != 0) {
		free(buf);
		return r;
	}
	while (!v.stop) {
		n = read(fd, buf, READ_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ioerr = errno;
			break;
		}
		if (n == 0)
			break;
		feed(&v, buf, (size_t)n);
	}
	free(buf);
	r = end(&v, tail);
	if (ioerr != 0) {
		res->status = AUDIT_INVALID;
		return kr_errf(e, KR_EIO, "read: %s", strerror(ioerr));
	}
	return r;
}

static int
audit_verify_fd(int fd, const struct audit_verify_opts *o,
    struct audit_verify_result *res, struct kr_err *e)
{
	return audit_verify_fd_tail(fd, o, res, NULL, e);
}

int
audit_verify_file(const char *path, const struct audit_verify_opts *o,
    struct audit_verify_result *res, struct kr_err *e)
{
	int fd, r;

	if ((fd = kr_open_regular(path, e)) < 0) {
		memset(res, 0, sizeof(*res));
		res->status = AUDIT_INVALID;
		res->code_name = "OK";
		return fd;
	}
	r = audit_verify_fd(fd, o, res, e);
	close(fd);
	return r;
}

int
audit_parse_fingerprint(const char *s, uint8_t out[32])
{
	char hex[65];
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == ':')
			continue;
		if (n == 64)
			return KR_EUSAGE;
		hex[n++] = *s;
	}
	hex[n] = '\0';
	if (n != 64 || kr_hex_decode(hex, out, 32, NULL) != 0)
		return KR_EUSAGE;
	return 0;
}
