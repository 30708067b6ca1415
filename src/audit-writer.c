/* SPDX-License-Identifier: ISC */
/*
 * audit-writer.c: appends signed entries to a ceremony's audit log.
 *
 * Invariants, for every entry i (see audit-chain.c for the key file):
 *   1. sk_(i+1) exists before entry i is signed (its pk is next_pk);
 *   2. the key file holds {sk_i, sk_(i+1)} while line i is being written
 *      and {sk_(i+1)} once it is on disk, so a crash at any point leaves a
 *      key that continues the chain, and never more than the process held;
 *   3. line i is written with one write(2) and fdatasync'd before sk_i is
 *      freed (cleared in the secure heap);
 *   4. every line is parsed back by the verifier's line parser before it is
 *      written: the writer never writes what the verifier refuses;
 *   5. after the seal the writer holds no private key and the key file is
 *      gone; nothing more can be appended.
 * After any failure the writer refuses further entries.
 *
 * This file is the append path (and the checkpoint and the seal); opening
 * a new or a resumed log is audit-writer-open.c, one function per event
 * audit-writer-events.c, their shared state audit-writer-int.h.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit-int.h"
#include "audit-verify.h"
#include "audit-writer-int.h"
#include "clock.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

const struct audit_test_hooks *
audit_writer_hooks(const struct audit_writer *w)
{
	return w->have_hooks ? &w->hooks : NULL;
}

void
audit_writer_steal(struct audit_writer *w)
{
	uint8_t *raw;
	size_t len = 32;

	if (!w->have_hooks || w->hooks.steal == NULL || w->cur == NULL)
		return;
	if ((raw = kr_secure_malloc(32)) == NULL)
		return;
	if (EVP_PKEY_get_raw_private_key(w->cur, raw, &len) == 1)
		w->hooks.steal(w->hooks.steal_arg, w->seq, raw);
	kr_secure_free(raw, 32);
}

static int
persist(const struct audit_writer *w)
{
	return !(w->have_hooks && w->hooks.no_sync);
}

/* Marks the writer broken by the error in err (code rc) and keeps that
 * first error: every later call reports it again, with its code. */
static int
broken(struct audit_writer *w, int rc, struct kr_err *err)
{
	if (!w->broken) {
		w->broken = 1;
		w->broken_err.code = rc;
		snprintf(w->broken_err.msg, sizeof(w->broken_err.msg), "%s",
		    err != NULL ? err->msg : "audit: write failed");
	}
	return rc;
}

int
audit_set_str(json_t *o, const char *k, const char *s)
{
	json_t *v;

	if (s == NULL)
		return 0;
	if ((v = json_string(s)) == NULL)	/* NULL for invalid UTF-8 */
		return -1;
	return json_object_set_new(o, k, v);
}

int
audit_set_b64(json_t *o, const char *k, const uint8_t *p, size_t len)
{
	char buf[128];

	if (kr_b64_encode(p, len, buf, sizeof(buf)) < 0)
		return -1;
	return json_object_set_new(o, k, json_string(buf));
}

int
audit_set_int(json_t *o, const char *k, uint64_t v)
{
	return json_object_set_new(o, k, json_integer((json_int_t)v));
}

/* Collects the cards' cosignatures for a checkpoint, resume or seal. */
static int
cosign(struct audit_writer *w, json_t *e, int type, const uint8_t root[32],
    struct kr_err *err)
{
	struct audit_cosig cs[AUDIT_COSIGS_MAX];
	struct audit_buf note = { 0 };
	struct audit_quorum q;
	struct audit_fail f = { 0, "" };
	json_t *arr = NULL, *c;
	size_t n = 0, i;
	int r;

	if (w->cosign == NULL) {
		r = kr_errf(err, KR_EUSAGE, "audit: %s needs the quorum's "
		    "cosignatures and no cosigner is set", audit_type_name(type));
		goto out;
	}
	if (audit_cosign_note(&note, w->origin, w->seq, root, type) != 0) {
		r = kr_errf(err, KR_ENOMEM, "audit: out of memory");
		goto out;
	}
	if ((r = w->cosign(w->cosign_arg, (const uint8_t *)note.p, note.len,
	    cs, AUDIT_COSIGS_MAX, &n, err)) != 0)
		goto out;
	if (n == 0 || n > AUDIT_COSIGS_MAX) {
		r = kr_errf(err, KR_EAUTH, "audit: %s: no cosignatures",
		    audit_type_name(type));
		goto out;
	}
	if ((arr = json_array()) == NULL) {
		r = kr_errf(err, KR_ENOMEM, "audit: out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((c = json_object()) == NULL ||
		    json_array_append_new(arr, c) != 0 ||
		    audit_set_int(c, "card", cs[i].card) != 0 ||
		    audit_set_b64(c, "pk", cs[i].pk, 32) != 0 ||
		    audit_set_b64(c, "sig", cs[i].sig, 64) != 0) {
			r = kr_errf(err, KR_ENOMEM, "audit: out of memory");
			goto out;
		}
	}
	if (!(w->have_hooks && w->hooks.unchecked_cosigs)) {
		for (i = 0; i < n; i++)
			if (cs[i].card < 1 || cs[i].card > AUDIT_CARDS_MAX) {
				r = kr_errf(err, KR_EAUTH,
				    "audit: cosignature of card %u", cs[i].card);
				goto out;
			}
		if (audit_quorum_check(&w->policy, note.p, note.len, arr, type,
		    &q, &f) != 0) {
			r = kr_errf(err, KR_EAUTH, "audit: %s", f.msg);
			goto out;
		}
	}
	json_object_set_new(e, "cosigs", arr);
	arr = NULL;
	r = 0;
out:
	json_decref(arr);
	audit_buf_free(&note);
	return r;
}

/* The members every entry has, and the genesis key; *next is made here. */
static int
fill_common(struct audit_writer *w, json_t *e, int type, EVP_PKEY **next,
    struct kr_err *err)
{
	uint8_t pk[32];
	char t[32];
	int r;

	if (kr_rfc3339(kr_now(), t, sizeof(t)) != 0)
		return kr_errf(err, KR_EIO, "audit: cannot read the clock");
	if (audit_set_int(e, "v", 1) != 0 ||
	    audit_set_str(e, "origin", w->origin) != 0 ||
	    audit_set_int(e, "seq", w->seq) != 0 ||
	    audit_set_str(e, "type", audit_type_name(type)) != 0 ||
	    audit_set_str(e, "t", t) != 0 ||
	    (w->rehearsal && json_object_set_new(e, "rehearsal",
	    json_true()) != 0) ||
	    (w->seq > 0 && audit_set_b64(e, "prev", w->prev, 32) != 0))
		return kr_errf(err, KR_ENOMEM, "audit: out of memory");
	if (type == AUDIT_T_GENESIS && (audit_key_public(w->cur, pk) != 0 ||
	    audit_set_b64(e, "pk", pk, 32) != 0))
		return kr_errf(err, KR_ENOMEM, "audit: out of memory");
	if (type == AUDIT_T_SEAL)
		return 0;
	if ((r = audit_key_new(audit_writer_hooks(w), w->seq + 1, next,
	    err)) != 0)
		return r;
	if (audit_key_public(*next, pk) != 0 || audit_set_b64(e, "next_pk", pk,
	    32) != 0)
		return kr_errf(err, KR_ENOMEM, "audit: out of memory");
	return 0;
}

static int
is_ckpt(int type)
{
	return type == AUDIT_T_CHECKPOINT || type == AUDIT_T_RESUME ||
	    type == AUDIT_T_SEAL;
}

/* Writes line (with its '\n') in one write(2) and syncs it.  The first
 * I/O error breaks the writer and is kept for every later call. */
static int
write_line(struct audit_writer *w, struct kr_err *err)
{
	size_t half;

	half = w->have_hooks && w->hooks.split_write_us > 0 ?
	    w->line.len / 2 : 0;
	if (kr_write_all(w->fd, w->line.p, half) != 0)
		goto ioerr;
	if (half > 0)
		usleep(w->hooks.split_write_us);	/* TEST ONLY */
	if (kr_write_all(w->fd, w->line.p + half, w->line.len - half) != 0 ||
	    (persist(w) && fdatasync(w->fd) != 0))
		goto ioerr;
	return 0;
ioerr:
	return broken(w, kr_errf(err, KR_EIO, "%s: %s", w->path,
	    strerror(errno)), err);
}

/* Entry seq is on disk: advance, drop sk_seq, keep sk_(seq+1) only. */
static int
advance(struct audit_writer *w, int type, const uint8_t lh[32],
    const uint8_t root[32], EVP_PKEY *next, struct kr_err *err)
{
	struct audit_keyslot slot;
	int r;

	audit_merkle_add(&w->tree, lh);
	memcpy(w->prev, lh, 32);
	if (w->seq == 0)
		memcpy(w->genesis, lh, 32);
	if (is_ckpt(type)) {
		w->ckpt_size = w->seq;
		memcpy(w->ckpt_root, root, 32);
	}
	w->seq++;
	EVP_PKEY_free(w->cur);
	w->cur = next;
	audit_writer_steal(w);
	if (type == AUDIT_T_SEAL) {
		w->sealed = 1;
		if ((r = audit_keyfile_remove(w->keypath, 0, err)) != 0)
			return broken(w, r, err);
		return 0;
	}
	if (!persist(w))
		return 0;
	slot.seq = w->seq;
	slot.key = w->cur;
	if ((r = audit_keyfile_write(w->keypath, w->origin, &slot, 1,
	    err)) != 0)
		return broken(w, r, err);
	return 0;
}

/* Signs, checks, writes and syncs one entry; takes e. */
int
audit_writer_append(struct audit_writer *w, json_t *e, int type,
    struct kr_err *err)
{
	struct audit_keyslot slots[2];
	struct audit_line l;
	struct audit_fail f = { 0, "" };
	EVP_PKEY *next = NULL;
	uint8_t root[32] = { 0 }, lh[32];
	int r;

	if (w->broken || w->sealed) {
		json_decref(e);
		if (w->broken)
			return kr_errf(err, w->broken_err.code, "%s",
			    w->broken_err.msg);
		return kr_errf(err, KR_EUSAGE, "audit: %s: the log is sealed",
		    w->path);
	}
	if (e == NULL)
		return kr_errf(err, KR_EUSAGE, "audit: a field is not valid "
		    "UTF-8 or memory ran out");
	if ((r = fill_common(w, e, type, &next, err)) != 0)
		goto out;
	/* Checkpoints, resumes and the seal: size, root, cosignatures. */
	if (is_ckpt(type)) {
		audit_merkle_root(&w->tree, root);
		if (audit_set_int(e, "size", w->seq) != 0 ||
		    audit_set_b64(e, "root", root, 32) != 0) {
			r = kr_errf(err, KR_ENOMEM, "audit: out of memory");
			goto out;
		}
		if (w->policy.have && (r = cosign(w, e, type, root, err)) != 0)
			goto out;
	}
	/* Sign, and parse back: never write what the verifier refuses. */
	if ((r = audit_line_build(e, w->origin, w->cur, &w->line, err)) != 0)
		goto out;
	if (audit_line_parse(w->line.p, w->line.len, &l, &f) != 0) {
		r = kr_errf(err, KR_EUSAGE, "audit: refused entry: %s %s",
		    audit_code_name(f.code), f.msg);
		goto out;
	}
	audit_line_clear(&l);
	audit_leaf_hash(w->line.p, w->line.len, lh);
	/* The key file holds {sk_seq, sk_(seq+1)} while the line is written. */
	if (persist(w) && next != NULL) {
		slots[0].seq = w->seq;
		slots[0].key = w->cur;
		slots[1].seq = w->seq + 1;
		slots[1].key = next;
		if ((r = audit_keyfile_write(w->keypath, w->origin, slots, 2,
		    err)) != 0) {
			r = broken(w, r, err);
			goto out;
		}
	}
	if (audit_buf_addc(&w->line, '\n') != 0) {
		r = kr_errf(err, KR_ENOMEM, "audit: out of memory");
		goto out;
	}
	if ((r = write_line(w, err)) != 0)
		goto out;
	r = advance(w, type, lh, root, next, err);
	next = NULL;
out:
	EVP_PKEY_free(next);
	json_decref(e);
	audit_buf_reset(&w->line);
	return r;
}

int
audit_writer_sync_dir(const char *path, struct kr_err *e)
{
	char *dir, *slash;
	int r;

	if ((dir = strdup(path)) == NULL)
		return kr_errf(e, KR_ENOMEM, "audit: out of memory");
	if ((slash = strrchr(dir, '/')) == NULL)
		r = kr_fsync_dir(".", e);
	else {
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		r = kr_fsync_dir(dir, e);
	}
	free(dir);
	return r;
}

void
audit_writer_free(struct audit_writer *w)
{
	if (w == NULL)
		return;
	if (w->fd != -1)
		close(w->fd);
	EVP_PKEY_free(w->cur);
	audit_buf_free(&w->line);
	free(w->path);
	free(w->keypath);
	free(w->keydir);
	free(w);
}

void
audit_writer_set_cosigner(struct audit_writer *w, audit_cosign_fn fn,
    void *arg)
{
	w->cosign = fn;
	w->cosign_arg = arg;
}

int
audit_writer_keys_held(const struct audit_writer *w)
{
	return w->cur != NULL ? 1 : 0;
}

void
audit_writer_fingerprints(const struct audit_writer *w,
    struct audit_fingerprints *fp)
{
	memset(fp, 0, sizeof(*fp));
	snprintf(fp->origin, sizeof(fp->origin), "%s", w->origin);
	fp->entries = w->seq;
	memcpy(fp->genesis, w->genesis, 32);
	memcpy(fp->last, w->prev, 32);
	fp->size = w->ckpt_size;
	memcpy(fp->root, w->ckpt_root, 32);
	memcpy(fp->file_sha256, w->file_sha256, 32);
	fp->sealed = w->sealed;
}

int
audit_checkpoint(struct audit_writer *w, struct kr_err *e)
{
	return audit_writer_append(w, json_object(), AUDIT_T_CHECKPOINT, e);
}

int
audit_seal(struct audit_writer *w, struct audit_fingerprints *fp,
    struct kr_err *e)
{
	char hex[65];
	int r;

	if ((r = audit_writer_append(w, json_object(), AUDIT_T_SEAL, e)) != 0)
		return r;
	if ((r = audit_writer_sync_dir(w->keypath, e)) != 0)
		return r;
	if ((r = kr_file_sha256_hex(w->path, hex, e)) != 0 ||
	    (r = kr_hex_decode(hex, w->file_sha256, 32, NULL)) != 0)
		return r != 0 ? r : KR_EIO;
	if (fp != NULL)
		audit_writer_fingerprints(w, fp);
	return 0;
}
