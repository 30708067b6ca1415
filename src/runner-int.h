/* SPDX-License-Identifier: ISC */
/*
 * runner-int.h: the runner's state, shared by runner*.c only.
 *
 * Invariants: w is the only audit writer and only runner*.c use it; pins[]
 * (secure heap) hold new-card PINs for one attempt of one step and are
 * cleansed when the attempt ends; q is a quorum session that lives until
 * the step (and its checkpoint) is over.
 */
#ifndef KR_RUNNER_INT_H
#define KR_RUNNER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "runner.h"
#include "step-ctx.h"

struct audit_writer;
struct audit_fingerprints;
struct audit_cosig;

/* Where a step is in its life. */
enum runner_phase {
	PH_PARAMS,		/* resolve parameters, check requires */
	PH_OPTIONAL,		/* optional: ACK or "skip" */
	PH_RUN,			/* run(ctx) until it is done */
	PH_DECISION,		/* failed: retry, exception, abort */
	PH_SIGNOFF,
	PH_CHECKPOINT,
	PH_NEXT,		/* record and move on */
};

/* The details of a step-result "skipped" the runner writes for a step
 * that ends without sign-offs (skipped by the operator, not chosen, not
 * applicable to the engine); a step whose own run was skipped (a live
 * run's vault-import) has its sign-offs asked, and a resume tells the two
 * apart by these (runner-resume.c). */
#define RUNNER_SKIP_OPERATOR		"skipped by the operator"
#define RUNNER_SKIP_NOT_CHOSEN		"not chosen: "
#define RUNNER_SKIP_NOT_APPLICABLE	"not applicable: "

/* How a step ended, for `requires' and resume. */
enum runner_status {
	ST_NONE = 0,
	ST_OK,			/* ok or warning */
	ST_SKIPPED,
	ST_EXCEPTION,		/* failed, exception recorded: counts as done */
	ST_FAILED,		/* failed, on_failure: continue */
};

struct runner_artifact {
	char	*name;
	char	 sha256[65];
};

struct runner {
	struct runner_opts	 o;
	const struct ceremony	*c;
	const struct engine_ops	*ops;
	struct engine		*eng;
	struct audit_writer	*w;
	char			 progress_path[4096];
	char			 key_dir[4096];	/* <state>/audit: the live chain key */
	int			 log_lock;	/* audit_log_lock's fd, or -1 */

	/* parameters */
	char			**values;	/* per c->params; NULL: unset */
	unsigned char		*logged;	/* parameter-set written */
	int			 probe;		/* lookup: record, don't fail */
	int			 display;	/* lookup: placeholders for unset */
	int			 previewed;	/* runner_preview done this attempt */
	char			 grouped[80];	/* display: a hash in groups */
	const char		*missing;	/* probe: first unset parameter */
	char			*scratch;	/* lookup result */

	/* steps */
	size_t			 cur;
	enum runner_phase	 phase;
	enum runner_status	*status;	/* per c->steps */
	size_t			 nsignoff;	/* sign-offs given */
	struct step_ctx		 ctx;
	int			 started;	/* step-start logged */
	int			 blocked;	/* a `requires' failed */
	int			 optional_ok;	/* optional: run it */
	char			 decision_msg[KR_ERR_MSG_MAX];
	int			 decision_code;	/* the failed step's KR_E code */
	/* A policy refusal that a recorded exception may waive
	 * (step_fail_waivable): its code while the decision is asked; then,
	 * once the exception is recorded, its reason for the step's next
	 * attempts (step_waiver).  Both cleared when the step ends. */
	char			 waivable[32];
	char			 waiver[KR_ERR_MSG_MAX];
	const struct ceremony_param *param;	/* the PARAM asked */
	enum runner_need	 last_need;	/* the last prompt */
	int			 acked, confirmed;
	char			*ask_expect;
	enum runner_need	 ask;		/* what run wants, 0: nothing */
	int			 ask_card, ask_k, ask_n, ask_min;
	char			 message[KR_ERR_MSG_MAX]; /* for the next prompt */
	int			 failed_code;
	char			**args;		/* expanded strings of the attempt */
	size_t			 nargs;

	/* new-world PINs */
	uint8_t			*pins[ENGINE_MAX_CARDS];
	size_t			 pinlen[ENGINE_MAX_CARDS];
	struct engine_pin	 pinv[ENGINE_MAX_CARDS];
	int			 npins;
	char			 ask_attempt[256];	/* why they are an
							   interrupted attempt's, or "" */
	/* new-world adopting a token: its current SO PIN (ask_card 0) */
	uint8_t			*token_pin;
	size_t			 token_pinlen;
	struct engine_pin	 token_pinv;
	char			 ask_token[128];	/* what is asked, for the prompt */

	/* quorum */
	struct engine_quorum	*q;
	int			 qcards[ENGINE_MAX_CARDS];
	int			 nq;
	/* Wrong PINs per card in the step wrong_step - 1 (runner-quorum.c). */
	int			 wrong_pins[ENGINE_MAX_CARDS + 1];
	size_t			 wrong_step;
	/* Wrong PINs at a resume's card prompt, logged after the resume
	 * entry (runner-tries.c). */
	int			 resume_wrong[ENGINE_MAX_CARDS + 1];
	/* The card whose last PIN try was just used up inside a step's run:
	 * step_need_quorum then fails the step (0: none). */
	int			 pins_out;
	int			 have_policy;	/* world-created is in the log */
	int			 k, n;
	char			 world_before[ENGINE_HEX256 + 1];
	int			 world_before_set;

	/* resume */
	int			 resume_pending; /* cards needed before resuming */
	int			 resumed_step;	/* cur was started before the resume */
	char			 interrupted[128]; /* the step started but not
						   finished before the crash */
	/* +1: the last finished step, whose sign-offs (or checkpoint) the
	 * log does not hold yet: the run goes on there (runner-resume.c) */
	size_t			 resume_signoff;

	uint64_t		 log_entries;	/* of the log being resumed */

	/* the genesis fingerprint of a log being resumed (from its check) */
	uint8_t			 genesis[32];
	int			 have_genesis;

	/* rehearsal: the clock seen at the last step's start (0: none) */
	long long		 clock_seen;

	/* end */
	/* the rehearsal report's failed step ("step 'x' failed: ..."), or "" */
	char			 report_end[KR_ERR_MSG_MAX + 200];
	struct runner_artifact	*arts;
	size_t			 narts;
	int			 done, dead;
	char			*summary;
	char			 fail_msg[KR_ERR_MSG_MAX];
	int			 fail_code;	/* KR_E code of a fatal error, or 0 */

	/* prompt strings (valid until the next call) */
	char			*p_title, *p_instr, *p_help, *p_def;
	char			*p_holders;	/* the prompt's card holders */
};

/* runner-params.c */
int	runner_params_init(struct runner *r, struct kr_err *e);
void	runner_params_free(struct runner *r);
int	runner_expand(struct runner *r, const char *tmpl, char **out,
	    struct kr_err *e);
/* Expanded for showing: a parameter not known yet is a placeholder
 * "<name, asked at step N>"; malloc'd, the template itself if it cannot
 * be expanded, NULL for NULL or on OOM. */
char	*runner_expand_display(struct runner *r, const char *tmpl);
/* The first parameter step s uses that is not set yet, or NULL. */
const struct ceremony_param *runner_step_missing(struct runner *r,
	    const struct ceremony_step *s);
/* Tells the rehearsal sandbox that step s is about to run. */
void	runner_sandbox_step(struct runner *r, const struct ceremony_step *s);
/* A parameter's default: the rehearsal sandbox's value, else the
 * ceremony's (runner_opts.sandbox_value). */
const char *runner_param_default(struct runner *r,
	    const struct ceremony_param *pm);
int	runner_param_store(struct runner *r, const struct ceremony_param *p,
	    const char *value, struct kr_err *e);
/* Logs parameter-set for values not logged yet. */
int	runner_params_flush(struct runner *r, struct kr_err *e);

/* runner-quorum.c */
int	runner_card_answer(struct runner *r, const char *step,
	    const struct runner_answer *a, struct kr_err *e);
void	runner_quorum_end(struct runner *r);
int	runner_quorum_ready(struct runner *r);
int	runner_cosign(void *arg, const uint8_t *note, size_t len,
	    struct audit_cosig *out, size_t max, size_t *n, struct kr_err *e);
/* Wrong PINs a card may still have in the current step (runner-quorum.c). */
#define RUNNER_PIN_TRIES	3
int	runner_card_tries_left(struct runner *r, int card);
int	runner_card_def(struct runner *r, int *index);

/* runner-resume.c */
int	runner_progress_save(struct runner *r, struct kr_err *e);
int	runner_progress_load(struct runner *r, uint64_t entries,
	    struct kr_err *e);
/* KR_EFAIL when the verified log ended aborted: that is final. */
int	runner_log_final(struct runner *r, uint64_t entries, struct kr_err *e);

/* runner-tries.c: the PIN-try count of the step a resumed run goes on
 * at (r->cur), from the log's wrong PINs and the progress file's; and
 * the wrong PINs of the resume's card prompt, logged after the resume. */
int	runner_tries_load(struct runner *r, uint64_t entries,
	    struct kr_err *e);
int	runner_tries_log_resume(struct runner *r, struct kr_err *e);

/* runner-summary.c */
int	runner_add_artifact(struct runner *r, const char *name,
	    const char *sha256);
int	runner_finish(struct runner *r, const struct audit_fingerprints *fp,
	    struct kr_err *e);

/* runner-fault.c: a rehearsal scenario's faults, through scenario.h */
int	runner_fault_step(struct runner *r, const struct ceremony_step *s,
	    struct kr_err *e);
int	runner_fault_card(struct runner *r, const char *step, const char *path,
	    int *wrong_pin, struct kr_err *e);
int	runner_fault_power(struct runner *r, const struct ceremony_step *s,
	    int inside, struct kr_err *e);
/* 1 when the clock went back since the last step started (the message
 * in decision_msg, a note logged), 0 when not, < 0 on error. */
int	runner_clock_back(struct runner *r, const struct ceremony_step *s,
	    struct kr_err *e);
/* The number (1..n) of the card whose file is path, or 0. */
int	runner_card_of(struct runner *r, const char *path);

/* runner-report.c: report.md in out_dir at the end of a rehearsal;
 * returns as runner_write_report(). */
int	runner_report(struct runner *r);

/* runner-choice.c: `when:' steps.  The parameter a step's `when' needs
 * and is not set yet, or NULL; 1 when s is an alternative not chosen;
 * logging a step that was not chosen (start and skipped, with the reason)
 * and the note on a chosen one. */
const struct ceremony_param *runner_when_missing(struct runner *r,
	    const struct ceremony_step *s);
int	runner_not_chosen(struct runner *r, const struct ceremony_step *s);
int	runner_skip_not_chosen(struct runner *r, const struct ceremony_step *s,
	    struct kr_err *e);
int	runner_chosen_note(struct runner *r, const struct ceremony_step *s,
	    struct kr_err *e);

/* runner-step.c */
void	runner_emit(struct runner *r, enum runner_event_kind kind,
	    const char *step, const char *text, const char *sha256);
void	runner_attempt_end(struct runner *r);
/* The holder of card `card' as named by the new-world step's `holders'
 * (runner-quorum.c): 1 and out set, or 0. */
/* The new-world step's `holders' expanded ("Ann Smith, Bob Jones, ..."),
 * malloc'd, or NULL when the ceremony names none. */
char	*runner_card_holders(struct runner *r);
/* Shows the command of an optional show-command step before it is run or
 * skipped (once per attempt). */
void	runner_preview(struct runner *r, const struct ceremony_step *s);
/* Keeps s (malloc'd) until the attempt ends: 0, or KR_ENOMEM (s freed). */
int	runner_keep_arg(struct runner *r, char *s);
const char *runner_actor(const struct runner *r);

#endif
