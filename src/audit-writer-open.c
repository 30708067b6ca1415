/* SPDX-License-Identifier: ISC */
/*
 * audit-writer-open.c: a log writer on a new log (the genesis entry) or on
 * one a run left unsealed (verified first, then continued with a resume
 * entry cosigned by the cards), the run's lock on the log, and the origin
 * that names a log.  The append path and the invariants it keeps are in
 * audit-writer.c.
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
#include "audit-writer-int.h"
#include "clock.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

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
	if ((r = audit_writer_sync_dir(path, e)) != 0)
		goto fail_unlink;
	if ((r = audit_key_new(audit_writer_hooks(w), 0, &w->cur, e)) != 0)
		goto fail_unlink;
	audit_writer_steal(w);
	if ((r = audit_writer_append(w, json_object(), AUDIT_T_GENESIS,
	    e)) != 0)
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
	audit_writer_steal(w);
	if ((ev = json_object()) == NULL || (data = json_object()) == NULL ||
	    json_object_set_new(ev, "data", data) != 0 ||
	    audit_set_int(data, "removed_bytes", res->partial_bytes) != 0 ||
	    audit_set_b64(data, "removed_sha256", tail->partial_sha256,
	    32) != 0) {
		json_decref(ev);
		r = kr_errf(e, KR_ENOMEM, "audit: out of memory");
		goto out;
	}
	if ((r = audit_writer_append(w, ev, AUDIT_T_RESUME, e)) != 0)
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
