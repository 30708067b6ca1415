/* SPDX-License-Identifier: ISC */
/*
 * path.h: paths a ceremony or an answers file names stay inside the folder
 * they belong to (path.c; keyrite-ceremony(5), PATHS).
 */
#ifndef KR_PATH_H
#define KR_PATH_H

struct kr_err;

/* NULL when rel is a relative path without "..", else what is wrong with
 * it ("is absolute", "goes up with '..'", "is empty"). */
const char	*kr_path_rel_problem(const char *rel);

/* 0 when dir/rel is inside dir: rel relative, no "..", and no symlink on
 * the way that leads out (RESOLVE_BENEATH; no symlink at all where the
 * kernel lacks openat2).  A missing tail is fine (an output to be made).
 * KR_EDATA naming the path and the folder otherwise. */
int		 kr_path_beneath(const char *dir, const char *rel,
		    struct kr_err *e);

/* Opens dir/rel for reading through a descriptor on dir, resolved beneath
 * it in one call (openat2 RESOLVE_BENEATH; else the O_NOFOLLOW walk, which
 * refuses every symlink), so what is read is what was checked.  Only a
 * regular file (a FIFO is refused at once, without blocking).  The fd, or
 * a negative KR_E code: KR_EDATA for a path that leads out (absolute,
 * "..", a symlink out: naming the path and dir), KR_ENOINPUT when it is
 * missing or not a regular file. */
int		 kr_path_open_beneath(const char *dir, const char *rel,
		    struct kr_err *e);

/* Opens the directory dir/rel, making what is missing (0700) one
 * component at a time through descriptors (mkdirat, O_NOFOLLOW: no
 * symlink is followed), and checks it as kr_dir_writable_safe does.  An
 * O_DIRECTORY fd for kr_write_atomic_at, or a negative KR_E code (KR_EDATA
 * for a path that leads out, KR_ECANTCREAT otherwise). */
int		 kr_path_mkdir_beneath(const char *dir, const char *rel,
		    struct kr_err *e);

#endif
