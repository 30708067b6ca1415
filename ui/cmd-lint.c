/* SPDX-License-Identifier: ISC */
/*
 * cmd-lint.c: `keyrite lint FILE...': loads each ceremony file, prints every
 * problem as FILE:LINE:COL: message, and one OK line per clean file.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "ceremony.h"
#include "cli.h"
#include "diag.h"
#include "err.h"
#include "fsutil.h"

static int
lint_one(const char *path)
{
	struct ceremony *c = NULL;
	struct diag_list dl;
	struct kr_err e;
	char line[DIAG_MSG_MAX + 1024];
	char *buf = NULL;
	size_t len, i;
	int r;

	kr_err_clear(&e);
	if ((r = kr_read_file(path, CEREMONY_MAX_SIZE, &buf, &len, &e)) != 0) {
		fprintf(stderr, "%s\n", e.msg);
		return r;
	}
	diag_init(&dl, path);
	r = ceremony_load_buffer(path, buf, len, &c, &dl);
	for (i = 0; i < dl.n; i++) {
		diag_format(&dl, &dl.v[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	if (dl.full)
		fprintf(stderr, "%s: %zu more problems not shown\n", path,
		    dl.nerrors + dl.nwarnings - dl.n);
	if (r == 0)
		printf("OK %s: %zu steps, %zu parameters\n", path, c->nsteps,
		    c->nparams);
	else if (r == KR_ENOMEM)
		fprintf(stderr, "%s: out of memory\n", path);
	ceremony_free(c);
	diag_free(&dl);
	free(buf);
	return r;
}

static int
cmd_lint_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, i, r, invalid = 0, missing = 0, other = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			return cli_help(&cmd_lint_entry);
		default:
			return cli_usage(&cmd_lint_entry);
		}
	}
	if (optind >= argc)
		return cli_usage(&cmd_lint_entry);
	for (i = optind; i < argc; i++) {
		r = lint_one(argv[i]);
		if (r == KR_EDATA)
			invalid = 1;
		else if (r == KR_ENOINPUT)
			missing = 1;
		else if (r != 0 && other == 0)
			other = kr_exit_status(r);
	}
	fflush(stdout);
	if (invalid)
		return EX_DATAERR;
	if (missing)
		return EX_NOINPUT;
	return other;
}

const struct cmd_entry cmd_lint_entry = {
	"lint",
	"lint CEREMONY.yaml...",
	"check ceremony files against the schema",
	"Loads each ceremony file and checks it: YAML syntax, the schema\n"
	"(see keyrite-ceremony(5)), step types and their keys, parameters,\n"
	"tables, references, the order of 'requires', scenarios.\n"
	"\n"
	"For each clean file it prints 'OK FILE: N steps, M parameters' on\n"
	"standard output.  Every problem is printed on standard error as\n"
	"'FILE:LINE:COLUMN: message'; warnings as\n"
	"'FILE:LINE:COLUMN: warning: message' (they do not fail the file).\n"
	"Files larger than 1 MiB are refused.\n"
	"\n"
	"Exit status: 0 every file is clean; 65 at least one file is invalid\n"
	"(this wins over a missing file); 66 a file is missing or unreadable\n"
	"and no file was invalid; 64 usage.\n",
	cmd_lint_exec,
};
