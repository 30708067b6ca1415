/* SPDX-License-Identifier: ISC */
/*
 * runner-summary.c: the end of a ceremony, for the paper minutes.
 *
 * After the seal the runner writes, in out_dir, transcript.txt (the audit
 * library's printable record of the verified log) and summary.txt: the
 * origin, the anchors for the paper minutes as `keyrite audit verify'
 * takes them (genesis fingerprint, card fingerprints, seal fingerprint:
 * the seal line's hash), the log file's SHA-256, every artifact's
 * SHA-256, all in groups of eight hex digits to read aloud, and the
 * commands that were marked done on the connected workstation (the
 * show-command steps after the last carry that ran: an alternative not
 * chosen is not listed).  RUNNER_DONE carries the same summary text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit-verify.h"
#include "ceremony.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "runner-int.h"
#include "step.h"

int
runner_add_artifact(struct runner *r, const char *name, const char *sha256)
{
	struct runner_artifact *a;
	size_t i;

	for (i = 0; i < r->narts; i++)
		if (strcmp(r->arts[i].name, name) == 0) {
			snprintf(r->arts[i].sha256, sizeof(r->arts[i].sha256),
			    "%s", sha256);
			return 0;
		}
	if ((a = realloc(r->arts, (r->narts + 1) * sizeof(*a))) == NULL)
		return KR_ENOMEM;
	r->arts = a;
	if ((a[r->narts].name = strdup(name)) == NULL)
		return KR_ENOMEM;
	snprintf(a[r->narts].sha256, sizeof(a[r->narts].sha256), "%s", sha256);
	r->narts++;
	return 0;
}

struct sbuf {
	char	*p;
	size_t	 len, cap;
	int	 oom;
};

static void
sadd(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sadd(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL,
		    b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if (b->p != NULL && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		if ((p = realloc(b->p, b->cap + (size_t)n + 1024)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap += (size_t)n + 1024;
	}
}

/* A label, then the hash on its own line in groups of eight (80 columns). */
static void
grouped(struct sbuf *b, const char *label, const uint8_t *h)
{
	char hex[65], g[80];

	kr_hex_encode(h, 32, hex, sizeof(hex));
	kr_hex_group(hex, 8, 0, g, sizeof(g));
	sadd(b, "%s\n  %s\n", label, g);
}

/*
 * The anchors for the paper minutes, each under the option of `keyrite
 * audit verify' that takes it, in the form it takes (keyrite-audit(5)).
 * They are read back from the verified log, not from the writer's memory.
 */
static int
anchors(struct runner *r, struct sbuf *b, struct kr_err *e)
{
	struct audit_verify_opts vo;
	struct audit_verify_result res;
	char label[80];
	unsigned i;
	int rc;

	memset(&vo, 0, sizeof(vo));
	vo.threads = 1;
	if ((rc = audit_verify_file(r->o.log_path, &vo, &res, e)) != 0)
		return rc == KR_EUNSEALED ? kr_errf(e, KR_EFAIL, "%s: not "
		    "sealed", r->o.log_path) : rc;
	sadd(b, "\nFor the paper minutes (each under the option of keyrite "
	    "audit verify\nthat takes it):\n\n");
	grouped(b, "genesis fingerprint (--expect-genesis)", res.genesis);
	for (i = 0; i < res.ncards; i++) {
		snprintf(label, sizeof(label), "card %u fingerprint "
		    "(--expect-cards, card 1 first, comma-separated)", i + 1);
		grouped(b, label, res.card_fp[i]);
	}
	grouped(b, "seal fingerprint (--expect-seal)", res.seal_lh);
	if (res.ncards == 0)
		sadd(b, "(no cards: the seal carries no quorum; only "
		    "--expect-seal anchors it)\n");
	sadd(b, "\nCheck: keyrite audit verify LOG --expect-genesis G%s "
	    "--expect-seal S\n", res.ncards > 0 ? " --expect-cards C1,C2,..." :
	    "");
	return 0;
}

/* The show-command steps after the last carry that were done. */
static void
next_commands(struct runner *r, struct sbuf *b)
{
	const struct ceremony_step *s;
	const struct ceremony_value *v;
	size_t i, from = 0;
	char *cmd;
	struct kr_err e;

	for (i = 0; i < r->c->nsteps; i++)
		if (r->c->steps[i].type == &step_carry_artifact)
			from = i;
	sadd(b, "\nDone on the connected workstation after the last carry "
	    "(alternatives not chosen left out):\n");
	for (i = from; i < r->c->nsteps; i++) {
		s = &r->c->steps[i];
		if (s->type != &step_show_command || r->status[i] != ST_OK ||
		    (v = ceremony_step_with(s, "command")) == NULL)
			continue;
		if (runner_expand(r, v->scalar.s, &cmd, &e) != 0)
			continue;
		sadd(b, "  [%s] %s\n", s->id.s, cmd);
		free(cmd);
	}
}

int
runner_finish(struct runner *r, const struct audit_fingerprints *fp,
    struct kr_err *e)
{
	struct sbuf b = { NULL, 0, 0, 0 };
	char path[4096], g[80], *tr = NULL;
	size_t i;
	int rc;

	sadd(&b, "keyrite ceremony summary%s\n\n", r->o.rehearsal ?
	    " (REHEARSAL)" : "");
	sadd(&b, "%-18s %s\n", "ceremony", r->c->id.s);
	sadd(&b, "%-18s %s\n", "origin", fp->origin);
	sadd(&b, "%-18s %s\n", "log", r->o.log_path);
	sadd(&b, "%-18s %llu\n", "entries", (unsigned long long)fp->entries);
	if ((rc = anchors(r, &b, e)) != 0)
		goto out;
	grouped(&b, "log file SHA-256", fp->file_sha256);
	sadd(&b, "\nArtifacts (SHA-256):\n");
	for (i = 0; i < r->narts; i++) {
		kr_hex_group(r->arts[i].sha256, 8, 0, g, sizeof(g));
		sadd(&b, "  %s\n    %s\n", r->arts[i].name, g);
	}
	next_commands(r, &b);
	if (b.oom) {
		rc = kr_errf(e, KR_ENOMEM, "summary: out of memory");
		goto out;
	}
	if ((rc = kr_path_join(path, sizeof(path), r->o.out_dir,
	    "summary.txt")) != 0 ||
	    (rc = kr_write_atomic(path, b.p, b.len, 0600, e)) != 0)
		goto out;
	rc = audit_transcript_file(r->o.log_path, 0, &tr, e);
	if (rc != 0 || tr == NULL) {
		if (rc == 0)
			rc = kr_errf(e, KR_EIO, "transcript: nothing written");
		goto out;
	}
	if ((rc = kr_path_join(path, sizeof(path), r->o.out_dir,
	    "transcript.txt")) != 0 ||
	    (rc = kr_write_atomic(path, tr, strlen(tr), 0600, e)) != 0)
		goto out;
	free(r->summary);
	r->summary = b.p;
	b.p = NULL;
	rc = 0;
out:
	free(tr);
	free(b.p);
	return rc;
}
