/* SPDX-License-Identifier: ISC */
/*
 * fsutil.c: atomic writes, bounded reads, private directories and the state
 * lock.  Invariant: no path keyrite writes is ever seen half-written.
 */
#define _GNU_SOURCE
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "secmem.h"

int
kr_path_join(char *out, size_t outsz, const char *dir, const char *name)
{
	int n;

	if (dir == NULL || *dir == '\0')
		n = snprintf(out, outsz, "%s", name);
	else
		n = snprintf(out, outsz, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= outsz)
		return KR_EUSAGE;
	return 0;
}

int
kr_default_state_dir(char *buf, size_t sz, struct kr_err *e)
{
	const char *x = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;

	if (x != NULL && *x == '/')
		n = snprintf(buf, sz, "%s/keyrite/module", x);
	else if (home != NULL && *home == '/')
		n = snprintf(buf, sz, "%s/.local/share/keyrite/module", home);
	else
		return kr_errf(e, KR_EUSAGE, "neither XDG_DATA_HOME nor HOME "
		    "is set: use --state DIR");
	if (n < 0 || (size_t)n >= sz)
		return kr_errf(e, KR_EUSAGE,
		    "state directory path too long: use --state DIR");
	return 0;
}

int
kr_path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int
kr_dir_missing_or_empty(const char *path)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int empty = 1;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 1 : -1;
	if (!S_ISDIR(st.st_mode))
		return 0;
	if ((d = opendir(path)) == NULL)
		return -1;
	while (empty && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

static void
dir_of(const char *path, char *dir, size_t dirsz)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, dirsz, ".");
	else if (slash == path)
		snprintf(dir, dirsz, "/");
	else
		snprintf(dir, dirsz, "%.*s", (int)(slash - path), path);
}

int
kr_fsync_dir(const char *dir, struct kr_err *e)
{
	int fd, r = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return kr_errf(e, KR_EIO, "%s: %s", dir, strerror(errno));
	if (fsync(fd) == -1 && errno != EINVAL)
		r = kr_errf(e, KR_EIO, "%s: fsync: %s", dir, strerror(errno));
	close(fd);
	return r;
}

int
kr_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
kr_write_atomic(const char *path, const void *buf, size_t len, mode_t mode,
    struct kr_err *e)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	int fd = -1, r = KR_EIO, attempt;

	dir_of(path, dir, sizeof(dir));
	for (attempt = 0; attempt < 16; attempt++) {
		if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld.%d", path,
		    (long)getpid(), attempt) >= (int)sizeof(tmp))
			return kr_errf(e, KR_ECANTCREAT, "%s: path too long", path);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, mode);
		if (fd != -1 || errno != EEXIST)
			break;
	}
	if (fd == -1)
		return kr_errf(e, KR_ECANTCREAT, "%s: %s", path, strerror(errno));
	if (fchmod(fd, mode) == -1 || kr_write_all(fd, buf, len) == -1 ||
	    fsync(fd) == -1) {
		r = kr_errf(e, KR_EIO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		r = kr_errf(e, KR_EIO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		/* a failing disk is an I/O error (74), not a bad path */
		r = kr_errf(e, errno == EIO || errno == ENOSPC ||
		    errno == EDQUOT ? KR_EIO : KR_ECANTCREAT, "%s: %s", path,
		    strerror(errno));
		goto fail;
	}
	return kr_fsync_dir(dir, e);
fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return r;
}

int
kr_write_atomic_at(int dfd, const char *dir, const char *name,
    const void *buf, size_t len, mode_t mode, struct kr_err *e)
{
	char tmp[NAME_MAX + 1];
	int fd = -1, r = KR_EIO, attempt;

	if (name[0] == '\0' || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return kr_errf(e, KR_ECANTCREAT, "%s/%s: not a plain file name",
		    dir, name);
	for (attempt = 0; attempt < 16; attempt++) {
		if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld.%d", name,
		    (long)getpid(), attempt) >= (int)sizeof(tmp))
			return kr_errf(e, KR_ECANTCREAT, "%s/%s: name too long",
			    dir, name);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, mode);
		if (fd != -1 || errno != EEXIST)
			break;
	}
	if (fd == -1)
		return kr_errf(e, KR_ECANTCREAT, "%s/%s: %s", dir, name,
		    strerror(errno));
	if (fchmod(fd, mode) == -1 || kr_write_all(fd, buf, len) == -1 ||
	    fsync(fd) == -1) {
		r = kr_errf(e, KR_EIO, "%s/%s: %s", dir, name, strerror(errno));
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		r = kr_errf(e, KR_EIO, "%s/%s: %s", dir, name, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (renameat(dfd, tmp, dfd, name) == -1) {
		r = kr_errf(e, errno == EIO || errno == ENOSPC ||
		    errno == EDQUOT ? KR_EIO : KR_ECANTCREAT, "%s/%s: %s", dir,
		    name, strerror(errno));
		goto fail;
	}
	if (fsync(dfd) == -1 && errno != EINVAL)
		return kr_errf(e, KR_EIO, "%s: fsync: %s", dir, strerror(errno));
	return 0;
fail:
	if (fd != -1)
		close(fd);
	unlinkat(dfd, tmp, 0);
	return r;
}

static int
read_fd(int fd, const char *path, size_t max, int secure, char **bufp,
    size_t *lenp, struct kr_err *e)
{
	struct stat st;
	char *buf;
	size_t len, got = 0;
	ssize_t n;

	if (fstat(fd, &st) == -1)
		return kr_errf(e, KR_EIO, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return kr_errf(e, KR_EDATA, "%s: not a regular file", path);
	if ((uintmax_t)st.st_size > max)
		return kr_errf(e, KR_EDATA, "%s: too large (%jd bytes, limit %zu)",
		    path, (intmax_t)st.st_size, max);
	len = (size_t)st.st_size;
	buf = secure ? kr_secure_malloc(len + 1) : malloc(len + 1);
	if (buf == NULL)
		return kr_errf(e, KR_ENOMEM, "%s: out of memory", path);
	while (got < len) {
		if ((n = read(fd, buf + got, len - got)) == -1) {
			if (errno == EINTR)
				continue;
			kr_errf(e, KR_EIO, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != len) {
		kr_errf(e, KR_EIO, "%s: changed while reading", path);
		goto fail;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	if (secure)
		kr_secure_free(buf, len + 1);
	else
		free(buf);
	return e != NULL ? e->code : KR_EIO;
}

int
kr_fd_regular(int fd, const char *path, struct kr_err *e)
{
	struct stat st;
	int fl;

	if (fstat(fd, &st) == -1)
		return kr_errf(e, KR_EIO, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return kr_errf(e, KR_ENOINPUT, "%s: not a regular file (%s)",
		    path, S_ISDIR(st.st_mode) ? "a directory" :
		    S_ISFIFO(st.st_mode) ? "a FIFO" :
		    S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" :
		    S_ISSOCK(st.st_mode) ? "a socket" : "not a file");
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
		return kr_errf(e, KR_EIO, "%s: %s", path, strerror(errno));
	return 0;
}

int
kr_open_regular(const char *path, struct kr_err *e)
{
	int fd, r;

	/* O_NONBLOCK: opening a FIFO with no writer must not hang. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) ==
	    -1) {
		if (errno == ENOENT)
			return kr_errf(e, KR_ENOINPUT, "%s: no such file", path);
		return kr_errf(e, errno == EACCES ? KR_ENOINPUT : KR_EIO,
		    "%s: %s", path, strerror(errno));
	}
	if ((r = kr_fd_regular(fd, path, e)) != 0) {
		close(fd);
		return r;
	}
	return fd;
}

int
kr_read_fd(int fd, const char *name, size_t max, char **buf, size_t *len,
    struct kr_err *e)
{
	return read_fd(fd, name, max, 0, buf, len, e);
}

int
kr_read_file_given(const char *path, const char *data, size_t dlen,
    size_t max, char **buf, size_t *len, struct kr_err *e)
{
	if (data == NULL)
		return kr_read_file(path, max, buf, len, e);
	if (dlen > max)
		return kr_errf(e, KR_EDATA, "%s: too large (%zu bytes, limit "
		    "%zu)", path, dlen, max);
	if ((*buf = malloc(dlen + 1)) == NULL)
		return kr_errf(e, KR_ENOMEM, "%s: out of memory", path);
	memcpy(*buf, data, dlen);
	(*buf)[dlen] = '\0';
	*len = dlen;
	return 0;
}

static int
read_file(const char *path, size_t max, int secure, char **buf, size_t *len,
    struct kr_err *e)
{
	int fd, r;

	if ((fd = kr_open_regular(path, e)) < 0)
		return fd;
	r = read_fd(fd, path, max, secure, buf, len, e);
	close(fd);
	return r;
}

int
kr_read_file(const char *path, size_t max, char **buf, size_t *len,
    struct kr_err *e)
{
	return read_file(path, max, 0, buf, len, e);
}

int
kr_read_file_if(const char *path, size_t max, char **buf, size_t *len,
    struct kr_err *e)
{
	*buf = NULL;
	*len = 0;
	if (!kr_path_exists(path))
		return 0;
	return read_file(path, max, 0, buf, len, e);
}

int
kr_read_file_secure(const char *path, size_t max, char **buf, size_t *len,
    struct kr_err *e)
{
	return read_file(path, max, 1, buf, len, e);
}

int
kr_mkdir_private(const char *dir, struct kr_err *e)
{
	char tmp[PATH_MAX];
	size_t i, len = strlen(dir);

	if (len == 0 || len >= sizeof(tmp))
		return kr_errf(e, KR_ECANTCREAT, "%s: bad directory name", dir);
	memcpy(tmp, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0700) == -1 && errno != EEXIST)
			return kr_errf(e, KR_ECANTCREAT, "%s: %s", tmp,
			    strerror(errno));
		if (i < len)
			tmp[i] = '/';
	}
	return kr_dir_writable_safe(dir, e);
}

/* The checks of kr_dir_writable_safe on what lstat/fstat said. */
static int
dir_stat_safe(const struct stat *st, const char *dir, struct kr_err *e)
{
	if (S_ISLNK(st->st_mode))
		return kr_errf(e, KR_ECANTCREAT, "%s: a symlink; keyrite writes "
		    "only into a real directory (give its real path)", dir);
	if (!S_ISDIR(st->st_mode))
		return kr_errf(e, KR_ECANTCREAT, "%s: not a directory", dir);
	if (st->st_uid != geteuid())
		return kr_errf(e, KR_ECANTCREAT, "%s: owned by uid %ju, not by "
		    "you (uid %ju); keyrite writes only into your own "
		    "directories", dir, (uintmax_t)st->st_uid,
		    (uintmax_t)geteuid());
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s: writable by %s (mode "
		    "%04o); fix: chmod go-w %s", dir,
		    (st->st_mode & S_IWOTH) ? "others" : "its group",
		    (unsigned)(st->st_mode & 07777), dir);
	return 0;
}

int
kr_dir_writable_safe(const char *dir, struct kr_err *e)
{
	struct stat st;

	if (lstat(dir, &st) == -1)
		return kr_errf(e, KR_ECANTCREAT, "%s: %s", dir, strerror(errno));
	return dir_stat_safe(&st, dir, e);
}

int
kr_fd_dir_writable_safe(int fd, const char *dir, struct kr_err *e)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return kr_errf(e, KR_ECANTCREAT, "%s: %s", dir, strerror(errno));
	return dir_stat_safe(&st, dir, e);
}

int
kr_lock_dir(const char *dir, int *fdp, struct kr_err *e)
{
	char path[PATH_MAX];
	int fd;

	if (kr_path_join(path, sizeof(path), dir, "lock") != 0)
		return kr_errf(e, KR_ECANTCREAT, "%s: path too long", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1)
		return kr_errf(e, KR_ECANTCREAT, "%s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;

		close(fd);
		if (saved == EWOULDBLOCK)
			return kr_errf(e, KR_ELOCKED,
			    "%s: locked by another keyrite process", dir);
		return kr_errf(e, KR_EIO, "%s: %s", path, strerror(saved));
	}
	*fdp = fd;
	return 0;
}

void
kr_unlock_dir(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

int
kr_fd_sha256(int fd, const char *name, uint8_t md[32], uint64_t *size,
    struct kr_err *e)
{
	EVP_MD_CTX *ctx = NULL;
	uint8_t buf[65536];
	uint64_t total = 0;
	ssize_t n;
	int r = KR_EIO;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		r = kr_errf(e, KR_ECRYPTO, "%s: SHA-256 failed", name);
		goto out;
	}
	for (;;) {
		if ((n = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			r = kr_errf(e, KR_EIO, "%s: %s", name, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
			r = kr_errf(e, KR_ECRYPTO, "%s: SHA-256 failed", name);
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(ctx, md, NULL) != 1) {
		r = kr_errf(e, KR_ECRYPTO, "%s: SHA-256 failed", name);
		goto out;
	}
	if (size != NULL)
		*size = total;
	r = 0;
out:
	EVP_MD_CTX_free(ctx);
	return r;
}

int
kr_fd_sha256_hex(int fd, const char *name, char out[65], struct kr_err *e)
{
	uint8_t md[32];
	int r;

	if ((r = kr_fd_sha256(fd, name, md, NULL, e)) != 0)
		return r;
	kr_hex_encode(md, sizeof(md), out, 65);
	return 0;
}

int
kr_file_sha256_hex(const char *path, char out[65], struct kr_err *e)
{
	int fd, r;

	if ((fd = kr_open_regular(path, e)) < 0)
		return fd;
	r = kr_fd_sha256_hex(fd, path, out, e);
	close(fd);
	return r;
}

int
kr_remove_tree(const char *dir, struct kr_err *e)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int r = 0;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return kr_errf(e, KR_EIO, "%s: %s", dir, strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (kr_path_join(path, sizeof(path), dir, de->d_name) != 0) {
			r = kr_errf(e, KR_EIO, "%s: path too long", dir);
			break;
		}
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			if ((r = kr_remove_tree(path, e)) != 0)
				break;
		} else if (unlink(path) == -1) {
			r = kr_errf(e, KR_EIO, "%s: %s", path, strerror(errno));
			break;
		}
	}
	closedir(d);
	if (r == 0 && rmdir(dir) == -1)
		r = kr_errf(e, KR_EIO, "%s: %s", dir, strerror(errno));
	return r;
}
