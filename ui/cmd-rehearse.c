/*
 * cmd-rehearse.c: `keyrite rehearse CEREMONY.yaml': the ceremony in a
 * throwaway sandbox (src/sandbox.c): a simulated module, a receiving vault
 * whose root and toolset hashes stand in for the published ones, the media
 * the custodians would carry.  Everything is marked REHEARSAL; the sandbox
 * is removed at the end unless --keep names it.
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

static int
cmd_rehearse_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "set", required_argument, NULL, 'S' },
		{ "keep", required_argument, NULL, 'k' },
		{ "scenario", required_argument, NULL, 'c' },
		{ "list-scenarios", no_argument, NULL, 'L' },
		/* Test only: a cheap PIN KDF so the test suite stays fast.
		 * Deliberately not in the usage or the manual. */
		{ "test-scrypt-log2n", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_ctx x;
	struct runner_opts ro;
	struct sandbox_opts so;
	struct tui_opts to;
	char hint[PATH_MAX * 2 + 64];
	struct sandbox *sb = NULL;
	struct batch_value *presets = NULL;
	const struct ceremony_scenario *sc = NULL;
	struct kr_err e;
	const char *batch = NULL, *keep = NULL, *scenario = NULL;
	char *end;
	long log2n = 0;
	size_t i;
	int ch, rc, list = 0;

	memset(&x, 0, sizeof(x));
	if ((rc = cli_harden()) != 0)
		return rc;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			batch = optarg;
			break;
		case 'S':
			if ((rc = run_add_set(&x, optarg)) != 0)
				goto out;
			break;
		case 'k':
			keep = optarg;
			break;
		case 'c':
			scenario = optarg;
			break;
		case 'L':
			list = 1;
			break;
		case 'T':
			log2n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || log2n < 1 ||
			    log2n > 30) {
				cli_warnx("--test-scrypt-log2n: 1 to 30");
				rc = EX_USAGE;
				goto out;
			}
			break;
		case 'h':
			rc = cli_help(&cmd_rehearse_entry);
			goto out;
		default:
			rc = cli_usage(&cmd_rehearse_entry);
			goto out;
		}
	}
	if (optind != argc - 1 || (list && scenario != NULL)) {
		rc = cli_usage(&cmd_rehearse_entry);
		goto out;
	}
	if ((rc = run_load_ceremony(&x, argv[optind])) != 0)
		goto out;
	if (list) {
		rc = list_scenarios(x.c);
		goto out;
	}
	if (scenario != NULL &&
	    (sc = ceremony_scenario_find(x.c, scenario)) == NULL) {
		cli_warnx("ceremony '%s' has no scenario '%s' (see keyrite "
		    "rehearse %s --list-scenarios)", x.c->id.s, scenario,
		    argv[optind]);
		rc = EX_USAGE;
		goto out;
	}
	if (batch == NULL && !(isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO))) {
		cli_warnx("no terminal: use --batch ANSWERS.yaml");
		rc = EX_USAGE;
		goto out;
	}
	if ((rc = run_check_sets(&x)) != 0 || (batch != NULL &&
	    (rc = run_load_answers(&x, batch, 1)) != 0))
		goto out;

	kr_err_clear(&e);
	memset(&so, 0, sizeof(so));
	so.c = x.c;
	so.keep_dir = keep;
	so.param = known_param;
	so.param_arg = &x;
	so.scenario = sc;
	if ((rc = sandbox_create(&so, &sb, &e)) != 0) {
		rc = cli_fail(&e);
		goto out;
	}
	printf("REHEARSAL of %s in sandbox %s%s\n", x.c->id.s, sb->dir,
	    sb->resumed ? " (resumed)" : "");
	if (sb->npresets > 0 && (presets = calloc(sb->npresets,
	    sizeof(*presets))) == NULL) {
		cli_warnx("out of memory");
		rc = EX_IOERR;
		goto out;
	}
	for (i = 0; i < sb->npresets; i++) {
		presets[i].name = sb->presets[i].name;
		presets[i].value = sb->presets[i].value;
	}
	memset(&ro, 0, sizeof(ro));
	ro.c = x.c;
	ro.ceremony_path = x.path;
	memcpy(ro.ceremony_sha256, x.sha256, sizeof(ro.ceremony_sha256));
	ro.state_dir = sb->state_dir;
	ro.log_path = sb->log_path;
	ro.out_dir = sb->out_dir;
	ro.media_dir = sb->media_dir;
	ro.rehearsal = 1;
	ro.scenario = sc;
	ro.faults = sb->faults;	/* the trainee is not told of them */
	ro.vault_dir = sb->vault_dir;
	ro.overrides = sb->overrides;
	ro.noverrides = sb->noverrides;
	ro.scrypt_log2n = (int)log2n;
	if (batch == NULL) {
		memset(&to, 0, sizeof(to));
		to.sets = x.sets;
		to.nsets = x.nsets;
		to.presets = presets;
		to.npresets = sb->npresets;
		to.scenario = sc != NULL ? sc->name.s : NULL;
		if (sb->keep && (size_t)snprintf(hint, sizeof(hint), "keyrite "
		    "rehearse %s --keep %s", x.path, sb->dir) < sizeof(hint))
			to.resume_hint = hint;
		rc = tui_run(&ro, &to);
	} else
		rc = run_batch(&x, &ro, presets, sb->npresets, -1);
	if (sb->keep)
		printf("REHEARSAL sandbox kept in %s\n", sb->dir);
out:
	if (sb != NULL) {
		kr_err_clear(&e);
		if (sandbox_destroy(sb, &e) != 0) {
			cli_warnx("cannot remove the sandbox: %s", e.msg);
			if (rc == 0)
				rc = EX_IOERR;
		}
	}
	free(presets);
	run_ctx_free(&x);
	return rc;
}

const struct cmd_entry cmd_rehearse_entry = {
	"rehearse",
	"rehearse CEREMONY.yaml [--scenario NAME | --list-scenarios] "
	    "[--batch ANSWERS.yaml] [--set NAME=VALUE]... [--keep DIR]",
	"rehearse a ceremony in a throwaway sandbox",
	"Runs the ceremony on a simulated module against a simulated\n"
	"receiving vault, in a sandbox: the vault's root key and toolset\n"
	"hashes stand in for the published ones, its KEK for the real one.\n"
	"Every screen and log entry is marked REHEARSAL.  The sandbox (a new\n"
	"directory under $TMPDIR) is removed at the end.\n"
	"\n"
	"  --batch FILE      run without a terminal from an answers file; in\n"
	"                    a rehearsal it may hold the cards' PINs\n"
	"  --set NAME=VALUE  a parameter value; wins over the answers file\n"
	"  --keep DIR        build the sandbox in DIR and keep it (a missing\n"
	"                    or empty directory; a kept sandbox is resumed)\n"
	"  --list-scenarios  list the ceremony's fault scenarios and exit\n"
	"  --scenario NAME   rehearse with that scenario's faults\n"
	"\n"
	"Exit status as for run.\n",
	cmd_rehearse_exec,
};
