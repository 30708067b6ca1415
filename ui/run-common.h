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
struct runner_opts;

struct run_ctx {
	const char		*path;		/* the ceremony file */
	char			*buf;
	size_t			 len;
	struct ceremony		*c;
	uint8_t			 sha256[32];
	const char		*answers_path;
	struct answers		*answers;
	struct batch_value	*sets;
	size_t			 nsets;
};

/* Reads, loads and checks the ceremony (1 MiB at most); prints every
 * diagnostic as `keyrite lint' does.  0, 65, 66 or 74. */
int	run_load_ceremony(struct run_ctx *x, const char *path);

/* Adds a --set NAME=VALUE (the strings stay argv's).  0 or 64. */
int	run_add_set(struct run_ctx *x, char *arg);

/* Checks the --set names against the ceremony: 0 or 65. */
int	run_check_sets(const struct run_ctx *x);

/* Reads the answers file (secure memory: it may hold PINs), parses it
 * (pins allowed when rehearsal) and checks it against the ceremony.  0,
 * 65, 66 or 74. */
int	run_load_answers(struct run_ctx *x, const char *path, int rehearsal);

/* Opens the runner with ro (on_event and operator filled in here) and
 * runs the batch loop.  Returns the exit status. */
int	run_batch(struct run_ctx *x, struct runner_opts *ro,
	    const struct batch_value *presets, size_t npresets, int pin_fd);

void	run_ctx_free(struct run_ctx *x);

#endif
