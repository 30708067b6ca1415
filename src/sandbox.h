/* SPDX-License-Identifier: ISC */
/*
 * sandbox.h: the throwaway world of a rehearsal (`keyrite rehearse').
 *
 * A sandbox directory (0700) holds what a rehearsal makes.  It is, by
 * default, a new folder <base>/<ceremony id>-<YYYY-MM-DD>-<n> (base
 * "keyrite-rehearsals" in the current directory, n the first number free)
 * that is kept; the --keep directory, kept; or, to be discarded, a fresh
 * mkdtemp under $TMPDIR removed by sandbox_destroy.  It holds:
 *
 *   module/      the built-in module's state
 *   vault/       a receiving vault made by vault_init (legacy method: only
 *                the ceremony's region when it is known) and, for a
 *                ceremony with a kek_file parameter, a KEK by
 *                vault_kek_create
 *   media/       what the custodians carry: the region's toolset zip and
 *                its KEK and Security World packages, under the names the
 *                ceremony's region table gives them
 *   out/         artifacts, the log (out/<ceremony id>.log), the transcript
 *   sandbox.env  the overrides and presets below, so that a kept sandbox
 *                can be resumed (no secrets in it)
 *   scenario.state  with --scenario: the media the faults act on and
 *                what fired already (scenario.h)
 *
 * sandbox_create makes only the directories (cheap: the wizard's first
 * screen comes before any expensive work); sandbox_prepare makes the vault
 * and the media for the parameters chosen by then, once, when the run
 * first needs them (rehearse calls it from the runner's sandbox_value
 * hook).
 *
 * Overrides stand in for the published values: "root_hash" is the vault's
 * root hash; "regions.<id>.toolset_sha256" the sandbox toolset's SHA-256
 * for every region the vault made.  Presets are parameter values the
 * sandbox knows (kek_file, kek_id, kek_sha256 of the sandbox KEK); an
 * answers file or --set wins over them.
 *
 * A library module: it prints nothing.
 */
#ifndef KR_SANDBOX_H
#define KR_SANDBOX_H

#include <limits.h>
#include <stddef.h>

#include "runner.h"

struct ceremony;
struct ceremony_scenario;
struct kr_err;
struct scenario;

struct sandbox_opts {
	const struct ceremony	*c;
	const char		*keep_dir;	/* NULL: a new folder under base */
	const char		*base_dir;	/* NULL: "keyrite-rehearsals" */
	int			 discard;	/* a temporary directory, removed */
	/* A parameter's value known before the run (--set, the answers
	 * file), or NULL: the sandbox then uses the parameter's default. */
	const char		*(*param)(void *arg, const char *name);
	void			*param_arg;
	/* The scenario rehearsed, or NULL.  The sandbox opens its fault
	 * injector (scenario.h) and tells it where the media are; for
	 * wrong-region-package the vault also makes another region. */
	const struct ceremony_scenario *scenario;
};

struct sandbox {
	char			 dir[PATH_MAX];
	char			 state_dir[PATH_MAX];
	char			 vault_dir[PATH_MAX];
	char			 media_dir[PATH_MAX];
	char			 out_dir[PATH_MAX];
	char			 log_path[PATH_MAX];
	int			 keep;		/* do not remove at the end */
	int			 resumed;	/* a kept sandbox reused */
	struct runner_override	*overrides;
	size_t			 noverrides;
	struct runner_override	*presets;	/* key: a parameter's name */
	size_t			 npresets;
	struct scenario		*faults;	/* for runner_opts.faults, or NULL */
	int			 prepared;	/* vault, media, pairs made */
	struct sandbox_opts	 o;		/* as created */
};

/* A parameter's value as the sandbox sees it: the caller's answer, else the
 * ceremony's default, else NULL. */
const char *sandbox_param(const struct sandbox_opts *o, const char *name);

/*
 * Makes the sandbox's directories (or reuses a kept one that
 * sandbox_create made before: it holds sandbox.env).  A --keep directory must be missing, empty, or
 * such a sandbox: KR_ECANTCREAT otherwise.  Returns 0 and *out, or a KR_E
 * code with a message; on failure a temporary directory is removed.
 */
int	sandbox_create(const struct sandbox_opts *o, struct sandbox **out,
	    struct kr_err *e);

/* Makes the vault, the media, the overrides and presets once (0 at once
 * when made already), for the parameter values param gives (NULL: the
 * creation's).  Returns 0 or a KR_E code with a message. */
int	sandbox_prepare(struct sandbox *sb,
	    const char *(*param)(void *arg, const char *name), void *arg,
	    struct kr_err *e);

/* 1 when every parameter the sandbox is made from (region, kek_name,
 * vault_name, kek_file: those the ceremony has) has a value from param. */
int	sandbox_ready(const struct sandbox *sb,
	    const char *(*param)(void *arg, const char *name), void *arg);

/* 1 when the sandbox gives parameter name a value (a preset). */
int	sandbox_provides(const struct sandbox *sb, const char *name);

/* An override or a preset of a prepared sandbox, or NULL. */
const char *sandbox_override(const struct sandbox *sb, const char *key);
const char *sandbox_preset(const struct sandbox *sb, const char *name);

/* Removes the directory unless keep, and frees; NULL is fine.  Returns 0
 * or the code of a failed removal (the sandbox is freed anyway). */
int	sandbox_destroy(struct sandbox *sb, struct kr_err *e);

#endif
