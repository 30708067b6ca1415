/* SPDX-License-Identifier: ISC */
/*
 * audit-verify-sigs.c: the verifier's entry signatures, checked in
 * batches.  A batch holds up to BATCH_JOBS signatures (BATCH_BYTES of
 * signed text); with more than one CPU, worker threads check the queued
 * batches while the calling thread parses the next lines, and the calling
 * thread checks a batch itself when the queue is full.  A bad signature
 * is recorded with the context its job saved, so the answer does not
 * depend on the number of threads (see audit-verify.c).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "audit-int.h"
#include "audit-verify-int.h"

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
		audit_verify_record_fail(v, &f);
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

void
audit_verify_submit(struct verifier *v)
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

struct batch *
audit_verify_batch(struct verifier *v)
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

void
audit_verify_threads_finish(struct verifier *v)
{
	struct batch *b;
	int i;

	audit_verify_submit(v);
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

void
audit_verify_threads_start(struct verifier *v, int threads)
{
	int i;

	if (threads <= 0)
		threads = cpus();
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
}
