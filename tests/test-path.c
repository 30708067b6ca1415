/* SPDX-License-Identifier: ISC */
/*
 * test-path.c: paths stay inside their folders (path.c): the static rules
 * (relative, no ".."), a symlink that stays inside (fine), a symlink to a
 * file or a directory outside (refused), a missing tail (an output: its
 * parent is checked), and kr_dir_writable_safe on a symlink, a group- or
 * world-writable directory.  The descriptor-based opens the steps use
 * (kr_path_open_beneath, kr_path_mkdir_beneath, kr_write_atomic_at), with
 * openat2 and (test hooks) with the O_NOFOLLOW walk, and the race they
 * close: a file checked by name and then swapped for a symlink out.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <fcntl.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

#include "err.h"
#include "fsutil.h"
#include "path.h"

static char top[256], in[300], out[300];

static int
setup(void **state)
{
	char p[400];
	FILE *f;

	(void)state;
	snprintf(top, sizeof(top), "%s/keyrite-path.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(top) == NULL)
		return -1;
	snprintf(in, sizeof(in), "%s/in", top);
	snprintf(out, sizeof(out), "%s/out", top);
	if (mkdir(in, 0700) != 0 || mkdir(out, 0700) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/secret", out);
	if ((f = fopen(p, "w")) == NULL)
		return -1;
	fclose(f);
	snprintf(p, sizeof(p), "%s/file", in);
	if ((f = fopen(p, "w")) == NULL)
		return -1;
	fclose(f);
	snprintf(p, sizeof(p), "%s/sub", in);
	if (mkdir(p, 0700) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/inside", in);
	if (symlink("file", p) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/leak", in);
	if (symlink("../out/secret", p) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/leakdir", in);
	if (symlink(out, p) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return kr_remove_tree(top, NULL) == 0 ? 0 : -1;
}

static void
test_rules(void **state)
{
	(void)state;
	assert_null(kr_path_rel_problem("a/b.pem"));
	assert_null(kr_path_rel_problem("a..b/c"));
	assert_null(kr_path_rel_problem("./x"));
	assert_string_equal(kr_path_rel_problem("/etc/passwd"), "is absolute");
	assert_string_equal(kr_path_rel_problem("../x"), "goes up with '..'");
	assert_string_equal(kr_path_rel_problem("a/../../x"),
	    "goes up with '..'");
	assert_string_equal(kr_path_rel_problem("a/.."), "goes up with '..'");
	assert_string_equal(kr_path_rel_problem(""), "is empty");
}

static void
test_beneath(void **state)
{
	struct kr_err e;

	(void)state;
	kr_err_clear(&e);
	assert_int_equal(kr_path_beneath(in, "file", &e), 0);
	assert_int_equal(kr_path_beneath(in, "inside", &e), 0);
	assert_int_equal(kr_path_beneath(in, "sub/new.byok", &e), 0);
	assert_int_equal(kr_path_beneath(in, "new/dir/x", &e), 0);
	assert_int_equal(kr_path_beneath(in, "leak", &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "path 'leak' leads out of"));
	assert_non_null(strstr(e.msg, "through a symlink"));
	assert_int_equal(kr_path_beneath(in, "leakdir/secret", &e), KR_EDATA);
	assert_int_equal(kr_path_beneath(in, "leakdir/new", &e), KR_EDATA);
	assert_int_equal(kr_path_beneath(in, "../out/secret", &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "goes up with '..'"));
	assert_int_equal(kr_path_beneath(in, "/etc/passwd", &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "is absolute"));
}

static void
test_dirs(void **state)
{
	struct kr_err e;
	char p[400];

	(void)state;
	kr_err_clear(&e);
	assert_int_equal(kr_dir_writable_safe(in, &e), 0);
	snprintf(p, sizeof(p), "%s/leakdir", in);
	assert_int_equal(kr_dir_writable_safe(p, &e), KR_ECANTCREAT);
	assert_non_null(strstr(e.msg, "a symlink"));
	snprintf(p, sizeof(p), "%s/sub", in);
	assert_int_equal(chmod(p, 0770), 0);
	assert_int_equal(kr_dir_writable_safe(p, &e), KR_ECANTCREAT);
	assert_non_null(strstr(e.msg, "writable by its group (mode 0770)"));
	assert_int_equal(chmod(p, 0777), 0);
	assert_int_equal(kr_mkdir_private(p, &e), KR_ECANTCREAT);
	assert_non_null(strstr(e.msg, "writable by others (mode 0777)"));
	assert_int_equal(chmod(p, 0700), 0);
	assert_int_equal(kr_mkdir_private(p, &e), 0);
}

/* What fd reads, into buf (NUL-terminated). */
static void
read_all(int fd, char *buf, size_t sz)
{
	ssize_t n = read(fd, buf, sz - 1);

	assert_true(n >= 0);
	buf[n] = '\0';
}

static void
write_text(const char *dir, const char *name, const char *text)
{
	char p[600];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
}

/* kr_path_open_beneath: walk = 1 when the O_NOFOLLOW walk is used. */
static void
open_cases(int walk)
{
	struct kr_err e;
	char p[400];
	int fd;

	kr_err_clear(&e);
	write_text(in, "file", "inside\n");
	assert_true((fd = kr_path_open_beneath(in, "file", &e)) >= 0);
	close(fd);
	fd = kr_path_open_beneath(in, "inside", &e);
	if (walk) {	/* the walk refuses every symlink */
		assert_int_equal(fd, KR_EDATA);
		assert_non_null(strstr(e.msg, "through a symlink"));
	} else {	/* openat2: a symlink that stays inside is fine */
		assert_true(fd >= 0);
		close(fd);
	}
	assert_int_equal(kr_path_open_beneath(in, "leak", &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "path 'leak' leads out of"));
	assert_int_equal(kr_path_open_beneath(in, "leakdir/secret", &e),
	    KR_EDATA);
	assert_int_equal(kr_path_open_beneath(in, "../out/secret", &e),
	    KR_EDATA);
	assert_non_null(strstr(e.msg, "goes up with '..'"));
	assert_int_equal(kr_path_open_beneath(in, "/etc/passwd", &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "is absolute"));
	assert_int_equal(kr_path_open_beneath(in, "missing", &e), KR_ENOINPUT);
	assert_non_null(strstr(e.msg, "missing: no such file"));
	assert_int_equal(kr_path_open_beneath(in, "sub", &e), KR_ENOINPUT);
	assert_non_null(strstr(e.msg, "not a regular file (a directory)"));
	snprintf(p, sizeof(p), "%s/fifo", in);
	unlink(p);
	assert_int_equal(mkfifo(p, 0600), 0);
	/* a FIFO with no writer: refused at once, not a hang */
	assert_int_equal(kr_path_open_beneath(in, "fifo", &e), KR_ENOINPUT);
	assert_non_null(strstr(e.msg, "not a regular file (a FIFO)"));
	unlink(p);
}

static void
test_open(void **state)
{
	(void)state;
	unsetenv("KEYRITE_TEST_NO_OPENAT2");
	open_cases(0);
}

#ifdef KR_TEST_HOOKS
static void
test_open_walk(void **state)
{
	(void)state;
	setenv("KEYRITE_TEST_NO_OPENAT2", "1", 1);
	open_cases(1);
	unsetenv("KEYRITE_TEST_NO_OPENAT2");
}
#endif

/* The race that opening by name after a check leaves open, closed: a file
 * is checked, then swapped for a symlink out of the folder.  The check
 * passed on the old file; the fd-based open refuses what is there now,
 * and a descriptor opened before the swap still reads the checked file. */
static void
test_race(void **state)
{
	struct kr_err e;
	char p[400], q[400], buf[64];
	int fd;

	(void)state;
	kr_err_clear(&e);
	write_text(in, "swap", "checked\n");
	write_text(out, "secret", "outside\n");
	assert_int_equal(kr_path_beneath(in, "swap", &e), 0);	/* checked */
	assert_true((fd = kr_path_open_beneath(in, "swap", &e)) >= 0);
	snprintf(p, sizeof(p), "%s/swap", in);
	snprintf(q, sizeof(q), "%s/secret", out);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(symlink(q, p), 0);			/* swapped */
	read_all(fd, buf, sizeof(buf));
	close(fd);
	assert_string_equal(buf, "checked\n");
	/* By name, the old way, it would now read outside the folder. */
	assert_true((fd = open(p, O_RDONLY)) >= 0);
	read_all(fd, buf, sizeof(buf));
	close(fd);
	assert_string_equal(buf, "outside\n");
	/* Through the folder's descriptor it is refused, with or without
	 * openat2. */
	assert_int_equal(kr_path_open_beneath(in, "swap", &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "path 'swap' leads out of"));
#ifdef KR_TEST_HOOKS
	setenv("KEYRITE_TEST_NO_OPENAT2", "1", 1);
	assert_int_equal(kr_path_open_beneath(in, "swap", &e), KR_EDATA);
	unsetenv("KEYRITE_TEST_NO_OPENAT2");
#endif
	unlink(p);
}

/* A folder keyrite writes into, made and opened beneath its parent; a
 * file written through its descriptor lands in it even when its path is
 * swapped for a symlink out afterwards. */
static void
test_mkdir(void **state)
{
	struct kr_err e;
	char p[512], moved[400];
	int dfd;

	(void)state;
	kr_err_clear(&e);
	assert_true((dfd = kr_path_mkdir_beneath(in, "bk/one", &e)) >= 0);
	snprintf(p, sizeof(p), "%s/bk/one", in);
	snprintf(moved, sizeof(moved), "%s/bk/moved", in);
	assert_int_equal(rename(p, moved), 0);
	assert_int_equal(symlink(out, p), 0);	/* bk/one -> out now */
	assert_int_equal(kr_write_atomic_at(dfd, p, "world", "w", 1, 0600,
	    &e), 0);
	close(dfd);
	snprintf(p, sizeof(p), "%s/world", moved);
	assert_int_equal(kr_path_exists(p), 1);
	snprintf(p, sizeof(p), "%s/world", out);
	assert_int_equal(kr_path_exists(p), 0);
	assert_int_equal(kr_write_atomic_at(AT_FDCWD, in, "a/b", "w", 1, 0600,
	    &e), KR_ECANTCREAT);
	/* a symlink on the way: refused, nothing made outside */
	assert_int_equal(kr_path_mkdir_beneath(in, "bk/one/x", &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "through a symlink"));
	assert_int_equal(kr_path_mkdir_beneath(in, "leakdir", &e), KR_EDATA);
	snprintf(p, sizeof(p), "%s/x", out);
	assert_int_equal(kr_path_exists(p), 0);
	assert_int_equal(kr_path_mkdir_beneath(in, "../up", &e), KR_EDATA);
	assert_int_equal(kr_path_mkdir_beneath(in, "file/x", &e),
	    KR_ECANTCREAT);
	snprintf(p, sizeof(p), "%s/gw", in);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(chmod(p, 0775), 0);
	assert_int_equal(kr_path_mkdir_beneath(in, "gw", &e), KR_ECANTCREAT);
	assert_non_null(strstr(e.msg, "writable by its group"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_beneath),
		cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_open),
#ifdef KR_TEST_HOOKS
		/* the walk is forced only with --enable-test-hooks */
		cmocka_unit_test(test_open_walk),
#endif
		cmocka_unit_test(test_race),
		cmocka_unit_test(test_mkdir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
