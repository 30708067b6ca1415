/* SPDX-License-Identifier: ISC */
/*
 * batch.h: the batch front end.  It drives a runner to the end without a
 * terminal: every prompt is answered from the --set values, the answers
 * file, presets (a rehearsal's sandbox) or a parameter's default, and PINs
 * from a descriptor (--pin-fd, one per line, in the order the runner asks)
 * or, in a rehearsal, from the answers file.  Every runner event is printed
 * as one line on standard output ("[verify-toolset] Result: SUCCESS").
 *
 * Exit statuses: 0 sealed (the summary printed); 65 a missing or invalid
 * answer, naming the parameter (or role, card) and the step; 1 a failed
 * step with no exception in the answers file, or a failed ceremony; others
 * from the runner's error code (75 locked, 74 I/O).
 */
#ifndef KR_BATCH_H
#define KR_BATCH_H

#include <stddef.h>
#include <stdio.h>

struct answers;
struct ceremony;
struct runner;
struct runner_event;

/* A NAME=VALUE pair (--set, a sandbox preset). */
struct batch_value {
	const char	*name;
	const char	*value;
};

struct batch_opts {
	const struct ceremony	*c;
	const struct answers	*answers;	/* required */
	const struct batch_value *sets;		/* --set: wins over all */
	size_t			 nsets;
	const struct batch_value *presets;	/* below the answers file */
	size_t			 npresets;
	int			 pin_fd;	/* -1: PINs from the answers */
	FILE			*out;		/* events, summary */
};

/* The value a parameter gets in batch mode before its default: --set,
 * then the answers file, then a preset; NULL when none. */
const char *batch_param_value(const struct batch_opts *o, const char *name);

/* Runs the ceremony to its end.  Returns the exit status after printing
 * why on standard error. */
int	batch_run(struct runner *r, const struct batch_opts *o);

/* The runner's on_event callback; arg is the FILE * to print on. */
void	batch_on_event(void *arg, const struct runner_event *ev);

#endif
