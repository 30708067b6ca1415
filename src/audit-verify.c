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
 *
 * This file is the stream (bytes to lines, the end state and the public
 * functions); the checks of one line are audit-verify-line.c, the
 * signature batches and their threads audit-verify-sigs.c, their shared
 * state audit-verify-int.h.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "audit-int.h"
#include "audit-verify.h"
#include "audit-verify-int.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"

void
audit_verify_record_fail(struct verifier *v, const struct failure *f)
{
	if (!v->fail.have || f->line < v->fail.line)
		v->fail = *f;
	v->stop = 1;
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
			audit_verify_fail_at(v, AUDIT_E_LIMIT,
			    "line longer than 65536 bytes", 0, 0,
			    v->offset - v->carry_len);
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
			audit_verify_line(v, p, take, v->offset);
		else {
			memcpy(v->carry + v->carry_len, p, take);
			audit_verify_line(v, v->carry, v->carry_len + take,
			    v->offset - v->carry_len);
			v->carry_len = 0;
		}
		v->offset += take + 1;
		p += take + 1;
		n -= take + 1;
	}
}

static int
start(struct verifier *v, const struct audit_verify_opts *o,
    struct audit_verify_result *res, struct kr_err *e)
{
	static const struct audit_verify_opts none;
	int threads;

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
	threads = v->o->threads > 0 ? v->o->threads : 0;
	audit_verify_threads_start(v, threads);
	return 0;
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
			audit_verify_fail_at(v, AUDIT_E_AFTER_SEAL,
			    "partial line after the seal", 0, 0,
			    res->partial_byte);
		}
	}
	audit_verify_threads_finish(v);
	if (!v->fail.have && v->o->have_genesis && !res->have_genesis) {
		v->lineno = 1;
		audit_verify_fail_at(v, AUDIT_E_ANCHOR,
		    "no genesis line to compare with --expect-genesis", 0, 0,
		    0);
	}
	if (!v->fail.have && v->o->have_seal && !res->sealed) {
		v->lineno = res->entries + 1;
		audit_verify_fail_at(v, AUDIT_E_ANCHOR,
		    "the log is not sealed; --expect-seal cannot match", 0, 0,
		    v->tail.good_bytes);
	}
	if (!v->fail.have && v->o->ncards > 0 && res->sealed &&
	    !v->tail.policy.have) {
		v->lineno = res->entries;
		audit_verify_fail_at(v, AUDIT_E_ANCHOR,
		    "the log names no cards (no world-created); the cards of "
		    "the minutes cannot match", 0, 0, v->tail.good_bytes);
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
