/* SPDX-License-Identifier: ISC */
/*
 * answers.h: the answers file of batch mode (`keyrite run --batch',
 * `keyrite rehearse --batch'), documented in keyrite(1):
 *
 *   operator: NAME                  required: the actor of the log
 *   witnesses: [NAME...]            the witnesses present
 *   signoff: {ROLE: NAME}           who signs off for a role (default:
 *                                   witness = the first witness, operator =
 *                                   the operator)
 *   parameters: {NAME: VALUE}       parameter values (any scalar, as text)
 *   confirm: true                   type every confirmation as expected, or
 *   confirm: {STEP: TEXT}           the text typed for each step
 *   skip: [STEP...]                 optional steps to skip
 *   exceptions: {STEP: REASON}      a failed step goes on, this recorded
 *   notes: {STEP: TEXT}             an operator's note on a step
 *   cards: [1, 2]                   the cards to present, in order
 *   pins: [PIN...]                  rehearsal only: pins[i] is card i+1's
 *
 * answers_load_buffer() takes a buffer (no I/O) and reports every problem
 * as FILE:LINE:COL in a diagnostics list.  PINs are copied into secure
 * memory at once, their text in the parse buffers wiped, and are never
 * part of a message; answers_free() cleanses them.  The caller should read
 * the file itself with kr_read_file_secure when it may hold PINs.
 */
#ifndef KR_ANSWERS_H
#define KR_ANSWERS_H

#include <stddef.h>
#include <stdint.h>

#include "ceremony.h"		/* struct ceremony_loc */

struct ceremony;
struct kr_arena;
struct diag_list;

#define ANSWERS_MAX_SIZE	(256 * 1024)
#define ANSWERS_PIN_MAX		256	/* bytes of one PIN */
#define ANSWERS_MAX_PINS	CEREMONY_QUORUM_MAX

/* A NAME: VALUE pair with the position of its key. */
struct answers_kv {
	const char		*key;
	const char		*value;
	struct ceremony_loc	 loc;
	struct ceremony_loc	 value_loc;
};

struct answers_pin {
	uint8_t		*pin;		/* secure memory, ANSWERS_PIN_MAX bytes */
	size_t		 len;
};

struct answers {
	const char		*file;
	const char		*operator_name;
	const char		**witnesses;
	size_t			 nwitnesses;
	struct answers_kv	*signoff, *params, *confirm, *exceptions, *notes;
	size_t			 nsignoff, nparams, nconfirm, nexceptions, nnotes;
	int			 confirm_all;	/* confirm: true */
	struct answers_kv	*skip;		/* value NULL */
	size_t			 nskip;
	int			 cards[CEREMONY_QUORUM_MAX];
	size_t			 ncards;
	struct answers_pin	 pins[ANSWERS_MAX_PINS];
	size_t			 npins;
	struct ceremony_loc	 pins_loc;

	struct kr_arena	*arena;		/* private */
};

/*
 * Parses an answers file from buf (len bytes, at most ANSWERS_MAX_SIZE).
 * allow_pins is set for `keyrite rehearse'; otherwise a `pins' key is an
 * error naming its line.  Every problem goes to dl (initialised by the
 * caller with diag_init(dl, name)).  Returns 0 and *out, KR_EDATA (dl holds
 * an error) or KR_ENOMEM.  *out is set only on success.
 */
int	answers_load_buffer(const char *name, const char *buf, size_t len,
	    int allow_pins, struct answers **out, struct diag_list *dl);

/*
 * Checks the answers against a ceremony: parameter names, step ids in
 * confirm, skip, exceptions and notes (skip: optional steps only), card
 * numbers against the largest possible quorum, roles in signoff.  Adds
 * errors to dl; returns 0 or KR_EDATA.
 */
int	answers_check(const struct answers *a, const struct ceremony *c,
	    struct diag_list *dl);

/* Frees the answers and cleanses the PINs; NULL is fine. */
void	answers_free(struct answers *a);

/* Lookups: the value for a key, or NULL. */
const char *answers_param(const struct answers *a, const char *name);
const char *answers_confirm(const struct answers *a, const char *step);
const char *answers_exception(const struct answers *a, const char *step);
const char *answers_note(const struct answers *a, const char *step);
/* The person who signs off for role: the signoff map, else the defaults
 * (witness: the first witness, operator: the operator), else NULL. */
const char *answers_signoff(const struct answers *a, const char *role);
int	answers_skips(const struct answers *a, const char *step);

#endif
