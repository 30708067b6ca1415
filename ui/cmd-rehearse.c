/* SPDX-License-Identifier: ISC */
/*
 * cmd-rehearse.c: `keyrite rehearse CEREMONY.yaml': the ceremony in a
 * throwaway sandbox (src/sandbox.c): a simulated module, a receiving vault
 * whose root and toolset hashes stand in for the published ones, the media
 * the custodians would carry.  Everything is marked REHEARSAL; the sandbox
 * is kept (a new folder under ./keyrite-rehearsals, or --keep DIR) unless
 * --discard says to remove it.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "answers.h"
#include "batch.h"
#include "ceremony.h"
#include "cli.h"
#include "err.h"
#include "run-common.h"
#include "runner.h"
#include "sandbox.h"
#include "tui.h"

static const char *
known_param(void *arg, const char *name)
{
	struct batch_opts bo;
	const struct run_ctx *x = arg;

	memset(&bo, 0, sizeof(bo));
	bo.answers = x->answers;
	bo.sets = x->sets;
	bo.nsets = x->nsets;
	return batch_param_value(&bo, name);
}

static int
list_scenarios(const struct ceremony *c)
{
	size_t i;

	if (c->nscenarios == 0)
		printf("%s: no scenarios\n", c->id.s);
	for (i = 0; i < c->nscenarios; i++)
		printf("%-24s %s\n", c->scenarios[i].name.s,
		    c->scenarios[i].description.s != NULL ?
		    c->scenarios[i].description.s : "");
	return 0;
}

/* One rehearsal: its options, its sandbox, what the front end is given. */
struct rehearsal {
	struct run_ctx		 x;
	const char		*keep, *scenario;
	int			 list, discard;
	long			 log2n;
	const struct ceremony_scenario *sc;
	struct sandbox		*sb;
	struct runner		*r;		/* while the sandbox is prepared */
	char			 lazy_err[KR_ERR_MSG_MAX]; /* its failure */
};

static int
rehearse_args(struct rehearsal *h, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep", required_argument, NULL, 'k' },
		{ "discard", no_argument, NULL, 'd' },
		{ "scenario", required_argument, NULL, 'c' },
		{ "list-scenarios", no_argument, NULL, 'L' },
		/* Test only: a cheap PIN KDF so the test suite stays fast.
		 * Deliberately not in the usage or the manual. */
		{ "test-scrypt-log2n", required_argument, NULL, 'T' },
		RUN_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (run_common_option(&h->x, &cmd_rehearse_entry, ch, optarg,
		    &rc)) {
			if (rc != 0)
				return rc;
			continue;
		}
		switch (ch) {
		case 'k':
			h->keep = optarg;
			break;
		case 'd':
			h->discard = 1;
			break;
		case 'c':
			h->scenario = optarg;
			break;
		case 'L':
			h->list = 1;
			break;
		case 'T':
			h->log2n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || h->log2n < 1 ||
			    h->log2n > 30) {
				cli_warnx("--test-scrypt-log2n: 1 to 30");
				return EX_USAGE;
			}
			break;
		default:
			return cli_usage(&cmd_rehearse_entry);
		}
	}
	if (optind != argc - 1 || (h->list && h->scenario != NULL) ||
	    (h->keep != NULL && h->discard))
		return cli_usage(&cmd_rehearse_entry);
	return 0;
}

/* The ceremony, the scenario, the terminal, the answers.  -1: listed. */
static int
rehearse_check(struct rehearsal *h, int argc, char **argv)
{
	int rc;

	if ((rc = run_prepare(&h->x, &cmd_rehearse_entry, argc, argv)) != 0)
		return rc;
	if (h->list) {
		list_scenarios(h->x.c);
		return -1;
	}
	if (h->scenario != NULL && (h->sc = ceremony_scenario_find(h->x.c,
	    h->scenario)) == NULL) {
		cli_warnx("ceremony '%s' has no scenario '%s' (see keyrite "
		    "rehearse %s --list-scenarios)", h->x.c->id.s, h->scenario,
		    h->x.path);
		return EX_USAGE;
	}
	if ((rc = run_check_terminal(&h->x)) != 0)
		return rc;
	return run_setup(&h->x, 1);
}

static int
rehearse_sandbox(struct rehearsal *h)
{
	struct sandbox_opts so;
	struct kr_err e;

	kr_err_clear(&e);
	memset(&so, 0, sizeof(so));
	so.c = h->x.c;
	so.keep_dir = h->keep;
	so.discard = h->discard;
	so.param = known_param;
	so.param_arg = &h->x;
	so.scenario = h->sc;
	if (sandbox_create(&so, &h->sb, &e) != 0)
		return cli_fail(&e);
	printf("REHEARSAL of %s in sandbox %s%s\n", h->x.c->id.s,
	    h->sb->dir, h->sb->resumed ? " (resumed)" : "");
	return 0;
}

/* The values the sandbox is made for: those chosen in the run so far,
 * then --set and the answers file, then (in the sandbox) the defaults. */
static const char *
lazy_param(void *arg, const char *name)
{
	struct rehearsal *h = arg;
	const char *v;

	if (h->r != NULL && (v = runner_param(h->r, name)) != NULL)
		return v;
	return known_param(&h->x, name);
}

/* The runner's sandbox_value hook: the sandbox's vault and media are made
 * the first time the run needs one of its values, for the parameters
 * chosen by then. */
static const char *
sandbox_value(void *arg, struct runner *r, const char *key, int param)
{
	struct rehearsal *h = arg;
	struct kr_err e;

	if (param == 1 && !sandbox_provides(h->sb, key))
		return NULL;
	h->r = r;
	/* a step about to run: made once every value it is made from is
	 * chosen, or at the latest for the step that imports into it */
	if (param == 2 && !h->sb->prepared &&
	    strcmp(key, "vault-import") != 0 &&
	    !sandbox_ready(h->sb, lazy_param, h)) {
		h->r = NULL;
		return NULL;
	}
	if (!h->sb->prepared) {
		kr_err_clear(&e);
		h->r = r;
		if (sandbox_prepare(h->sb, lazy_param, h, &e) != 0) {
			snprintf(h->lazy_err, sizeof(h->lazy_err), "%s",
			    e.msg);
			h->r = NULL;
			return NULL;
		}
		h->lazy_err[0] = '\0';
	}
	h->r = NULL;
	if (param == 2)
		return NULL;
	return param ? sandbox_preset(h->sb, key) :
	    sandbox_override(h->sb, key);
}

/* What the rehearsal left and where, for the trainer and the auditor. */
static void
rehearse_files(const struct rehearsal *h, int rc, const char *hint)
{
	static const char *const names[][2] = {
		{ "transcript", "transcript.txt" },
		{ "summary", "summary.txt" },
		{ "report", "report.md" },
	};
	const struct sandbox *sb = h->sb;
	char path[PATH_MAX];
	size_t i;

	if (!sb->keep) {
		printf("REHEARSAL sandbox %s removed (--discard)\n", sb->dir);
		return;
	}
	printf("REHEARSAL kept in %s\n", sb->dir);
	if (access(sb->log_path, F_OK) == 0)
		printf("  %-11s %s\n", "log", sb->log_path);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", sb->out_dir,
		    names[i][1]) < sizeof(path) && access(path, F_OK) == 0)
			printf("  %-11s %s\n", names[i][0], path);
	if (rc != 0 && hint != NULL && h->x.batch != NULL &&
	    access(sb->log_path, F_OK) == 0)
		printf("The log is not sealed; to resume: %s\n", hint);
}

static int
rehearse_run(struct rehearsal *h)
{
	struct runner_opts ro;
	struct tui_opts to;
	char hint[PATH_MAX * 2 + 64];
	struct sandbox *sb = h->sb;
	int rc;

	run_opts_init(&h->x, &ro);
	ro.state_dir = sb->state_dir;
	ro.log_path = sb->log_path;
	ro.out_dir = sb->out_dir;
	ro.media_dir = sb->media_dir;
	ro.rehearsal = 1;
	ro.scenario = h->sc;
	ro.faults = sb->faults;	/* the trainee is not told of them */
	ro.vault_dir = sb->vault_dir;
	ro.sandbox_value = sandbox_value;
	ro.sandbox_arg = h;
	ro.scrypt_log2n = (int)h->log2n;
	memset(&to, 0, sizeof(to));
	to.scenario = h->sc != NULL ? h->sc->name.s : NULL;
	if (sb->keep && (size_t)snprintf(hint, sizeof(hint), "keyrite "
	    "rehearse %s --keep %s", h->x.path, sb->dir) < sizeof(hint))
		to.resume_hint = hint;
	to.kept = sb->keep;
	rc = run_front(&h->x, &ro, &to, NULL, 0, -1);
	if (h->lazy_err[0] != '\0')
		cli_warnx("the rehearsal sandbox could not be made: %s",
		    h->lazy_err);
	rehearse_files(h, rc, to.resume_hint);
	return rc;
}

static int
cmd_rehearse_exec(int argc, char **argv)
{
	struct rehearsal h;
	struct kr_err e;
	int rc;

	memset(&h, 0, sizeof(h));
	if ((rc = cli_harden()) != 0)
		return rc;
	if ((rc = rehearse_args(&h, argc, argv)) == 0 &&
	    (rc = rehearse_check(&h, argc, argv)) == 0 &&
	    (rc = rehearse_sandbox(&h)) == 0)
		rc = rehearse_run(&h);
	if (h.sb != NULL) {
		kr_err_clear(&e);
		if (sandbox_destroy(h.sb, &e) != 0) {
			cli_warnx("cannot remove the sandbox: %s", e.msg);
			if (rc == 0)
				rc = EX_IOERR;
		}
	}
	run_ctx_free(&h.x);
	return rc < 0 ? 0 : rc;
}

const struct cmd_entry cmd_rehearse_entry = {
	"rehearse",
	"rehearse CEREMONY.yaml [--scenario NAME | --list-scenarios] "
	    "[--batch ANSWERS.yaml] [--set NAME=VALUE]... "
	    "[--keep DIR | --discard] [--token PKCS11-URI]",
	"rehearse a ceremony in a sandbox",
	"Runs the ceremony on a simulated module against a simulated\n"
	"receiving vault, in a sandbox: the vault's root key and toolset\n"
	"hashes stand in for the published ones, its KEK for the real one.\n"
	"Every screen and log entry is marked REHEARSAL.  The sandbox is\n"
	"kept: by default a new folder\n"
	"./keyrite-rehearsals/<ceremony id>-<YYYY-MM-DD>-<n>/ holding the\n"
	"module, the vault, the media and out/ (the log, transcript.txt,\n"
	"summary.txt and the trainer's report.md); the end names each file.\n"
	"A rehearsal that stopped is resumed with --keep and its folder.\n"
	"\n"
	"  --batch FILE      run without a terminal from an answers file; in\n"
	"                    a rehearsal it may hold the cards' PINs\n"
	"  --set NAME=VALUE  a parameter value; wins over the answers file\n"
	"  --keep DIR        build the sandbox in DIR (a missing or empty\n"
	"                    directory), or resume the rehearsal kept there\n"
	"  --discard         build it in a temporary directory and remove it\n"
	"                    at the end (nothing is left to resume)\n"
	"  --list-scenarios  list the ceremony's fault scenarios and exit\n"
	"  --scenario NAME   rehearse with that scenario's faults\n"
	"  --token URI       rehearse on a throwaway PKCS#11 token instead of\n"
	"                    the simulated module: an RFC 7512 URI with its\n"
	"                    module-path; the token must be fresh (never\n"
	"                    initialised): new-world initialises it, and its\n"
	"                    PINs go onto the sandbox's cards.  Only\n"
	"                    ceremonies that declare the pkcs11 engine run\n"
	"                    on a token\n"
	"\n"
	"Exit status as for run.\n",
	cmd_rehearse_exec,
};
