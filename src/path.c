/* SPDX-License-Identifier: ISC */
/*
 * path.c: paths stay inside their folders.
 *
 * Every path a ceremony or an answers file names is relative to the folder
 * it belongs to (--media, --out, the state directory): never absolute,
 * never with a ".." component, and never resolved through a symlink to
 * somewhere outside the folder.  The last is checked by resolving the path
 * with openat2(RESOLVE_BENEATH) where the kernel has it (a symlink that
 * stays inside is fine), else by a walk that opens one component at a time
 * with O_NOFOLLOW and refuses every symlink.  For a path that does not
 * exist yet (an output), its deepest existing parent is checked.
 *
 * Checking a path and then opening it by name leaves a window in which a
 * component can be swapped for a symlink; so the steps do not: they open
 * through a descriptor on the folder (kr_path_open_beneath,
 * kr_path_mkdir_beneath), resolved beneath it in the same call, and use
 * that descriptor.  The object checked is the object used.
 */
#define _GNU_SOURCE		/* O_PATH */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/openat2.h>
#endif

#include "err.h"
#include "fsutil.h"
#include "path.h"

const char *
kr_path_rel_problem(const char *rel)
{
	const char *p = rel;
	size_t n;

	if (rel == NULL || *rel == '\0')
		return "is empty";
	if (*rel == '/')
		return "is absolute";
	while (*p != '\0') {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return "goes up with '..'";
		p += n;
		while (*p == '/')
			p++;
	}
	return NULL;
}

/* openat2 with RESOLVE_BENEATH: the fd, -1 with errno, or -2 when the
 * kernel does not have it. */
static int
beneath_openat2(int dfd, const char *rel, int flags)
{
#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
	struct open_how how;
	long fd;

#ifdef KR_TEST_HOOKS
	/* Tests take the walk as on a kernel without openat2. */
	if (getenv("KEYRITE_TEST_NO_OPENAT2") != NULL)
		return -2;
#endif
	memset(&how, 0, sizeof(how));
	how.flags = (unsigned)flags | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, dfd, rel, &how, sizeof(how));
	if (fd >= 0)
		return (int)fd;
	if (errno == ENOSYS || errno == EPERM)	/* EPERM: a seccomp filter */
		return -2;
	return -1;
#else
	(void)dfd;
	(void)rel;
	(void)flags;
	return -2;
#endif
}

/* The walk: every component opened with O_NOFOLLOW (a symlink is EXDEV),
 * the last one with flags; the fd or -1 with errno. */
static int
beneath_walk(int dfd, const char *rel, int flags)
{
	char comp[NAME_MAX + 1];
	const char *p = rel;
	struct stat st;
	int fd = dup(dfd), next, last;
	size_t n;

	if (fd == -1)
		return -1;
	while (*p != '\0') {
		n = strcspn(p, "/");
		if (n > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		while (*p == '/')
			p++;
		if (n == 0 || (strcmp(comp, ".") == 0 && *p != '\0'))
			continue;
		last = *p == '\0';
		next = openat(fd, comp, (last ? flags : O_PATH) | O_NOFOLLOW |
		    O_CLOEXEC);
		close(fd);
		if (next == -1)
			return -1;
		if (fstat(next, &st) == -1 || S_ISLNK(st.st_mode)) {
			close(next);
			errno = EXDEV;
			return -1;
		}
		fd = next;
	}
	return fd;
}

/* dir/rel opened with flags, resolved beneath dfd: fd or -1 with errno. */
static int
beneath_open(int dfd, const char *rel, int flags)
{
	int fd;

	if ((fd = beneath_openat2(dfd, rel, flags)) == -2)
		fd = beneath_walk(dfd, rel, flags);
	return fd;
}

int
kr_path_beneath(const char *dir, const char *rel, struct kr_err *e)
{
	char part[PATH_MAX];
	const char *why;
	char *slash;
	int dfd, r;

	if ((why = kr_path_rel_problem(rel)) != NULL)
		return kr_errf(e, KR_EDATA, "path '%.200s' %s: it must stay "
		    "inside %.200s", rel != NULL ? rel : "", why, dir);
	if (snprintf(part, sizeof(part), "%s", rel) >= (int)sizeof(part))
		return kr_errf(e, KR_EDATA, "path '%.200s': too long", rel);
	if ((dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;	/* no folder yet: nothing can lead out of it */
	for (;;) {
		if ((r = beneath_open(dfd, part, O_PATH)) >= 0) {
			close(r);
			r = 0;
		}
		if (r == 0 || errno != ENOENT)
			break;
		/* Not there (yet): its parent must be inside. */
		if ((slash = strrchr(part, '/')) == NULL) {
			r = 0;
			break;
		}
		*slash = '\0';
	}
	close(dfd);
	if (r == 0)
		return 0;
	if (errno == EXDEV || errno == ELOOP)
		return kr_errf(e, KR_EDATA, "path '%.200s' leads out of %.200s "
		    "through a symlink", rel, dir);
	if (errno == ENOTDIR)
		return 0;	/* the caller's open reports it */
	return kr_errf(e, KR_EIO, "path '%.200s' in %.200s: %s", rel, dir,
	    strerror(errno));
}

int
kr_path_open_beneath(const char *dir, const char *rel, struct kr_err *e)
{
	const char *why;
	char name[PATH_MAX];
	int dfd, fd, r;

	if ((why = kr_path_rel_problem(rel)) != NULL)
		return kr_errf(e, KR_EDATA, "path '%.200s' %s: it must stay "
		    "inside %.200s", rel != NULL ? rel : "", why, dir);
	snprintf(name, sizeof(name), "%s/%s", dir, rel);
	if ((dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return kr_errf(e, errno == ENOENT || errno == ENOTDIR ?
		    KR_ENOINPUT : KR_EIO, "%.200s: %s", dir, strerror(errno));
	/* O_NONBLOCK: a FIFO with no writer must not hang the open. */
	fd = beneath_open(dfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	close(dfd);
	if (fd == -1) {
		if (errno == EXDEV || errno == ELOOP)
			return kr_errf(e, KR_EDATA, "path '%.200s' leads out of "
			    "%.200s through a symlink", rel, dir);
		if (errno == ENOENT || errno == ENOTDIR)
			return kr_errf(e, KR_ENOINPUT, "%s: no such file", name);
		return kr_errf(e, errno == EACCES ? KR_ENOINPUT : KR_EIO,
		    "%s: %s", name, strerror(errno));
	}
	if ((r = kr_fd_regular(fd, name, e)) != 0) {
		close(fd);
		return r;
	}
	return fd;
}

int
kr_path_mkdir_beneath(const char *dir, const char *rel, struct kr_err *e)
{
	char comp[NAME_MAX + 1], name[PATH_MAX];
	const char *why, *p = rel;
	struct stat st;
	size_t n;
	int fd, next, r, link;

	if ((why = kr_path_rel_problem(rel)) != NULL)
		return kr_errf(e, KR_EDATA, "path '%.200s' %s: it must stay "
		    "inside %.200s", rel != NULL ? rel : "", why, dir);
	snprintf(name, sizeof(name), "%s/%s", dir, rel);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return kr_errf(e, KR_ECANTCREAT, "%.200s: %s", dir,
		    strerror(errno));
	while (*p != '\0') {
		n = strcspn(p, "/");
		if (n > NAME_MAX) {
			close(fd);
			return kr_errf(e, KR_ECANTCREAT, "%s: name too long",
			    name);
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		while (*p == '/')
			p++;
		if (n == 0 || strcmp(comp, ".") == 0)
			continue;
		if (mkdirat(fd, comp, 0700) == -1 && errno != EEXIST) {
			close(fd);
			return kr_errf(e, KR_ECANTCREAT, "%s: %s", name,
			    strerror(errno));
		}
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		/* O_DIRECTORY makes a symlink ENOTDIR: say which it is */
		link = next == -1 && fstatat(fd, comp, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
		close(fd);
		if (next == -1)
			return kr_errf(e, link ? KR_EDATA : KR_ECANTCREAT, link ?
			    "path '%.200s' in %.200s goes through a symlink; "
			    "keyrite writes only into real directories" :
			    "path '%.200s' in %.200s: not a directory", rel,
			    dir);
		fd = next;
	}
	if ((r = kr_fd_dir_writable_safe(fd, name, e)) != 0) {
		close(fd);
		return r;
	}
	return fd;
}
