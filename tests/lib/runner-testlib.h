/* SPDX-License-Identifier: ISC */
/*
 * runner-testlib.h: a sandbox and a scripted driver for test-runner.c:
 * the runner is driven through runner.h only, answering each prompt from
 * a script.  Failures abort the test (cmocka).
 */
#ifndef KR_RUNNER_TESTLIB_H
#define KR_RUNNER_TESTLIB_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "runner.h"
#include "vault.h"

struct ceremony;

struct sandbox {
	char	 dir[PATH_MAX - 64];
	char	 state[PATH_MAX], out[PATH_MAX], media[PATH_MAX];
	char	 vault[PATH_MAX], log[PATH_MAX];
	char	 root[65], toolset[65], kek_sha[65], kid[VAULT_KID_MAX];
	struct runner_override ov[4];
	size_t	 nov;
};

/* What the driver saw. */
struct seen {
	int	 artifacts, checkpoints, warnings, infos;
	int	 verified;		/* "test signature: verified" */
	int	 success;		/* "Result: SUCCESS" */
	int	 wrong_pin;		/* a CARD prompt said "card N: wrong PIN" */
	int	 decisions;
	int	 resumed;
	char	 last_fail[512];
	char	 last_decision[512];	/* the message of the last DECISION */
};

/* The script: parameter values, steps to skip, decisions in order. */
struct script {
	const char *const	*params;	/* name, value, ..., NULL */
	const char *const	*skip;		/* step ids, NULL-terminated */
	const int		*decisions;	/* 0-terminated */
	const char		*stop_at;	/* return at this step's first prompt */
	int			 wrong_pin_once; /* first CARD of reduce-acl/seal */
	size_t			 ndec;
	struct seen		 seen;
};

/* Answers prompts until DONE, FAILED or stop_at; returns the last need. */
int	 drive(struct runner *r, struct script *sc);
/* A sandbox under $TMPDIR: a vault with the NA region, its toolset and
 * packages on the medium and overrides (legacy), or a vault KEK whose PEM
 * is on the medium (current method). */
void	 sandbox_make(struct sandbox *sb, int legacy);
void	 sandbox_free(struct sandbox *sb);
struct ceremony *load_text(const char *name, const char *text);
struct ceremony *load_shipped(const char *file, uint8_t sha[32]);
void	 opts_init(struct runner_opts *o, const struct ceremony *c,
	    struct sandbox *sb, struct script *sc);
int	 verify_log(const char *path);
int	 file_has(const char *path, const char *needle);
void	 out_file(const struct sandbox *sb, const char *name, char *out,
	    size_t sz);

#endif
