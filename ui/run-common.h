/* SPDX-License-Identifier: ISC */
/*
 * run-common.h: what `keyrite run' and `keyrite rehearse' share: reading
 * and checking the ceremony, the --set values and the answers file, and
 * driving the runner in batch mode.  Each function prints its own
 * diagnostics and returns an exit status (0: go on).
 */
#ifndef KR_RUN_COMMON_H
#define KR_RUN_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"

struct answers;
struct ceremony;
struct cmd_entry;
struct runner_opts;
struct tui_opts;

struct run_ctx {
	const char		*path;		/* the ceremony file */
	char			*buf;
	size_t			 len;
	struct ceremony		*c;
	uint8_t			 sha256[32];
	const char		*batch;		/* --batch FILE, or NULL */
	const char		*answers_path;
	struct answers		*answers;
	struct batch_value	*sets;
	size_t			 nsets;
	const char		*token;		/* --token URI, or NULL */
};

/* The options both verbs take, for their getopt_long tables. */
#define RUN_COMMON_OPTIONS \
	{ "batch", required_argument, NULL, 'b' }, \
	{ "set", required_argument, NULL, 'S' }, \
	{ "token", required_argument, NULL, 'K' }, \
	{ "help", no_argument, NULL, 'h' }

/* Handles one of RUN_COMMON_OPTIONS (and getopt's '?'): returns 1 and
 * *rc (0: go on; else the command ends with that status: --help, a bad
 * --set, a bad option), or 0 when ch is the verb's own. */
int	run_common_option(struct run_ctx *x, const struct cmd_entry *cmd,
	    int ch, char *arg, int *rc);

/* After the options: one ceremony operand (else usage, 64), read, loaded
 * and checked; with --token, a ceremony that does not declare the pkcs11
 * engine is refused with its reason (64).  0, 64, 65, 66 or 74. */
int	run_prepare(struct run_ctx *x, const struct cmd_entry *cmd, int argc,
	    char **argv);

/* Without --batch, standard input and output must be a terminal: 0 or
 * 64 (said). */
int	run_check_terminal(const struct run_ctx *x);

/* Before running: the --set names (65), the answers file (rehearsal:
 * PINs allowed).  0 or an exit status. */
int	run_setup(struct run_ctx *x, int rehearsal);

/* Fills the ceremony part of ro and its engine (--token: pkcs11),
 * zeroing the rest. */
void	run_opts_init(const struct run_ctx *x, struct runner_opts *ro);

/* Runs the ceremony: the wizard (to: its options, sets filled in here)
 * or, with --batch, the batch loop.  Returns the exit status. */
int	run_front(struct run_ctx *x, struct runner_opts *ro,
	    struct tui_opts *to, const struct batch_value *presets,
	    size_t npresets, int pin_fd);

void	run_ctx_free(struct run_ctx *x);

#endif
