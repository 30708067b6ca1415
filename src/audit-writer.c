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
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "audit-int.h"
#include "audit-verify.h"
#include "clock.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

struct audit_writer {
	int			 fd;
	char			*path;
	char			*keypath;	/* the live key (set_keypath) */
	char			*keydir;	/* NULL: beside the log */
	char			 origin[AUDIT_ORIGIN_MAX + 1];
	int			 rehearsal;
	uint64_t		 seq;		/* of the next entry */
	uint8_t			 prev[32];
	uint8_t			 genesis[32];
	struct audit_merkle	 tree;
	EVP_PKEY		*cur;		/* signs entry seq */
	struct audit_policy	 policy;
	audit_cosign_fn		 cosign;
	void			*cosign_arg;
	struct audit_test_hooks	 hooks;
	int			 have_hooks;
	int			 broken;
	struct kr_err		 broken_err;	/* the first I/O error */
	int			 sealed;
	uint64_t		 ckpt_size;
	uint8_t			 ckpt_root[32];
	uint8_t			 file_sha256[32];
	struct audit_buf	 line;
};

static const struct audit_test_hooks *
hooks(const struct audit_writer *w)
{
	return w->have_hooks ? &w->hooks : NULL;
}

static void
steal(struct audit_writer *w)
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

static int
set_str(json_t *o, const char *k, const char *s)
{
	json_t *v;

	if (s == NULL)
		return 0;
	if ((v = json_string(s)) == NULL)	/* NULL for invalid UTF-8 */
		return -1;
	return json_object_set_new(o, k, v);
}

static int
set_b64(json_t *o, const char *k, const uint8_t *p, size_t len)
{
	char buf[128];

	if (kr_b64_encode(p, len, buf, sizeof(buf)) < 0)
		return -1;
	return json_object_set_new(o, k, json_string(buf));
}

static int
set_int(json_t *o, const char *k, uint64_t v)
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
		    set_int(c, "card", cs[i].card) != 0 ||
		    set_b64(c, "pk", cs[i].pk, 32) != 0 ||
		    set_b64(c, "sig", cs[i].sig, 64) != 0) {
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
	if (set_int(e, "v", 1) != 0 || set_str(e, "origin", w->origin) != 0 ||
	    set_int(e, "seq", w->seq) != 0 ||
	    set_str(e, "type", audit_type_name(type)) != 0 ||
	    set_str(e, "t", t) != 0 ||
	    (w->rehearsal && json_object_set_new(e, "rehearsal",
	    json_true()) != 0) ||
	    (w->seq > 0 && set_b64(e, "prev", w->prev, 32) != 0))
		return kr_errf(err, KR_ENOMEM, "audit: out of memory");
	if (type == AUDIT_T_GENESIS && (audit_key_public(w->cur, pk) != 0 ||
	    set_b64(e, "pk", pk, 32) != 0))
		return kr_errf(err, KR_ENOMEM, "audit: out of memory");
	if (type == AUDIT_T_SEAL)
		return 0;
	if ((r = audit_key_new(hooks(w), w->seq + 1, next, err)) != 0)
		return r;
	if (audit_key_public(*next, pk) != 0 || set_b64(e, "next_pk", pk,
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
	steal(w);
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
static int
append(struct audit_writer *w, json_t *e, int type, struct kr_err *err)
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
		if (set_int(e, "size", w->seq) != 0 ||
		    set_b64(e, "root", root, 32) != 0) {
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
audit_make_origin(const char *ceremony, char *out, size_t outsz,
    struct kr_err *e)
{
	uint8_t rnd[4];
	char date[32], hex[9];
	int n;

	if (!audit_is_id(ceremony, 64) || strchr(ceremony, '/') != NULL)
		return kr_errf(e, KR_EUSAGE, "audit: '%s' is not a ceremony id",
		    ceremony);
	if (kr_rfc3339(kr_now(), date, sizeof(date)) != 0)
		return kr_errf(e, KR_EIO, "audit: cannot read the clock");
	date[10] = '\0';
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return kr_errf(e, KR_ECRYPTO, "audit: no random bytes");
	kr_hex_encode(rnd, sizeof(rnd), hex, sizeof(hex));
	n = snprintf(out, outsz, "%s/%s/%s", ceremony, date, hex);
	if (n < 0 || (size_t)n >= outsz)
		return kr_errf(e, KR_EUSAGE, "audit: origin too long");
	return 0;
}

static int
writer_new(const char *path, const struct audit_writer_opts *o,
    struct audit_writer **out, struct kr_err *e)
{
	struct audit_writer *w;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->path = strdup(path)) == NULL ||
	    (o->key_dir != NULL && (w->keydir = strdup(o->key_dir)) == NULL)) {
		if (w != NULL) {
			free(w->path);
			free(w->keydir);
		}
		free(w);
		return kr_errf(e, KR_ENOMEM, "audit: out of memory");
	}
	w->fd = -1;
	w->rehearsal = o->rehearsal;
	w->cosign = o->cosign;
	w->cosign_arg = o->cosign_arg;
	if (o->hooks != NULL) {
		w->hooks = *o->hooks;
		w->have_hooks = 1;
	}
	audit_merkle_init(&w->tree);
	*out = w;
	return 0;
}

/*
 * Where the live key goes once the origin is known: "<key_dir>/<origin,
 * '/' as '_'>.key", or "<log>.key" without a key directory (unit tests).
 */
static int
set_keypath(struct audit_writer *w, struct kr_err *e)
{
	size_t len, i, dl;

	free(w->keypath);
	if (w->keydir == NULL) {
		len = strlen(w->path) + 5;
		if ((w->keypath = malloc(len)) == NULL)
			return kr_errf(e, KR_ENOMEM, "audit: out of memory");
		snprintf(w->keypath, len, "%s.key", w->path);
		return 0;
	}
	dl = strlen(w->keydir);
	len = dl + 1 + strlen(w->origin) + 5;
	if ((w->keypath = malloc(len)) == NULL)
		return kr_errf(e, KR_ENOMEM, "audit: out of memory");
	snprintf(w->keypath, len, "%s/%s.key", w->keydir, w->origin);
	for (i = dl + 1; w->keypath[i] != '\0'; i++)
		if (w->keypath[i] == '/')
			w->keypath[i] = '_';
	return 0;
}

int
audit_log_lock(const char *path, int *fdp, struct kr_err *e)
{
	int fd;

	*fdp = -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1)
		return kr_errf(e, errno == ENOENT ? KR_ECANTCREAT : KR_EIO,
		    "%s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;

		close(fd);
		if (saved == EWOULDBLOCK)
			return kr_errf(e, KR_ELOCKED, "%s: the log is being "
			    "written by another run", path);
		return kr_errf(e, KR_EIO, "%s: lock: %s", path,
		    strerror(saved));
	}
	*fdp = fd;
	return 0;
}

static int
dir_sync(const char *path, struct kr_err *e)
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

int
audit_writer_create(const char *path, const struct audit_writer_opts *o,
    struct audit_writer **out, struct kr_err *e)
{
	struct audit_writer *w = NULL;
	struct stat st;
	int r;

	*out = NULL;
	if (o == NULL || o->origin == NULL ||
	    !audit_is_id(o->origin, AUDIT_ORIGIN_MAX))
		return kr_errf(e, KR_EUSAGE, "audit: missing or invalid origin");
	if ((r = kr_secmem_init(e)) != 0)
		return r;
	if ((r = writer_new(path, o, &w, e)) != 0)
		return r;
	snprintf(w->origin, sizeof(w->origin), "%s", o->origin);
	if ((r = set_keypath(w, e)) != 0)
		goto fail;
	/* A new file, or the empty one audit_log_lock made. */
	if ((w->fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_APPEND |
	    O_CLOEXEC, 0600)) == -1) {
		r = kr_errf(e, KR_ECANTCREAT, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(w->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size != 0) {
		r = kr_errf(e, KR_ECANTCREAT, "%s: exists", path);
		goto fail;
	}
	if ((r = dir_sync(path, e)) != 0)
		goto fail_unlink;
	if ((r = audit_key_new(hooks(w), 0, &w->cur, e)) != 0)
		goto fail_unlink;
	steal(w);
	if ((r = append(w, json_object(), AUDIT_T_GENESIS, e)) != 0)
		goto fail_unlink;
	*out = w;
	return 0;
fail_unlink:
	unlink(path);
	if (w->keypath != NULL)
		unlink(w->keypath);
fail:
	audit_writer_free(w);
	return r;
}

int
audit_writer_resume(const char *path, const struct audit_writer_opts *o,
    struct audit_resume_info *info, struct audit_writer **out,
    struct kr_err *e)
{
	struct audit_verify_opts vo;
	struct audit_verify_result *res = NULL;
	struct audit_tail *tail = NULL;
	struct audit_writer *w = NULL;
	json_t *ev = NULL, *data;
	int r;

	*out = NULL;
	if (o == NULL)
		return kr_errf(e, KR_EUSAGE, "audit: no writer options");
	if ((r = kr_secmem_init(e)) != 0)
		return r;
	if ((r = writer_new(path, o, &w, e)) != 0)
		return r;
	if ((res = calloc(1, sizeof(*res))) == NULL ||
	    (tail = calloc(1, sizeof(*tail))) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "audit: out of memory");
		goto out;
	}
	if ((w->fd = open(path, O_RDWR | O_NOFOLLOW | O_APPEND |
	    O_CLOEXEC)) == -1) {
		r = kr_errf(e, errno == ENOENT ? KR_ENOINPUT : KR_EIO, "%s: %s",
		    path, strerror(errno));
		goto out;
	}
	memset(&vo, 0, sizeof(vo));
	r = audit_verify_fd_tail(w->fd, &vo, res, tail, e);
	if (r == 0) {
		snprintf(w->origin, sizeof(w->origin), "%.128s", res->origin);
		if ((r = set_keypath(w, e)) == 0 &&
		    (r = audit_keyfile_remove(w->keypath, 0, e)) == 0)
			r = kr_errf(e, KR_EDATA, "%s: the log is sealed", path);
		goto out;
	}
	if (r == KR_EFAIL) {
		r = kr_errf(e, KR_EFAIL, "%s: line %llu: %s %s", path,
		    (unsigned long long)res->line, res->code_name, res->msg);
		goto out;
	}
	if (r != KR_EUNSEALED)
		goto out;
	if (res->entries == 0) {
		r = kr_errf(e, KR_EDATA, "%s: no complete entry to continue",
		    path);
		goto out;
	}
	if (o->origin != NULL && strcmp(o->origin, res->origin) != 0) {
		r = kr_errf(e, KR_EDATA, "%s: the log's origin is %s", path,
		    res->origin);
		goto out;
	}
	snprintf(w->origin, sizeof(w->origin), "%.128s", res->origin);
	if ((r = set_keypath(w, e)) != 0)
		goto out;
	if (res->rehearsal != (o->rehearsal != 0)) {
		r = kr_errf(e, KR_EDATA, "%s: %s log", path, res->rehearsal ?
		    "a rehearsal" : "a live");
		goto out;
	}
	w->seq = res->entries;
	memcpy(w->prev, tail->last_lh, 32);
	memcpy(w->genesis, res->genesis, 32);
	w->tree = tail->tree;
	w->policy = tail->policy;
	if ((r = audit_keyfile_find(w->keypath, w->origin, w->seq,
	    tail->next_pk, &w->cur, e)) != 0 ||
	    (r = audit_keyfile_remove(w->keypath, 1, e)) != 0)
		goto out;
	if (res->partial) {
		if (ftruncate(w->fd, (off_t)tail->good_bytes) == -1 ||
		    fdatasync(w->fd) == -1) {
			r = kr_errf(e, KR_EIO, "%s: %s", path, strerror(errno));
			goto out;
		}
	} else
		audit_sha256("", 0, tail->partial_sha256);
	steal(w);
	if ((ev = json_object()) == NULL || (data = json_object()) == NULL ||
	    json_object_set_new(ev, "data", data) != 0 ||
	    set_int(data, "removed_bytes", res->partial_bytes) != 0 ||
	    set_b64(data, "removed_sha256", tail->partial_sha256, 32) != 0) {
		json_decref(ev);
		r = kr_errf(e, KR_ENOMEM, "audit: out of memory");
		goto out;
	}
	if ((r = append(w, ev, AUDIT_T_RESUME, e)) != 0)
		goto out;
	if (info != NULL) {
		info->entries = res->entries;
		info->removed_bytes = res->partial_bytes;
		memcpy(info->removed_sha256, tail->partial_sha256, 32);
		info->cosigned = w->policy.have;
	}
	*out = w;
	w = NULL;
	r = 0;
out:
	free(res);
	free(tail);
	audit_writer_free(w);
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

/* Builds an event entry: {"event":..., "step":..., "actor":..., "data":{}}. */
static json_t *
event_new(int event, const char *step, const char *actor, json_t **data)
{
	json_t *e;

	*data = NULL;
	if ((e = json_object()) == NULL)
		return NULL;
	if (set_str(e, "event", audit_event_name(event)) != 0 ||
	    set_str(e, "step", step) != 0 || set_str(e, "actor", actor) != 0 ||
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
	return append(w, e, AUDIT_T_EVENT, err);
}

int
audit_ceremony_start(struct audit_writer *w, const char *ceremony,
    const char *title, const uint8_t ceremony_sha256[32],
    const char *scenario, const char *actor, struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_CEREMONY_START, NULL, actor, &d);
	int bad = ev == NULL || set_str(d, "ceremony", ceremony) != 0 ||
	    set_str(d, "title", title) != 0 ||
	    set_b64(d, "ceremony_sha256", ceremony_sha256, 32) != 0 ||
	    set_str(d, "scenario", scenario) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_parameter_set(struct audit_writer *w, const char *name,
    const char *value, const char *actor, struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_PARAMETER_SET, NULL, actor, &d);
	int bad = ev == NULL || set_str(d, "name", name) != 0 ||
	    set_str(d, "value", value) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_step_start(struct audit_writer *w, const char *step,
    const char *action, const char *station, const char *actor,
    struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_STEP_START, step, actor, &d);
	int bad = ev == NULL || set_str(d, "action", action) != 0 ||
	    set_str(d, "station", station) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_step_result(struct audit_writer *w, const char *step,
    const char *result, const char *code, const char *detail,
    const char *actor, struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_STEP_RESULT, step, actor, &d);
	int bad = ev == NULL || set_str(d, "result", result) != 0 ||
	    set_str(d, "code", code) != 0 || set_str(d, "detail", detail) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_card_presented(struct audit_writer *w, const char *step,
    unsigned card, const char *outcome, const char *actor, struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_CARD_PRESENTED, step, actor, &d);
	int bad = ev == NULL || set_int(d, "card", card) != 0 ||
	    set_str(d, "outcome", outcome) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_quorum_met(struct audit_writer *w, const char *step, unsigned k,
    unsigned n, const unsigned *cards, size_t ncards, const char *actor,
    struct kr_err *e)
{
	json_t *d, *a = NULL, *ev = event_new(AUDIT_EV_QUORUM_MET, step, actor,
	    &d);
	int bad = ev == NULL || set_int(d, "k", k) != 0 ||
	    set_int(d, "n", n) != 0 || (a = json_array()) == NULL ||
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
	int bad = ev == NULL || set_str(d, "world_id", world_id) != 0 ||
	    set_str(d, "cipher_suite", cipher_suite) != 0 ||
	    set_int(d, "k", k) != 0 || set_int(d, "n", n) != 0 ||
	    (a = json_array()) == NULL ||
	    json_object_set_new(d, "cards", a) != 0;
	unsigned i;
	int r;

	memset(&p, 0, sizeof(p));
	for (i = 0; !bad && i < n && i < AUDIT_CARDS_MAX; i++)
		bad = (c = json_object()) == NULL ||
		    json_array_append_new(a, c) != 0 ||
		    set_int(c, "index", cards[i].index) != 0 ||
		    set_b64(c, "pk", cards[i].pk, 32) != 0;
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
	int bad = ev == NULL || set_str(d, "name", name) != 0 ||
	    set_b64(d, "sha256", sha256, 32) != 0 ||
	    set_int(d, "size", size) != 0 || set_str(d, "kind", kind) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_signoff(struct audit_writer *w, const char *step, const char *role,
    const char *actor, struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_SIGNOFF, step, actor, &d);
	int bad = ev == NULL || set_str(d, "role", role) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_exception(struct audit_writer *w, const char *step,
    const char *reason, const char *code, const char *actor,
    struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_EXCEPTION, step, actor, &d);
	int bad = ev == NULL || set_str(d, "reason", reason) != 0 ||
	    set_str(d, "code", code) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_note(struct audit_writer *w, const char *step, const char *text,
    const char *actor, struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_NOTE, step, actor, &d);
	int bad = ev == NULL || set_str(d, "text", text) != 0;

	return event_append(w, ev, bad, e);
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
	bad = ev == NULL || set_str(d, "scenario", scenario) != 0 ||
	    set_str(d, "fault", fault) != 0 ||
	    (card != 0 && set_int(d, "card", card) != 0) ||
	    set_str(d, "detail", detail) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_stopped(struct audit_writer *w, const char *step, const char *actor,
    struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_STOPPED, step, actor, &d);

	return event_append(w, ev, ev == NULL, e);
}

int
audit_ceremony_end(struct audit_writer *w, const char *result,
    const char *actor, struct kr_err *e)
{
	json_t *d, *ev = event_new(AUDIT_EV_CEREMONY_END, NULL, actor, &d);
	int bad = ev == NULL || set_str(d, "result", result) != 0;

	return event_append(w, ev, bad, e);
}

int
audit_checkpoint(struct audit_writer *w, struct kr_err *e)
{
	return append(w, json_object(), AUDIT_T_CHECKPOINT, e);
}

int
audit_seal(struct audit_writer *w, struct audit_fingerprints *fp,
    struct kr_err *e)
{
	char hex[65];
	int r;

	if ((r = append(w, json_object(), AUDIT_T_SEAL, e)) != 0)
		return r;
	if ((r = dir_sync(w->keypath, e)) != 0)
		return r;
	if ((r = kr_file_sha256_hex(w->path, hex, e)) != 0 ||
	    (r = kr_hex_decode(hex, w->file_sha256, 32, NULL)) != 0)
		return r != 0 ? r : KR_EIO;
	if (fp != NULL)
		audit_writer_fingerprints(w, fp);
	return 0;
}
