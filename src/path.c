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
 */
#define _GNU_SOURCE		/* O_PATH */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/openat2.h>
#endif

#include "err.h"
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

/* openat2 with RESOLVE_BENEATH: 0, -1 with errno, or -2 when the kernel
 * does not have it. */
static int
beneath_openat2(int dfd, const char *rel)
{
#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, dfd, rel, &how, sizeof(how));
	if (fd >= 0) {
		close((int)fd);
		return 0;
	}
	if (errno == ENOSYS || errno == EPERM)	/* EPERM: a seccomp filter */
		return -2;
	return -1;
#else
	(void)dfd;
	(void)rel;
	return -2;
#endif
}

/* The walk: every component opened with O_NOFOLLOW; a symlink is EXDEV. */
static int
beneath_walk(int dfd, const char *rel)
{
	char comp[NAME_MAX + 1];
	const char *p = rel;
	struct stat st;
	int fd = dup(dfd), next;
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
		if (n == 0 || strcmp(comp, ".") == 0)
			continue;
		next = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
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
	close(fd);
	return 0;
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
		if ((r = beneath_openat2(dfd, part)) == -2)
			r = beneath_walk(dfd, part);
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
