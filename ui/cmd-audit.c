/* SPDX-License-Identifier: ISC */
/*
 * cmd-audit.c: `keyrite audit verify|show|transcript LOG`, the auditor's
 * commands.  The library does the work (src/audit-verify.h); this file
 * parses options, prints and picks the exit status: verify exits 0 for a
 * sealed valid log that the minutes' anchors pin, 1 for an invalid one, 2
 * for a valid unsealed prefix and 3 for a sealed valid log that nothing
 * given pins (keyrite-audit(5), "Anchors").
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit-verify.h"
#include "cli.h"
#include "err.h"

static int
status_of(int r, const struct kr_err *e)
{
	if (r == 0 || r == KR_EUNSEALED || r == KR_EFAIL)
		return kr_exit_status(r);
	return cli_fail(e);
}

/* --expect-genesis, --expect-cards, --world, --expect-seal. */
static int
anchor_opt(int ch, const char *arg, struct audit_verify_opts *o)
{
	struct kr_err e;

	kr_err_clear(&e);
	switch (ch) {
	case 'g':
		if (audit_parse_fingerprint(arg, o->expect_genesis) != 0) {
			cli_warnx("--expect-genesis: not 64 hex digits");
			return cli_usage(&cmd_audit_entry);
		}
		o->have_genesis = 1;
		return 0;
	case 's':
		if (audit_parse_fingerprint(arg, o->expect_seal) != 0) {
			cli_warnx("--expect-seal: not 64 hex digits");
			return cli_usage(&cmd_audit_entry);
		}
		o->have_seal = 1;
		return 0;
	case 'c':
	case 'w':
		if (o->ncards > 0) {
			cli_warnx("--expect-cards and --world: give one, once");
			return cli_usage(&cmd_audit_entry);
		}
		if (ch == 'c' && audit_parse_cards(arg, o, &e) != 0) {
			cli_warnx("%s", e.msg);
			return cli_usage(&cmd_audit_entry);
		}
		if (ch == 'w' && audit_load_world(arg, o, &e) != 0)
			return cli_fail(&e);
		return 0;
	}
	return cli_usage(&cmd_audit_entry);
}

/* Flushes standard output; a write error is an error (exit 74, EX_IOERR). */
static int
stdout_done(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warnx("standard output: %s", strerror(errno));
		return EX_IOERR;
	}
	return 0;
}

static int
audit_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "expect-genesis", required_argument, NULL, 'g' },
		{ "expect-seal", required_argument, NULL, 's' },
		{ "expect-cards", required_argument, NULL, 'c' },
		{ "world", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct audit_verify_opts o;
	struct audit_verify_result res;
	struct kr_err e;
	char *report;
	int ch, json = 0, r, r2;

	memset(&o, 0, sizeof(o));
	kr_err_clear(&e);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'j')
			json = 1;
		else if ((r = anchor_opt(ch, optarg, &o)) != 0)
			return r;
	}
	if (optind != argc - 1)
		return cli_usage(&cmd_audit_entry);
	r = audit_verify_file(argv[optind], &o, &res, &e);
	if (r != 0 && r != KR_EUNSEALED && r != KR_EFAIL)
		return cli_fail(&e);
	if ((report = audit_verify_report(&res, json)) == NULL) {
		cli_warnx("out of memory");
		return EX_IOERR;
	}
	fputs(report, stdout);
	if (json)
		putchar('\n');
	free(report);
	if ((r2 = stdout_done()) != 0)
		return r2;
	if (r == 0)
		return res.status == AUDIT_UNANCHORED ? KR_EXIT_UNANCHORED : 0;
	return status_of(r, &e);
}

static int
emit_stdout(void *arg, const char *s, size_t len)
{
	return fwrite(s, 1, len, stdout) == len ? 0 : KR_EIO;
}

static int
audit_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct kr_err e;
	int ch, json = 0, r, r2;

	kr_err_clear(&e);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'j')
			return cli_usage(&cmd_audit_entry);
		json = 1;
	}
	if (optind != argc - 1)
		return cli_usage(&cmd_audit_entry);
	r = audit_show_file(argv[optind], json, emit_stdout, NULL, &e);
	if (r == KR_EIO && e.msg[0] == '\0') {
		cli_warnx("standard output: %s", strerror(errno));
		return EX_IOERR;
	}
	if ((r2 = stdout_done()) != 0)
		return r2;
	return r == 0 ? 0 : cli_fail(&e);
}

static int
audit_transcript(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct kr_err e;
	char *out = NULL;
	int ch, md = 0, r, r2;

	kr_err_clear(&e);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'f')
			return cli_usage(&cmd_audit_entry);
		if (strcmp(optarg, "markdown") == 0)
			md = 1;
		else if (strcmp(optarg, "text") == 0)
			md = 0;
		else {
			cli_warnx("--format: text or markdown");
			return cli_usage(&cmd_audit_entry);
		}
	}
	if (optind != argc - 1)
		return cli_usage(&cmd_audit_entry);
	r = audit_transcript_file(argv[optind], md, &out, &e);
	if (out == NULL)
		return cli_fail(&e);
	fputs(out, stdout);
	free(out);
	if ((r2 = stdout_done()) != 0)
		return r2;
	return status_of(r, &e);
}

static int
cmd_audit_exec(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(&cmd_audit_entry);
	if (strcmp(argv[1], "verify") == 0)
		return audit_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return audit_show(argc - 1, argv + 1);
	if (strcmp(argv[1], "transcript") == 0)
		return audit_transcript(argc - 1, argv + 1);
	cli_warnx("audit: unknown command '%s'", argv[1]);
	return cli_usage(&cmd_audit_entry);
}

const struct cmd_entry cmd_audit_entry = {
	"audit",
	"audit verify LOG [--expect-genesis HEX] [--expect-cards HEX,... | "
	"--world FILE]\n"
	"                  [--expect-seal HEX] [--json]\n"
	"       keyrite audit show LOG [--json]\n"
	"       keyrite audit transcript LOG [--format text|markdown]",
	"check a ceremony's signed audit log, show it, print its transcript",
	"  verify      check every line, signature, checkpoint and the seal;\n"
	"              exit 0 sealed, valid and anchored, 1 invalid, 2 valid but\n"
	"              unsealed, 3 sealed and valid but nothing pins its cards\n"
	"              or its seal (give the anchors from the paper minutes)\n"
	"  --expect-genesis HEX   the genesis fingerprint on the paper minutes\n"
	"  --expect-cards HEX,... the card fingerprints, card 1 first\n"
	"  --world FILE           or the world file those cards belong to\n"
	"  --expect-seal HEX      the seal fingerprint on the paper minutes\n"
	"  --json      the verdict as JSON\n"
	"  show        one line per entry (does not verify); --json: JSON Lines\n"
	"  transcript  a printable record of the verified part of the log\n"
	"\nThe format is described in keyrite-audit(5).\n",
	cmd_audit_exec,
};
