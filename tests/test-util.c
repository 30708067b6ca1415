/* SPDX-License-Identifier: ISC */
/*
 * test-util.c: codecs, atomic files, the state lock and the clock.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "codec.h"
#include "err.h"
#include "fsutil.h"

static void
test_hex(void **state)
{
	const uint8_t in[] = { 0x00, 0x2e, 0x8c, 0xff };
	uint8_t out[4];
	char hex[9], grouped[32];
	size_t n;

	assert_int_equal(kr_hex_encode(in, 4, hex, sizeof(hex)), 8);
	assert_string_equal(hex, "002e8cff");
	assert_int_equal(kr_hex_decode("002E8cfF", out, 4, NULL), 0);
	assert_memory_equal(out, in, 4);
	assert_int_equal(kr_hex_decode("002e8c", out, 4, NULL), KR_EDATA);
	assert_int_equal(kr_hex_decode("002e8cfg", out, 4, NULL), KR_EDATA);
	assert_int_equal(kr_hex_decode("002e8", out, 4, &n), KR_EDATA);
	assert_int_equal(kr_hex_decode("002e", out, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(kr_hex_encode(in, 4, hex, 8), KR_EUSAGE);
	assert_true(kr_hex_group("2e8c00320400430106", 8, 0, grouped,
	    sizeof(grouped)) > 0);
	assert_string_equal(grouped, "2e8c0032 04004301 06");
	assert_true(kr_hex_group("59178a47de508c3f", 8, 1, grouped,
	    sizeof(grouped)) > 0);
	assert_string_equal(grouped, "59178A47 DE508C3F");
}

static void
test_base64(void **state)
{
	/* RFC 4648 section 10 test vectors. */
	static const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *std[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	static const char *url[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };
	char enc[32];
	uint8_t dec[32];
	size_t i, n;

	for (i = 0; i < 7; i++) {
		assert_true(kr_b64_encode((const uint8_t *)plain[i],
		    strlen(plain[i]), enc, sizeof(enc)) >= 0);
		assert_string_equal(enc, std[i]);
		assert_true(kr_b64url_encode((const uint8_t *)plain[i],
		    strlen(plain[i]), enc, sizeof(enc)) >= 0);
		assert_string_equal(enc, url[i]);
		assert_int_equal(kr_b64_decode(std[i], strlen(std[i]), dec,
		    sizeof(dec), &n), 0);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(dec, plain[i], n);
		assert_int_equal(kr_b64url_decode(url[i], strlen(url[i]), dec,
		    sizeof(dec), &n), 0);
		assert_int_equal(n, strlen(plain[i]));
		/* url decoding accepts the padded form too */
		assert_int_equal(kr_b64url_decode(std[i], strlen(std[i]), dec,
		    sizeof(dec), &n), 0);
		assert_int_equal(n, strlen(plain[i]));
	}
	/* non-canonical forms are refused by the strict decoder */
	assert_int_equal(kr_b64_decode("Zh==", 4, dec, sizeof(dec), &n), KR_EDATA);
	assert_int_equal(kr_b64_decode("Zg", 2, dec, sizeof(dec), &n), KR_EDATA);
	assert_int_equal(kr_b64_decode("Zg=a", 4, dec, sizeof(dec), &n), KR_EDATA);
	assert_int_equal(kr_b64_decode("Z g=", 4, dec, sizeof(dec), &n), KR_EDATA);
	assert_int_equal(kr_b64_decode("Zm-v", 4, dec, sizeof(dec), &n), KR_EDATA);
	assert_int_equal(kr_b64url_decode("Zm+v", 4, dec, sizeof(dec), &n), KR_EDATA);
	assert_int_equal(kr_b64_decode("Zm9vYmFy", 8, dec, 5, &n), KR_EDATA);
}

static void
test_sha256(void **state)
{
	char hex[65];

	assert_int_equal(kr_sha256_hex("abc", 3, hex), 0);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_atomic_write(void **state)
{
	char dir[] = "/tmp/keyrite-util.XXXXXX", path[256], *buf;
	struct kr_err e;
	struct stat st;
	size_t len;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/dir", dir);
	assert_int_equal(kr_mkdir_private(path, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/sub/dir/file", dir);
	assert_int_equal(kr_write_atomic(path, "one", 3, 0600, &e), 0);
	assert_int_equal(kr_write_atomic(path, "second", 6, 0600, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(kr_read_file(path, 100, &buf, &len, &e), 0);
	assert_int_equal(len, 6);
	assert_string_equal(buf, "second");
	free(buf);
	assert_int_equal(kr_read_file(path, 5, &buf, &len, &e), KR_EDATA);
	assert_non_null(strstr(e.msg, "too large"));
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(kr_read_file(path, 5, &buf, &len, &e), KR_ENOINPUT);
	assert_non_null(strstr(e.msg, "missing"));
	snprintf(path, sizeof(path), "%s/sub/dir", dir);
	assert_int_equal(kr_dir_missing_or_empty(path), 0);	/* holds file */
	snprintf(path, sizeof(path), "%s/sub/dir/file", dir);
	assert_int_equal(kr_dir_missing_or_empty(path), 0);	/* not a dir */
	snprintf(path, sizeof(path), "%s/sub/nothing", dir);
	assert_int_equal(kr_dir_missing_or_empty(path), 1);
	assert_int_equal(kr_mkdir_private(path, &e), 0);
	assert_int_equal(kr_dir_missing_or_empty(path), 1);
	snprintf(path, sizeof(path), "%s/nodir/file", dir);
	assert_int_equal(kr_write_atomic(path, "x", 1, 0600, &e), KR_ECANTCREAT);
	assert_int_equal(kr_remove_tree(dir, &e), 0);
	assert_false(kr_path_exists(dir));
}

static void
test_default_state_dir(void **state)
{
	struct kr_err e;
	char buf[256];

	setenv("XDG_DATA_HOME", "/xdg", 1);
	assert_int_equal(kr_default_state_dir(buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "/xdg/keyrite/module");
	setenv("XDG_DATA_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(kr_default_state_dir(buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "/home/u/.local/share/keyrite/module");
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "relative", 1);
	assert_int_equal(kr_default_state_dir(buf, sizeof(buf), &e), KR_EUSAGE);
	assert_non_null(strstr(e.msg, "--state"));
	setenv("HOME", "/home/u", 1);
	assert_int_equal(kr_default_state_dir(buf, 8, &e), KR_EUSAGE);
}

static void
test_lock(void **state)
{
	char dir[] = "/tmp/keyrite-lock.XXXXXX";
	struct kr_err e;
	int fd, status;
	pid_t pid;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(kr_lock_dir(dir, &fd, &e), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd2;

		_exit(kr_lock_dir(dir, &fd2, &e) == KR_ELOCKED ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	kr_unlock_dir(fd);
	assert_int_equal(kr_lock_dir(dir, &fd, &e), 0);
	kr_unlock_dir(fd);
	assert_int_equal(kr_remove_tree(dir, &e), 0);
}

static void
test_clock(void **state)
{
	char buf[32];
	time_t t;

	assert_int_equal(kr_rfc3339(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	assert_int_equal(kr_rfc3339_parse("2026-11-27T10:14:03Z", &t), 0);
	assert_int_equal(kr_rfc3339(t, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-11-27T10:14:03Z");
	assert_int_equal(kr_rfc3339_parse("2026-11-27 10:14:03", &t), KR_EDATA);
	assert_int_equal(kr_exit_status(KR_EDATA), 65);
	assert_int_equal(kr_exit_status(KR_ELOCKED), 75);
	assert_int_equal(kr_exit_status(KR_EUNSEALED), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_default_state_dir),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
