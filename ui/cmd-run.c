/* SPDX-License-Identifier: ISC */
/*
 * cmd-run.c: `keyrite run CEREMONY.yaml': a live ceremony.  With --batch
 * it runs from an answers file (batch.c); without it, on a terminal, it
 * opens the curses wizard (tui.c).
 */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "ceremony.h"
#include "err.h"
#include "fsutil.h"
#include "run-common.h"
#include "runner.h"
#include "tui.h"

/* --pin-fd N: a descriptor that is open.  0 and *fd, or 64. */
static int
parse_fd(const char *arg, int *fd)
{
	char *end;
	long v;

	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || v < 0 || v > INT_MAX) {
		cli_warnx("--pin-fd %s: expected a file descriptor number", arg);
		return EX_USAGE;
	}
	if (fcntl((int)v, F_GETFD) == -1) {
		cli_warnx("--pin-fd %ld: not an open file descriptor", v);
		return EX_USAGE;
	}
	*fd = (int)v;
	return 0;
}

/* The default state directory; on a token its sibling .../keyrite/token
 * (the custodians' cards and the token's world record). */
static int
default_state(char *out, size_t outsz, int token)
{
	struct kr_err e;
	char *slash;

	if (kr_default_state_dir(out, outsz, &e) != 0)
		return cli_fail(&e);
	if (token && (slash = strrchr(out, '/')) != NULL &&
	    (size_t)(slash - out) + sizeof("/token") <= outsz)
		memcpy(slash, "/token", sizeof("/token"));
	return 0;
}

/* The defaults: the state directory, OUT and OUT/<id>.log. */
static int
run_paths(const struct run_ctx *x, const char **state_dir,
    const char **out_dir, const char **log_path, char *state, char *out,
    char *logp, size_t sz)
{
	struct kr_err e;
	int rc;

	if (*state_dir == NULL) {
		if ((rc = default_state(state, sz, x->token != NULL)) != 0)
			return rc;
		*state_dir = state;
	}
	if (*out_dir == NULL) {
		snprintf(out, sz, "./keyrite-out-%s", x->c->id.s);
		*out_dir = out;
	}
	if (*log_path == NULL) {
		if ((size_t)snprintf(logp, sz, "%s/%s.log", *out_dir,
		    x->c->id.s) >= sz) {
			cli_warnx("%s: path too long", *out_dir);
			return EX_USAGE;
		}
		*log_path = logp;
	}
	kr_err_clear(&e);
	if (kr_mkdir_private(*state_dir, &e) != 0 ||
	    kr_mkdir_private(*out_dir, &e) != 0)
		return cli_fail(&e);
	return 0;
}

static int
cmd_run_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "log", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ "media", required_argument, NULL, 'm' },
		{ "pin-fd", required_argument, NULL, 'p' },
		RUN_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct run_ctx x;
	struct runner_opts ro;
	struct tui_opts to;
	char state[PATH_MAX], out[PATH_MAX], logp[PATH_MAX];
	const char *state_dir = NULL, *log_path = NULL, *out_dir = NULL;
	const char *media_dir = ".";
	int ch, rc, pin_fd = -1;

	memset(&x, 0, sizeof(x));
	if ((rc = cli_harden()) != 0)
		return rc;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (run_common_option(&x, &cmd_run_entry, ch, optarg, &rc)) {
			if (rc != 0)
				goto out;
			continue;
		}
		switch (ch) {
		case 's':
			state_dir = optarg;
			break;
		case 'l':
			log_path = optarg;
			break;
		case 'o':
			out_dir = optarg;
			break;
		case 'm':
			media_dir = optarg;
			break;
		case 'p':
			if ((rc = parse_fd(optarg, &pin_fd)) != 0)
				goto out;
			break;
		default:
			rc = cli_usage(&cmd_run_entry);
			goto out;
		}
	}
	if (optind != argc - 1) {
		rc = cli_usage(&cmd_run_entry);
		goto out;
	}
	if ((rc = run_check_terminal(&x)) != 0 ||
	    (rc = run_prepare(&x, &cmd_run_entry, argc, argv)) != 0 ||
	    (rc = run_setup(&x, 0)) != 0 ||
	    (rc = run_paths(&x, &state_dir, &out_dir, &log_path, state, out,
	    logp, PATH_MAX)) != 0)
		goto out;
	run_opts_init(&x, &ro);
	ro.state_dir = state_dir;
	ro.log_path = log_path;
	ro.out_dir = out_dir;
	ro.media_dir = media_dir;
	memset(&to, 0, sizeof(to));
	to.resume_hint = "the same keyrite run command";
	to.kept = 1;
	rc = run_front(&x, &ro, &to, NULL, 0, pin_fd);
out:
	run_ctx_free(&x);
	return rc < 0 ? 0 : rc;
}

const struct cmd_entry cmd_run_entry = {
	"run",
	"run CEREMONY.yaml [--state DIR] [--token PKCS11-URI] [--log FILE] "
	    "[--out DIR] "
	    "[--media DIR] [--batch ANSWERS.yaml] [--set NAME=VALUE]... "
	    "[--pin-fd N]",
	"run a live ceremony (batch mode: --batch ANSWERS.yaml)",
	"Runs the ceremony step by step on the security module, writes its\n"
	"artifacts and a signed audit log, and seals the log at the end.\n"
	"A run that was interrupted is resumed by running the same command.\n"
	"\n"
	"  --state DIR      the module's state (default\n"
	"                   $XDG_DATA_HOME/keyrite/module); locked while a run\n"
	"                   uses it; with --token, the custodians' cards and\n"
	"                   the token's world record (default\n"
	"                   $XDG_DATA_HOME/keyrite/token)\n"
	"  --token URI      drive a PKCS#11 token instead of the software\n"
	"                   module: an RFC 7512 URI naming the token and its\n"
	"                   module, 'pkcs11:token=LABEL?module-path=/path/lib.so'\n"
	"                   (never a PIN); new-world initialises a fresh\n"
	"                   token.  Only ceremonies that declare the pkcs11\n"
	"                   engine run on a token\n"
	"  --out DIR        artifacts, transcript and summary (default\n"
	"                   ./keyrite-out-<ceremony id>)\n"
	"  --log FILE       the audit log (default OUT/<ceremony id>.log)\n"
	"  --media DIR      where files named in the ceremony are found\n"
	"                   (the removable medium; default .)\n"
	"  --batch FILE     run without a terminal from an answers file (see\n"
	"                   keyrite(1) for its format; PINs are not allowed\n"
	"                   in it)\n"
	"  --set NAME=VALUE a parameter value; wins over the answers file\n"
	"  --pin-fd N       read PINs from descriptor N, one per line, in the\n"
	"                   order they are asked: the new cards' PINs (at\n"
	"                   least 8 characters each; a shorter one is\n"
	"                   refused and the next line taken), then each\n"
	"                   card presented\n"
	"\n"
	"Without --batch, on a terminal, run opens the wizard.\n"
	"\n"
	"Exit status: 0 sealed; 1 a step failed (no exception recorded) or\n"
	"the ceremony failed; 64 usage, or --token with a ceremony that does\n"
	"not declare the pkcs11 engine; 65 bad ceremony or answers, a missing\n"
	"or invalid answer; 66 a missing file; 73 cannot create an output;\n"
	"74 I/O error; 75 another run holds the state directory.\n",
	cmd_run_exec,
};
