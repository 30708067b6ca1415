/* SPDX-License-Identifier: ISC */
/*
 * pkcs11-witness.c: a test helper for tests/pkcs11-run.sh: lets the
 * independent witness, OpenSC's pkcs11-tool, look at the token logged in,
 * although the test knows no token PIN.
 *
 *   pkcs11-witness DIR URI PROGRAM ARG...
 *   pkcs11-witness --scan DIR URI FILE...
 *
 * The test holds what the custodians hold: card PINs ("INDEX PIN" lines on
 * standard input).  The cards rebuild the token's user PIN in locked memory
 * exactly as keyrite does (the engine's quorum, DIR's world); the engine is
 * closed and PROGRAM (pkcs11-tool ... --login ...) runs on a pseudo-terminal,
 * where the PIN is typed at its "PIN:" prompt (with echo off, as a person
 * would type it) and wiped.  The PIN never reaches argv, the environment, a
 * file or the output; PROGRAM's output is copied to standard output.
 * Exits with PROGRAM's status, or 1 when the cards do not log in.
 *
 * With --scan it runs nothing: it searches each FILE (any size: a core
 * file, the token's own store) for the token's SO PIN and user PIN, which
 * the cards rebuild in its memory, and prints one line per leak and a
 * count; it prints no PIN.  Exit 0 when nothing holds either, 1 otherwise.
 */
#define _GNU_SOURCE
#include <sys/wait.h>
#include <errno.h>
#include <limits.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine-pkcs11.h"
#include "engine.h"
#include "err.h"
#include "secmem.h"

/* The PINs the cards on stdin rebuild: which[i] ("user", "so") into
 * pin + i * P11_PIN_HEX. */
static int
rebuild(const char *dir, const char *uri, const char *const *which,
    size_t nwhich, uint8_t *pin)
{
	const struct engine_ops *ops;
	struct engine *eng = NULL;
	struct engine_quorum *q = NULL;
	struct engine_pin p;
	struct kr_err e;
	char line[256], path[PATH_MAX], *sp;
	size_t i;
	int idx, got, r = 1;

	kr_err_clear(&e);
	if (engine_open("pkcs11", dir, uri, 0, &ops, &eng, &e) != 0 ||
	    ops->card_begin(eng, &q, &e) != 0) {
		fprintf(stderr, "pkcs11-witness: %s\n", e.msg);
		goto out;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		idx = atoi(line);
		p.pin = (const uint8_t *)(sp + 1);
		p.len = strlen(sp + 1);
		if (ops->card_path(eng, idx, path, sizeof(path), &e) != 0 ||
		    ops->card_present(q, path, &p, &got, &e) != 0)
			fprintf(stderr, "pkcs11-witness: card %d: %s\n", idx,
			    e.msg);
		kr_cleanse(line, sizeof(line));
	}
	for (i = 0; i < nwhich; i++)
		if (p11_quorum_pin(q, which[i], pin + i * P11_PIN_HEX, &e) !=
		    0) {
			fprintf(stderr, "pkcs11-witness: %s\n", e.msg);
			goto out;
		}
	r = 0;
out:
	if (q != NULL)
		ops->card_end(q);
	if (eng != NULL)
		ops->close(eng);
	return r;
}

/* Copies what the program says; types the PIN at its first "PIN:". */
static void
converse(int fd, const uint8_t *pin)
{
	char buf[4096], seen[64] = "";
	size_t sl;
	ssize_t n;
	int typed = 0;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* EIO: the program closed the terminal */
		fwrite(buf, 1, (size_t)n, stdout);
		if (typed)
			continue;
		/* the prompt may come in pieces: keep the tail */
		sl = strlen(seen);
		snprintf(seen + sl, sizeof(seen) - sl, "%.*s",
		    (int)((size_t)n < sizeof(seen) - sl - 1 ? (size_t)n :
		    sizeof(seen) - sl - 1), buf);
		if (strstr(seen, "PIN:") != NULL) {
			usleep(100000);	/* until getpass has turned echo off */
			if (write(fd, pin, P11_PIN_HEX) != P11_PIN_HEX ||
			    write(fd, "\n", 1) != 1)
				break;
			typed = 1;
		} else if (strlen(seen) > 32)
			memmove(seen, seen + strlen(seen) - 16, 17);
	}
	fflush(stdout);
}

/* 1 when the file at path holds any of the n PINs. */
static int
holds(const char *path, const uint8_t *pins, size_t n, unsigned long long *bytes)
{
	static char buf[(1 << 20) + P11_PIN_HEX];
	size_t keep = 0, got, i;
	FILE *f;
	int found = 0;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "pkcs11-witness: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	while (!found && (got = fread(buf + keep, 1, sizeof(buf) - keep,
	    f)) > 0) {
		*bytes += got;
		got += keep;
		for (i = 0; i < n && !found; i++)
			found = memmem(buf, got, pins + i * P11_PIN_HEX,
			    P11_PIN_HEX) != NULL;
		keep = got < P11_PIN_HEX - 1 ? got : P11_PIN_HEX - 1;
		memmove(buf, buf + got - keep, keep);
	}
	fclose(f);
	return found;
}

static int
scan(char **files, int nfiles, const uint8_t *pins)
{
	unsigned long long bytes = 0;
	int i, h, leaks = 0, bad = 0;

	for (i = 0; i < nfiles; i++) {
		if ((h = holds(files[i], pins, 2, &bytes)) < 0)
			bad = 1;
		else if (h) {
			printf("leak: a token PIN is in %s\n", files[i]);
			leaks++;
		}
	}
	printf("scan: %d files (%llu bytes) searched for both token PINs, %d "
	    "leaks\n", nfiles, bytes, leaks);
	return leaks != 0 || bad;
}

int
main(int argc, char **argv)
{
	static const char *const both[] = { "so", "user" };
	struct kr_err e;
	uint8_t *pin;
	pid_t pid;
	int fd, st;

	if (argc < 4)
		return 64;
	setvbuf(stdout, NULL, _IOLBF, 0);
	kr_err_clear(&e);
	if (kr_secmem_init(&e) != 0 ||
	    (pin = kr_secure_malloc(2 * P11_PIN_HEX)) == NULL)
		return 1;
	if (strcmp(argv[1], "--scan") == 0) {
		st = argc < 5 || rebuild(argv[2], argv[3], both, 2, pin) != 0 ?
		    1 : scan(argv + 4, argc - 4, pin);
		kr_secure_free(pin, 2 * P11_PIN_HEX);
		return st;
	}
	if (rebuild(argv[1], argv[2], both + 1, 1, pin) != 0) {
		kr_secure_free(pin, 2 * P11_PIN_HEX);
		return 1;
	}
	if ((pid = forkpty(&fd, NULL, NULL, NULL)) == -1) {
		kr_secure_free(pin, 2 * P11_PIN_HEX);
		perror("pkcs11-witness: forkpty");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	converse(fd, pin);
	kr_secure_free(pin, 2 * P11_PIN_HEX);
	close(fd);
	if (waitpid(pid, &st, 0) == -1)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
