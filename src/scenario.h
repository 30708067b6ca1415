/* SPDX-License-Identifier: ISC */
/*
 * scenario.h: fault injection for a rehearsal scenario (`keyrite rehearse
 * --scenario NAME', keyrite-ceremony(5) section Scenarios).
 *
 * Faults act on the rehearsal's world, never on the runner's checks: a
 * byte of a file on the medium is changed, a card file is damaged or
 * removed, the module is left in a mode, the clock jumps, the PIN a
 * custodian gives is replaced by a wrong one, the process dies.  The
 * checks that then fail are the ones a live ceremony runs.
 *
 * The sandbox opens the scenario (its state lives in the sandbox, so a
 * kept sandbox that is resumed remembers what fired: each fault fires once,
 * wrong-pin `times' times) and tells it where the media are; the runner
 * consults it at the moments a fault can strike and writes a
 * `fault-injected' log entry for each fault that fired (for the trainer;
 * nothing is shown to the trainee unless the scenario says `announce', in
 * which case the runner also shows it as a RUNNER_EV_FAULT event).
 *
 * A fault is due once the runner has reached its `step' (at or after it),
 * or from the start when it names none.  When it strikes:
 *   tampered-toolset, wrong-region-package, tampered-kek-package,
 *   wrong-mode, clock-skew, wrong-profile (the service expects its other
 *   wrapping profile), tampered-package (a byte of the wrapped key on the
 *   medium changed, once it exists): before the step starts
 *   (scenario_step_begin);
 *   damaged-card, missing-card: then, or before a card is presented, as
 *   soon as the card's file exists (scenario_card);
 *   wrong-pin: when card N is presented (scenario_wrong_pin);
 *   power-loss: after the step's start is logged (inside) or after it is
 *   over and its progress saved (after) (scenario_power_loss).
 *
 * A library module: it prints nothing; scenario_power_off() is the one
 * function that does not return (a rehearsed power cut).
 */
#ifndef KR_SCENARIO_H
#define KR_SCENARIO_H

#include <stddef.h>

#include "ceremony.h"

struct engine;
struct engine_ops;
struct kr_err;
struct scenario;

/* The files a sandbox made that faults act on. */
enum scenario_media {
	SCENARIO_TOOLSET,	/* the region's toolset on the medium */
	SCENARIO_KEK_PKG,	/* the region's KEK package on the medium */
	SCENARIO_WORLD_PKG,	/* its Security World package */
	SCENARIO_ALT_KEK_PKG,	/* another region's packages (in the vault) */
	SCENARIO_ALT_WORLD_PKG,
	SCENARIO_KEK_FILE,	/* the current method's KEK public key */
	SCENARIO_SERVICE,	/* a wrapping profile's service record */
	SCENARIO_ALT_SERVICE,	/* the same for the service's other profile */
	SCENARIO_PACKAGE,	/* the wrapped key, once the ceremony made it */
	SCENARIO_MEDIA_COUNT
};

/* A fault that fired, for the log entry (and the trainer's screen when
 * its scenario announces it). */
struct scenario_fired {
	const char	*fault;		/* its name: "wrong-pin" */
	int		 card;		/* 0: none */
	int		 announce;	/* shown as it strikes (the fault's
					   `announce', else its scenario's) */
	char		 detail[256];
};

#define SCENARIO_FIRED_MAX	8

/* The module the faults act on (modes, card files). */
struct scenario_env {
	const struct engine_ops	*ops;
	struct engine		*eng;
};

/*
 * Opens the scenario sc of ceremony c for the sandbox dir: its state file
 * (dir/scenario.state) is read when it exists (a resumed sandbox; a
 * clock-skew that fired is applied again).  KR_EDATA when the sandbox was
 * made for another scenario.  Returns 0 and *out, or a KR_E code.
 */
int	scenario_open(const struct ceremony *c,
	    const struct ceremony_scenario *sc, const char *dir,
	    struct scenario **out, struct kr_err *e);
void	scenario_free(struct scenario *s);

const struct ceremony_scenario *scenario_def(const struct scenario *s);

/* 1 when sc has a fault of kind k (the sandbox makes another region's
 * packages for wrong-region-package). */
int	scenario_has(const struct ceremony_scenario *sc,
	    enum ceremony_fault_kind k);

/* The sandbox records where a file is; scenario_save writes the state. */
int	scenario_set_media(struct scenario *s, enum scenario_media m,
	    const char *path, struct kr_err *e);
int	scenario_save(struct scenario *s, struct kr_err *e);

/*
 * Before step index `step' starts: applies the faults due (see above),
 * saves the state, and lists what fired in out (*n of at most
 * SCENARIO_FIRED_MAX).  Returns 0 or a KR_E code.
 */
int	scenario_step_begin(struct scenario *s, const struct scenario_env *env,
	    size_t step, struct scenario_fired *out, size_t *n,
	    struct kr_err *e);

/* Before a card is presented at step index `step': damaged-card and
 * missing-card faults due whose card file exists now. */
int	scenario_card(struct scenario *s, const struct scenario_env *env,
	    size_t step, struct scenario_fired *out, size_t *n,
	    struct kr_err *e);

/* 1 (and *out filled, the count saved) when card `card' presented at step
 * index `step' is to get a wrong PIN this time; 0 when not; < 0 on error. */
int	scenario_wrong_pin(struct scenario *s, size_t step, int card,
	    struct scenario_fired *out, struct kr_err *e);

/* A PIN no card has: what a wrong-pin fault gives instead of the right
 * one (no secret). */
extern const char scenario_bad_pin[];

/* 1 (and *out, the state saved as fired) when the power fails now: inside
 * step index `step' (after its step-start entry) or after it (inside 0). */
int	scenario_power_loss(struct scenario *s, size_t step, int inside,
	    struct scenario_fired *out, struct kr_err *e);

/* The power cut: SIGKILL to the process itself.  Does not return. */
void	scenario_power_off(void) __attribute__((noreturn));

#endif
