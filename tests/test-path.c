/* SPDX-License-Identifier: ISC */
/*
 * test-path.c: paths stay inside their folders (path.c): the static rules
 * (relative, no ".."), a symlink that stays inside (fine), a symlink to a
 * file or a directory outside (refused), a missing tail (an output: its
 * parent is checked), and kr_dir_writable_safe on a symlink, a group- or
 * world-writable directory.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_beneath),
		cmocka_unit_test(test_dirs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
