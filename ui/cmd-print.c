/* SPDX-License-Identifier: ISC */
/*
 * cmd-print.c: `keyrite print CEREMONY.yaml [--set NAME=VALUE]...
 * [--format text|markdown]': the printable runbook (src/print.h) on
 * standard output.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "ceremony.h"
#include "cli.h"
#include "codec.h"
#include "diag.h"
#include "err.h"
#include "fsutil.h"
#include "print.h"

#define MAX_SET	64

/* Loads the ceremony, printing its problems as `keyrite lint' does. */
static int
load(const char *path, struct ceremony **c, char sha[65], struct kr_err *e)
{
	struct diag_list dl;
	char line[DIAG_MSG_MAX + 1024], *buf = NULL;
	size_t len, i;
	int r;

	if ((r = kr_read_file(path, CEREMONY_MAX_SIZE, &buf, &len, e)) != 0)
		return r;
	kr_sha256_hex(buf, len, sha);
	diag_init(&dl, path);
	r = ceremony_load_buffer(path, buf, len, c, &dl);
	for (i = 0; i < dl.n; i++) {
		if (dl.v[i].level != DIAG_ERROR)
			continue;
		diag_format(&dl, &dl.v[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	diag_free(&dl);
	free(buf);
	if (r != 0)
		return kr_errf(e, r, "%s: %s", path, r == KR_ENOMEM ?
		    "out of memory" : "not a valid ceremony (see keyrite lint)");
	return 0;
}

static int
cmd_print_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *set[MAX_SET];
	struct print_opts o = { PRINT_TEXT, set, 0, NULL };
	struct ceremony *c = NULL;
	struct kr_err e;
	char sha[65], *out = NULL;
	int ch, rc;

	optind = 1;
	kr_err_clear(&e);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (o.nset == MAX_SET) {
				cli_warnx("at most %d --set options", MAX_SET);
				return EX_USAGE;
			}
			set[o.nset++] = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				o.format = PRINT_TEXT;
			else if (strcmp(optarg, "markdown") == 0)
				o.format = PRINT_MARKDOWN;
			else {
				cli_warnx("--format: '%s' is not text or "
				    "markdown", optarg);
				return EX_USAGE;
			}
			break;
		case 'h':
			return cli_help(&cmd_print_entry);
		default:
			return cli_usage(&cmd_print_entry);
		}
	}
	if (optind != argc - 1)
		return cli_usage(&cmd_print_entry);
	if ((rc = load(argv[optind], &c, sha, &e)) != 0)
		return cli_fail(&e);
	o.sha256 = sha;
	rc = print_runbook(c, &o, &out, &e);
	ceremony_free(c);
	if (rc != 0)
		return cli_fail(&e);
	fputs(out, stdout);
	free(out);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warnx("standard output: write error");
		return EX_IOERR;
	}
	return 0;
}

const struct cmd_entry cmd_print_entry = {
	"print",
	"print CEREMONY.yaml [--set NAME=VALUE]... [--format text|markdown]",
	"print the runbook for the ceremony room",
	"Prints the script for the day, as ceremony administrators print it\n"
	"for the room: every step in order with its station, its\n"
	"instructions and commands expanded for the parameters (--set, else\n"
	"the default), boxes for the initials of the operator and the\n"
	"witnesses and the time, the values to read aloud (hashes in groups\n"
	"of eight), and a minutes page with the anchors the auditor checks.\n"
	"A value not known yet is shown as <name, asked at step N>.  An\n"
	"alternative step whose condition does not hold for the printed\n"
	"parameters is listed as not chosen.  The text form fits 80 columns.\n"
	"\n"
	"  --set NAME=VALUE  a parameter value (checked like an answer)\n"
	"  --format FORMAT   text (default) or markdown\n"
	"\n"
	"Exit status: 0 printed; 65 the ceremony is invalid or a --set value\n"
	"is refused; 66 the file cannot be read; 64 usage; 74 a write error.\n",
	cmd_print_exec,
};
