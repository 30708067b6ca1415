/* SPDX-License-Identifier: ISC */
/*
 * tui.h: the curses wizard, the custodian's front end on the runner.
 *
 * `keyrite run' and `keyrite rehearse' call tui_run() when standard input
 * and output are a terminal and no --batch is given.  The wizard asks the
 * operator's and the witness's names, opens the runner (ro->operator_name
 * is filled in here), then answers runner_next()'s prompts from the keys:
 * parameters as a form with defaults, acknowledgements, typed
 * confirmations, new PINs and card presentations (PINs in secure memory,
 * never echoed, cleansed after each answer), sign-offs and decisions.  It
 * never includes engine.h or audit.h.
 *
 * The terminal is restored on every exit: the end, a quit (q or Ctrl-C,
 * after a confirmation), SIGTERM or SIGHUP, and any error.  Returns an
 * exit status: 0 sealed; 1 the ceremony failed or the operator quit (the
 * log stays unsealed and the same command resumes it); 75 the state is
 * locked; 128+N after signal N; others from the runner's error code.
 */
#ifndef KR_TUI_H
#define KR_TUI_H

#include <stddef.h>

struct batch_value;
struct runner_opts;

struct tui_opts {
	/* --set values: given to the runner before they are asked */
	const struct batch_value *sets;
	size_t			 nsets;
	/* values the rehearsal sandbox knows: the form's defaults */
	const struct batch_value *presets;
	size_t			 npresets;
	const char		*scenario;	/* its name, or NULL */
	/* said when the operator quits: how to come back, or NULL when the
	 * run cannot be resumed (a rehearsal with --discard) */
	const char		*resume_hint;
	/* 1: the output folder stays (the final screen names its files);
	 * 0: a rehearsal with --discard removes it at the end */
	int			 kept;
};

int	tui_run(struct runner_opts *ro, const struct tui_opts *to);

#endif
