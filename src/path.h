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

#endif
