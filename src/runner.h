/* SPDX-License-Identifier: ISC */
/*
 * runner.h: the ceremony state machine, the heart of keyrite.
 *
 * Pull style.  A front end (the curses wizard, batch mode, the tests) asks
 * runner_next() what is needed now and gets a struct runner_prompt of plain
 * data to show; it answers with runner_answer(), which validates the answer
 * and, when a step has all it needs, runs the step, writes the audit log and
 * moves on.  The runner is the only caller of steps and the only writer of
 * the audit log; front ends never include engine.h or audit.h.
 *
 * Order of work: ceremony-start is logged when the runner opens; parameters
 * are asked lazily, before the first step that uses them (directly or
 * through vars and table lookups), unless given beforehand with
 * runner_set_param(); each step then runs: `requires' checked, station
 * announced, step-start logged, the step's questions asked (acknowledge a
 * manual step, type a confirmation for an irreversible one, new PINs,
 * cards), the step performed, step-result and artifacts logged, sign-offs
 * asked, a cosigned checkpoint written when the step has `checkpoint:
 * true'.  A failed check stops the ceremony at that step and asks for a
 * decision: retry, record an exception with a reason (then go on), or
 * abort.  The last step seals the log.
 *
 * Resume: opening a runner on a log that exists and is not sealed continues
 * it (audit resume entry) from the first step not completed; steps detect
 * work already done (a key file that exists with the same parameters) or
 * redo it safely, and say which in the log.
 *
 * Secrets: PINs come in runner_answer as caller-owned buffers and are never
 * kept past the call, logged, or copied into a prompt or message.
 */
#ifndef KR_RUNNER_H
#define KR_RUNNER_H

#include <stddef.h>
#include <stdint.h>

struct ceremony;
struct ceremony_step;
struct ceremony_scenario;
struct kr_err;
struct scenario;
struct runner;

enum runner_need {
	RUNNER_NEED_PARAM = 1,	/* a parameter value: name, prompt, help, def */
	RUNNER_NEED_ACK,	/* a manual step: confirm it is done */
	RUNNER_NEED_CONFIRM,	/* an irreversible step: type `expect' to go on */
	RUNNER_NEED_NEW_PIN,	/* new-world: the PIN for new card `card' of `n'
				   (card 0: the token PIN `token_pin' says) */
	RUNNER_NEED_CARD,	/* present a card: its path (def) and its PIN */
	RUNNER_NEED_SIGNOFF,	/* role `name' confirms the step: the person */
	RUNNER_NEED_DECISION,	/* the step failed (`message'): retry, exception, abort */
	RUNNER_DONE,		/* sealed; `summary' holds the paper minutes */
	RUNNER_FAILED,		/* stopped for good; `message' says why */
};

enum runner_decision {
	RUNNER_RETRY = 1,
	RUNNER_EXCEPTION,	/* go on; answer.value is the reason */
	RUNNER_ABORT,
};

/* Plain data for display.  Pointers stay valid until the next call into
 * the runner. */
struct runner_prompt {
	enum runner_need		 need;
	const struct ceremony_step	*step;		/* NULL before the first step */
	size_t				 step_index;	/* position in c->steps */
	const char			*station;	/* the step's station or NULL */
	const char			*title;		/* the step's title, expanded */
	const char			*instructions;	/* expanded, or NULL */
	const char			*name;		/* PARAM: parameter; SIGNOFF: role */
	const char			*prompt;	/* PARAM: the question */
	const char			*help;		/* expanded help, or NULL */
	const char			*def;		/* a default answer, or NULL */
	const char			*expect;	/* CONFIRM: the text to type */
	const char			*message;	/* the last attempt's error ("card 2: wrong PIN"), the failure, or NULL */
	int				 card;		/* NEW_PIN: card number; CARD: 0 (any) */
	const char			*token_pin;	/* NEW_PIN with card 0: not a card's
							   PIN but a token's PIN that exists
							   (new-world adopting a PKCS#11 token):
							   "the current SO PIN of token 'x'"; its
							   holders type it once under witness */
	const char			*attempt_pins;	/* NEW_PIN with a card: the PINs
							   must be those of an interrupted
							   attempt's cards (a token it
							   initialised): why, said before
							   they are typed; or NULL */
	int				 def_card;	/* CARD: the card `def' names (the
							   first one not presented yet), or 0 */
	int				 cards_presented, cards_needed; /* CARD */
	int				 pin_pad;	/* CARD: the token has a PIN pad
							   (PKCS#11): the card's PIN is
							   asked as always, the token's own
							   PIN never: it is typed on the
							   reader's pad when the token asks */
	int				 tries_left;	/* CARD: wrong PINs def_card may still
							   have in this step (3 per card per
							   step; a card at 0 is not taken) */
	int				 pin_min;	/* NEW_PIN: the shortest PIN accepted
							   (say it before the PIN is typed) */
	const char			*holders;	/* NEW_PIN, CARD: who holds each card,
							   "Ann Smith, Bob Jones, ..." in card
							   order (new-world's `holders';
							   ceremony_holder() reads one), or
							   NULL */
	int				 quorum_k, quorum_n;
	int				 rehearsal;
	const char			*summary;	/* DONE: the text for the paper minutes */
	int				 code;		/* FAILED: the KR_E code of the error
							   that stopped the runner (an I/O error
							   is KR_EIO), 0 when the ceremony itself
							   failed or was aborted; DECISION: the
							   failed step's code */
};

/* The shortest card PIN a live run takes (a rehearsal may take shorter
 * ones: the prompt's pin_min says what this run takes). */
#define RUNNER_PIN_MIN_LIVE	8

struct runner_answer {
	enum runner_need	 need;		/* the prompt this answers */
	const char		*value;		/* PARAM value, CONFIRM text, SIGNOFF name,
						   CARD path, DECISION reason */
	const uint8_t		*pin;		/* NEW_PIN, CARD: caller-owned, not NUL-terminated */
	size_t			 pin_len;
	enum runner_decision	 decision;	/* DECISION */
	const char		*note;		/* an operator's note on the step, or NULL */
};

/* What happened, for display (batch prints it, the wizard's log pane). */
enum runner_event_kind {
	RUNNER_EV_STEP_START = 1,
	RUNNER_EV_STEP_RESULT,		/* text: "Result: SUCCESS", the failure */
	RUNNER_EV_ARTIFACT,		/* text: path; sha256: hex */
	RUNNER_EV_CARD,			/* text: "card 2: accepted" / the error */
	RUNNER_EV_CHECKPOINT,
	RUNNER_EV_INFO,			/* text: a line to show (a command, a hash) */
	RUNNER_EV_WARNING,
	RUNNER_EV_FAULT,		/* text: a rehearsal fault that struck, shown
					   only when its scenario says `announce' */
};

struct runner_event {
	enum runner_event_kind	 kind;
	const char		*step;		/* step id or NULL */
	const char		*text;
	const char		*sha256;	/* ARTIFACT: hex */
};

/* A value that stands in for another in a rehearsal: a table cell
 * ("regions.europe.toolset_sha256") or "root_hash" for every pinned root. */
struct runner_override {
	const char	*key;
	const char	*value;
};

struct runner_opts {
	const struct ceremony	*c;
	const char		*ceremony_path;
	uint8_t			 ceremony_sha256[32];
	const char		*state_dir;	/* the module's state (engine) */
	const char		*engine;	/* engine_open() name; NULL: "soft" */
	const char		*token;		/* PKCS#11 token URI, or NULL */
	const char		*log_path;	/* the audit log; resumed if it exists */
	const char		*out_dir;	/* artifacts, transcript, summary */
	const char		*media_dir;	/* relative paths in `with:' resolve here */
	const char		*operator_name;	/* the actor of the log */
	int			 rehearsal;
	const struct ceremony_scenario *scenario;	/* or NULL */
	struct scenario		*faults;	/* its injector (scenario.h), or
						   NULL: no fault is injected */
	const char		*vault_dir;	/* vault-import's vault; NULL: skip it */
	const struct runner_override *overrides;
	size_t			 noverrides;
	/* A rehearsal's sandbox, made lazily: asked for an override key
	 * that overrides[] lacks (param 0), for a parameter's default
	 * (param 1, key its name), or told that a step is about to run
	 * (param 2, key its action); NULL when it has no value.  It may read
	 * the values chosen so far with runner_param(). */
	const char		*(*sandbox_value)(void *arg, struct runner *r,
				    const char *key, int param);
	void			*sandbox_arg;
	int			 scrypt_log2n;	/* 0: the engine's default */
	void			(*on_event)(void *arg, const struct runner_event *ev);
	void			*event_arg;
};

/* 0 when ceremony c runs on engine (NULL: "soft"), else KR_EUSAGE with
 * "ceremony 'x' does not run on the pkcs11 engine (it declares: soft):"
 * and the ceremony's engines_note.  runner_open checks it first. */
int	runner_engine_check(const struct ceremony *c, const char *engine,
	    struct kr_err *e);

/* Opens the state directory (locked: KR_ELOCKED when another run holds
 * it), creates or resumes the log.  Returns 0 and *out, or a KR_E code. */
int	runner_open(const struct runner_opts *o, struct runner **out,
	    struct kr_err *e);

/* Sets a parameter before it is asked (--set, an answers file).  KR_EDATA
 * naming the parameter when the value is not valid for it. */
int	runner_set_param(struct runner *r, const char *name, const char *value,
	    struct kr_err *e);

/* A parameter's value once set (--set, an answer), or NULL. */
const char *runner_param(struct runner *r, const char *name);

/* What is needed now.  Runs nothing by itself that needs an answer. */
int	runner_next(struct runner *r, struct runner_prompt *p, struct kr_err *e);

/* Answers the prompt runner_next gave.  An invalid answer (a bad value,
 * a wrong PIN) returns 0 and the next prompt repeats the question with
 * `message' set; a KR_E code means the runner itself could not go on. */
int	runner_answer(struct runner *r, const struct runner_answer *a,
	    struct kr_err *e);

/* A deliberate stop by the operator (the wizard's quit): records it in
 * the log, so that the resume says "stopped by the operator" rather than
 * a crash.  The ceremony stays resumable.  Returns 0 or a KR_E code. */
int	runner_stop(struct runner *r, struct kr_err *e);

/* How a step stands, for display. */
enum runner_step_status {
	RUNNER_STEP_TODO = 0,		/* not run yet (or running now) */
	RUNNER_STEP_DONE,		/* succeeded (or warned) */
	RUNNER_STEP_SKIPPED,
	RUNNER_STEP_EXCEPTION,		/* failed, exception recorded */
	RUNNER_STEP_FAILED,		/* failed, on_failure: continue */
};

/* A read-only view of the runner for drawing: what the log and the
 * progress file say, not a guess.  Strings stay valid until the next call
 * into the runner. */
struct runner_state {
	/* in: an array of c->nsteps entries to fill, or NULL */
	enum runner_step_status	*steps;
	size_t			 cur;		/* the step the runner is at
						   (c->nsteps at the end) */
	int			 mode;		/* the module's mode: 'I', 'O',
						   'M', or 0 when unknown */
	char			 genesis[65];	/* the log's genesis fingerprint
						   (hex), or "" */
	const char		*station;	/* the current step's station, or
						   NULL */
	int			 resume_pending; /* cards needed to resume */
	int			 rehearsal;
};

/* Fills st (st->steps in).  Asks the module its status: call it after
 * runner_next(), not for every frame drawn. */
void	runner_state(struct runner *r, struct runner_state *st);

/* A rehearsal: writes the trainer's report (out_dir/report.md) now, as
 * runner_close() will again.  Returns the number of the trainee's
 * responses that differ from the scenario's expected ones (0 without a
 * scenario), or -1 when no report was written (not a rehearsal). */
int	runner_write_report(struct runner *r);
/* After runner_write_report(): the scenario's step that failed as the log
 * says ("step 'seal-log' failed: card 2: 3 wrong PINs ..., as the
 * scenario expects"), or "" when it did not fail. */
const char *runner_report_end(const struct runner *r);

/* Closes the runner: unlocks, frees the log writer (an unsealed log can be
 * resumed), cleanses what it held.  NULL is fine. */
void	runner_close(struct runner *r);

#endif
