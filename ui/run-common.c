/* SPDX-License-Identifier: ISC */
/*
 * run-common.c: the parts of `keyrite run' and `keyrite rehearse' that
 * are the same (run-common.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "answers.h"
#include "batch.h"
#include "ceremony.h"
#include "cli.h"
#include "codec.h"
#include "diag.h"
#include "err.h"
#include "fsutil.h"
#include "run-common.h"
#include "runner.h"
#include "secmem.h"
#include "tui.h"

/* Prints a loader's diagnostics and frees them; returns the exit status
 * for its result r: 0, EX_IOERR when memory ran out, else EX_DATAERR. */
static int
diags_done(struct diag_list *dl, const char *path, int r)
{
	char line[DIAG_MSG_MAX + 1024];
	size_t i;

	for (i = 0; i < dl->n; i++) {
		diag_format(dl, &dl->v[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	if (dl->full)
		fprintf(stderr, "%s: %zu more problems not shown\n", path,
		    dl->nerrors + dl->nwarnings - dl->n);
	diag_free(dl);
	if (r == KR_ENOMEM) {
		cli_warnx("%s: out of memory", path);
		return EX_IOERR;
	}
	return r == 0 ? 0 : EX_DATAERR;
}

/* Reads, loads and checks the ceremony (1 MiB at most); prints every
 * diagnostic as `keyrite lint' does.  0, 65, 66 or 74. */
static int
run_load_ceremony(struct run_ctx *x, const char *path)
{
	struct diag_list dl;
	struct kr_err e;
	int r;

	kr_err_clear(&e);
	x->path = path;
	if ((r = kr_read_file(path, CEREMONY_MAX_SIZE, &x->buf, &x->len,
	    &e)) != 0)
		return cli_fail(&e);
	if (kr_sha256(x->buf, x->len, x->sha256) != 0) {
		cli_warnx("%s: cannot hash the ceremony", path);
		return EX_IOERR;
	}
	diag_init(&dl, path);
	r = ceremony_load_buffer(path, x->buf, x->len, &x->c, &dl);
	return diags_done(&dl, path, r);
}

/* Adds a --set NAME=VALUE (the strings stay argv's).  0 or 64. */
static int
run_add_set(struct run_ctx *x, char *arg)
{
	struct batch_value *v;
	char *eq;

	if ((eq = strchr(arg, '=')) == NULL || eq == arg) {
		cli_warnx("--set %s: expected NAME=VALUE", arg);
		return EX_USAGE;
	}
	if ((v = realloc(x->sets, (x->nsets + 1) * sizeof(*v))) == NULL) {
		cli_warnx("out of memory");
		return EX_IOERR;
	}
	x->sets = v;
	*eq = '\0';
	v[x->nsets].name = arg;
	v[x->nsets].value = eq + 1;
	x->nsets++;
	return 0;
}

/* Checks the --set names against the ceremony: 0 or 65. */
static int
run_check_sets(const struct run_ctx *x)
{
	size_t i;
	int r = 0;

	for (i = 0; i < x->nsets; i++)
		if (ceremony_param_find(x->c, x->sets[i].name) == NULL) {
			cli_warnx("--set %s: ceremony '%s' has no parameter "
			    "'%s'", x->sets[i].name, x->c->id.s,
			    x->sets[i].name);
			r = EX_DATAERR;
		}
	return r;
}

/* Reads the answers file (secure memory: it may hold PINs), parses it
 * (pins allowed when rehearsal) and checks it against the ceremony.  0,
 * 65, 66 or 74. */
static int
run_load_answers(struct run_ctx *x, const char *path, int rehearsal)
{
	struct diag_list dl;
	struct kr_err e;
	char *buf = NULL;
	size_t len = 0;
	int r;

	kr_err_clear(&e);
	x->answers_path = path;
	if ((r = kr_read_file_secure(path, ANSWERS_MAX_SIZE, &buf, &len,
	    &e)) != 0)
		return cli_fail(&e);
	diag_init(&dl, path);
	r = answers_load_buffer(path, buf, len, rehearsal, &x->answers, &dl);
	kr_secure_free(buf, len + 1);
	if (r == 0)
		r = answers_check(x->answers, x->c, &dl);
	return diags_done(&dl, path, r);
}

/* The trainer's line: how many responses differ from the expected ones
 * (worded so that it names no fault: the trainee reads this output). */
static void
run_scenario_check(struct runner *r, const struct runner_opts *ro)
{
	int d = runner_write_report(r);
	const char *end = runner_report_end(r);

	/* a step that failed is said, whether the scenario expects it */
	if (d > 0)
		printf("REHEARSAL: %d %s from the expected %s%s%s (report: "
		    "%s/report.md)\n", d, d == 1 ? "response differs" :
		    "responses differ", d == 1 ? "one" : "ones",
		    end[0] != '\0' ? "; " : "", end, ro->out_dir);
	else if (d == 0)
		printf("REHEARSAL: every response as expected%s%s (report: "
		    "%s/report.md)\n", end[0] != '\0' ? "; " : "", end,
		    ro->out_dir);
}

/* Opens the runner with ro (on_event and operator filled in here) and
 * runs the batch loop.  Returns the exit status. */
static int
run_batch(struct run_ctx *x, struct runner_opts *ro,
    const struct batch_value *presets, size_t npresets, int pin_fd)
{
	struct batch_opts bo;
	struct runner *r = NULL;
	struct kr_err e;
	int rc;

	kr_err_clear(&e);
	ro->operator_name = x->answers->operator_name;
	ro->on_event = batch_on_event;
	ro->event_arg = stdout;
	memset(&bo, 0, sizeof(bo));
	bo.c = x->c;
	bo.answers = x->answers;
	bo.sets = x->sets;
	bo.nsets = x->nsets;
	bo.presets = presets;
	bo.npresets = npresets;
	bo.pin_fd = pin_fd;
	bo.out = stdout;
	if ((rc = runner_open(ro, &r, &e)) != 0) {
		if (rc == KR_ELOCKED)
			cli_warnx("%s (another run holds the state directory "
			    "%s)", e.msg, ro->state_dir);
		else
			cli_warnx("%s", e.msg);
		return kr_exit_status(rc);
	}
	rc = batch_run(r, &bo);
	if (ro->rehearsal && ro->scenario != NULL)
		run_scenario_check(r, ro);
	runner_close(r);
	return rc;
}

int
run_common_option(struct run_ctx *x, const struct cmd_entry *cmd, int ch,
    char *arg, int *rc)
{
	*rc = 0;
	switch (ch) {
	case 'b':
		x->batch = arg;
		return 1;
	case 'S':
		*rc = run_add_set(x, arg);
		return 1;
	case 'K':
		x->token = arg;
		return 1;
	case 'h':
		*rc = cli_help(cmd);
		if (*rc == 0)
			*rc = -1;	/* done: exit 0 */
		return 1;
	case '?':
	case ':':
		*rc = cli_usage(cmd);
		return 1;
	default:
		return 0;
	}
}

int
run_prepare(struct run_ctx *x, const struct cmd_entry *cmd, int argc,
    char **argv)
{
	struct kr_err e;
	int rc;

	if (optind != argc - 1)
		return cli_usage(cmd);
	if ((rc = run_load_ceremony(x, argv[optind])) != 0)
		return rc;
	kr_err_clear(&e);
	if (runner_engine_check(x->c, x->token != NULL ? "pkcs11" : NULL,
	    &e) != 0)
		return cli_fail(&e);
	return 0;
}

int
run_check_terminal(const struct run_ctx *x)
{
	if (x->batch == NULL && !(isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO))) {
		cli_warnx("no terminal: use --batch ANSWERS.yaml");
		return EX_USAGE;
	}
	return 0;
}

int
run_setup(struct run_ctx *x, int rehearsal)
{
	int rc;

	if ((rc = run_check_sets(x)) != 0)
		return rc;
	if (x->batch != NULL)
		return run_load_answers(x, x->batch, rehearsal);
	return 0;
}

void
run_opts_init(const struct run_ctx *x, struct runner_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	ro->c = x->c;
	ro->ceremony_path = x->path;
	memcpy(ro->ceremony_sha256, x->sha256, sizeof(ro->ceremony_sha256));
	if (x->token != NULL) {
		ro->engine = "pkcs11";
		ro->token = x->token;
	}
}

int
run_front(struct run_ctx *x, struct runner_opts *ro, struct tui_opts *to,
    const struct batch_value *presets, size_t npresets, int pin_fd)
{
	if (x->batch != NULL)
		return run_batch(x, ro, presets, npresets, pin_fd);
	to->sets = x->sets;
	to->nsets = x->nsets;
	to->presets = presets;
	to->npresets = npresets;
	return tui_run(ro, to);
}

void
run_ctx_free(struct run_ctx *x)
{
	answers_free(x->answers);
	ceremony_free(x->c);
	free(x->buf);
	free(x->sets);
	memset(x, 0, sizeof(*x));
}
