/* SPDX-License-Identifier: ISC */
/*
 * stamp.c: run a command and print each line of its output (stdout and
 * stderr merged) prefixed with the milliseconds since the command started,
 * then one line with its wall time, CPU time (user + system, all threads),
 * peak memory and exit status:
 *
 *	stamp CMD [ARG]...
 *	  12.345 first line
 *	  ...
 *	#end 3276.120 ms, cpu 2501.300 ms, peak 9876 KiB, status 0
 *
 * For bench/ceremony.sh, which times each step of a batch rehearsal from
 * the lines it prints (the batch front end flushes after every event).
 * The command gets the start time in its environment as BENCH_STAMP_T0
 * (CLOCK_MONOTONIC, "SECONDS.NANOSECONDS"), so bench/opcount.so can put
 * its operations on the same time line as the prefixes.
 * BENCHMARK ONLY.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

int
main(int argc, char **argv)
{
	struct timespec t0;
	struct rusage ru;
	FILE *in = NULL;
	char *line = NULL;
	size_t cap = 0;
	pid_t pid;
	int fd[2], status = 0, rc = 70;

	if (argc < 2) {
		fprintf(stderr, "usage: stamp CMD [ARG]...\n");
		return 64;
	}
	if (pipe(fd) == -1) {
		perror("stamp: pipe");
		return 71;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == -1) {
		perror("stamp: fork");
		return 71;
	}
	if (pid == 0) {
		char t0s[48];

		close(fd[0]);
		snprintf(t0s, sizeof(t0s), "%lld.%09ld", (long long)t0.tv_sec,
		    (long)t0.tv_nsec);
		if (setenv("BENCH_STAMP_T0", t0s, 1) == -1)
			_exit(71);
		if (dup2(fd[1], STDOUT_FILENO) == -1 ||
		    dup2(fd[1], STDERR_FILENO) == -1)
			_exit(71);
		close(fd[1]);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "stamp: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	if ((in = fdopen(fd[0], "r")) == NULL) {
		perror("stamp: fdopen");
		goto out;
	}
	while (getline(&line, &cap, in) != -1) {
		line[strcspn(line, "\n")] = '\0';
		printf("%10.3f %s\n", ms_since(&t0), line);
	}
	memset(&ru, 0, sizeof(ru));
	while (wait4(pid, &status, 0, &ru) == -1)
		if (errno != EINTR) {
			perror("stamp: wait4");
			goto out;
		}
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("#end %.3f ms, cpu %.3f ms, peak %ld KiB, status %d\n",
	    ms_since(&t0), (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
	    1e3 + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3,
	    ru.ru_maxrss, rc);
	/* Report the child's status as ours, so the caller can tell. */
out:
	free(line);
	if (in != NULL)
		fclose(in);
	if (fflush(stdout) != 0)
		return 74;
	return rc;
}
