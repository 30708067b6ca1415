/* SPDX-License-Identifier: ISC */
/*
 * fsutil.h: files the way keyrite writes them.
 *
 * Every file is written atomically: a temporary file beside the target
 * (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600), write, fsync, rename, fsync the
 * directory.  A crash leaves either the old file or the new one, never half
 * of one.  Directories keyrite creates are 0700.  Readers take a size limit
 * and refuse anything larger before reading it.
 */
#ifndef KR_FSUTIL_H
#define KR_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct kr_err;

/* Writes buf to path atomically with the given mode (0600 for anything
 * keyrite makes).  Returns 0 or KR_ECANTCREAT / KR_EIO. */
int	kr_write_atomic(const char *path, const void *buf, size_t len,
	    mode_t mode, struct kr_err *e);

/* kr_write_atomic inside the directory open on dfd (its name, dir, for
 * messages): the temporary file and the rename are relative to dfd, so the
 * file lands in the directory that was checked whatever its path now
 * names.  name is a plain file name (no '/'). */
int	kr_write_atomic_at(int dfd, const char *dir, const char *name,
	    const void *buf, size_t len, mode_t mode, struct kr_err *e);

/* Writes all of buf to fd, retrying on EINTR and short writes; 0 or -1
 * with errno set. */
int	kr_write_all(int fd, const void *buf, size_t len);

/* Opens path for reading, only if it is a regular file: a FIFO, device,
 * socket or directory is refused at once (KR_ENOINPUT "PATH: not a regular
 * file (a FIFO)"), without blocking.  Returns the fd (>= 0) or a negative
 * KR_E code. */
int	kr_open_regular(const char *path, struct kr_err *e);

/* 0 when fd is a regular file (then made blocking); else KR_ENOINPUT
 * "PATH: not a regular file (a FIFO)" as kr_open_regular says it. */
int	kr_fd_regular(int fd, const char *path, struct kr_err *e);

/* Reads all of the regular file open on fd (name for messages), at most
 * max bytes, as kr_read_file does. */
int	kr_read_fd(int fd, const char *name, size_t max, char **buf,
	    size_t *len, struct kr_err *e);

/* kr_read_file, unless the caller read the file already (through a
 * descriptor it checked, path.h): then a malloc'd copy of data (dlen
 * bytes, at most max) with a NUL after it.  path names it in messages. */
int	kr_read_file_given(const char *path, const char *data, size_t dlen,
	    size_t max, char **buf, size_t *len, struct kr_err *e);

/* Reads a whole regular file of at most max bytes into a malloc'd buffer
 * with a NUL after the data (*len excludes it).  KR_ENOINPUT when missing,
 * KR_EDATA when larger than max, KR_EIO otherwise. */
int	kr_read_file(const char *path, size_t max, char **buf, size_t *len,
	    struct kr_err *e);

/* kr_read_file of a file that may be absent: 0 with *buf NULL when
 * nothing is at path (a dangling link is not nothing: an error). */
int	kr_read_file_if(const char *path, size_t max, char **buf, size_t *len,
	    struct kr_err *e);
/* Like kr_read_file for secrets: the buffer comes from OpenSSL's secure
 * heap; free it with kr_secure_free(buf, len + 1). */
int	kr_read_file_secure(const char *path, size_t max, char **buf,
	    size_t *len, struct kr_err *e);

/* Creates dir (and missing parents) with mode 0700; an existing directory
 * is accepted.  Returns 0 or KR_ECANTCREAT. */
int	kr_mkdir_private(const char *dir, struct kr_err *e);
/* 0 when keyrite may write into dir: a real directory (not a symlink),
 * owned by the effective user, not writable by group or others; else
 * KR_ECANTCREAT (exit 73) with the reason and the fix.  kr_mkdir_private
 * ends with it. */
int	kr_dir_writable_safe(const char *dir, struct kr_err *e);
/* The same checks on the directory open on fd (dir names it). */
int	kr_fd_dir_writable_safe(int fd, const char *dir, struct kr_err *e);

/* fsyncs a directory so a rename in it is durable. */
int	kr_fsync_dir(const char *dir, struct kr_err *e);

/* Takes an exclusive, non-blocking flock on DIR/lock.  Returns 0 and the
 * descriptor in *fd, or KR_ELOCKED when another process holds it. */
int	kr_lock_dir(const char *dir, int *fd, struct kr_err *e);
void	kr_unlock_dir(int fd);

/* The module's default state directory: $XDG_DATA_HOME/keyrite/module, or
 * $HOME/.local/share/keyrite/module (both must be absolute).  0, or
 * KR_EUSAGE with a message that points to --state. */
int	kr_default_state_dir(char *buf, size_t sz, struct kr_err *e);

/* Joins a directory and a name into out; KR_EUSAGE when it does not fit. */
int	kr_path_join(char *out, size_t outsz, const char *dir, const char *name);

/* 1 when path is missing or an empty directory, 0 when it is anything
 * else, -1 (errno set) when the directory cannot be read. */
int	kr_dir_missing_or_empty(const char *path);

/* 1 when path exists (any type), 0 otherwise. */
int	kr_path_exists(const char *path);

/* SHA-256 of a file's contents as lowercase hex. */
int	kr_file_sha256_hex(const char *path, char out[65], struct kr_err *e);
/* SHA-256 (and size, when size is not NULL) of what is left to read on
 * fd; name for messages.  kr_fd_sha256_hex: as lowercase hex. */
int	kr_fd_sha256(int fd, const char *name, uint8_t md[32], uint64_t *size,
	    struct kr_err *e);
int	kr_fd_sha256_hex(int fd, const char *name, char out[65],
	    struct kr_err *e);

/* Removes a directory tree (for throwaway sandboxes only). */
int	kr_remove_tree(const char *dir, struct kr_err *e);

#endif
