/* SPDX-License-Identifier: ISC */
/*
 * batch.c: the batch front end (batch.h).  A loop over runner_next() and
 * runner_answer(): each prompt kind has one function that finds its answer
 * or says, naming the step, why there is none.
 *
 * A prompt that comes back with `message' set right after we answered the
 * same question means the runner refused our answer: batch mode has no one
 * to ask again, so that ends the run (65 for a value, 1 for a card), except
 * for PINs read from --pin-fd, where the next line is the next attempt.
 *
 * PINs are read into secure memory and cleansed after each answer; they are
 * never printed (a card's line says "(PIN hidden)").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "answers.h"
#include "batch.h"
#include "ceremony.h"
#include "cli.h"
#include "codec.h"
#include "err.h"
#include "runner.h"
#include "secmem.h"

#define CARD_RETRIES	3	/* wrong PINs in a row from --pin-fd */

struct batch {
	const struct batch_opts	*o;
	struct runner		*r;
	uint8_t			*pin;		/* secure, ANSWERS_PIN_MAX + 1 */
	size_t			 pinlen;
	size_t			 pins_read;

	/* the last answer, to see a refusal */
	enum runner_need	 last_need;
	size_t			 last_step;
	char			 last_name[128];
	int			 last_card, last_presented, retries;
	size_t			 noted_step;	/* +1: the note was given */
};

/* Prints s with control characters (but newlines) as '?'. */
static void
put_clean(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		/* C1 (U+0080-009F) and the bidirectional controls (U+200E/F,
		 * U+202A-202E, U+2066-2069, U+061C) show as '?' too */
		if ((p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) ||
		    (p[0] == 0xd8 && p[1] == 0x9c)) {
			fputc('?', f);
			p += 2;
		} else if (p[0] == 0xe2 && ((p[1] == 0x80 && ((p[2] >= 0xaa &&
		    p[2] <= 0xae) || p[2] == 0x8e || p[2] == 0x8f)) ||
		    (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9))) {
			fputc('?', f);
			p += 3;
		} else {
			fputc((*p < 0x20 && *p != '\n') || *p == 0x7f ? '?' :
			    *p, f);
			p++;
		}
	}
}

/* "[step] text", one prefixed line per line of text. */
static void
put_event(FILE *f, const char *step, const char *text)
{
	const char *nl;
	char line[1024];
	size_t n;

	do {
		nl = strchr(text, '\n');
		n = nl != NULL ? (size_t)(nl - text) : strlen(text);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, text, n);
		line[n] = '\0';
		if (step != NULL) {
			fputc('[', f);
			put_clean(f, step);
			fputs("] ", f);
		}
		put_clean(f, line);
		fputc('\n', f);
		text = nl != NULL ? nl + 1 : NULL;
	} while (text != NULL && *text != '\0');
}

void
batch_on_event(void *arg, const struct runner_event *ev)
{
	FILE *f = arg != NULL ? arg : stdout;
	char groups[128], text[1400];
	const char *t = ev->text != NULL ? ev->text : "";

	switch (ev->kind) {
	case RUNNER_EV_ARTIFACT:
		if (ev->sha256 == NULL || kr_hex_group(ev->sha256, 8, 0,
		    groups, sizeof(groups)) < 0)
			snprintf(groups, sizeof(groups), "%s",
			    ev->sha256 != NULL ? ev->sha256 : "?");
		snprintf(text, sizeof(text), "wrote %s sha256 %s", t, groups);
		put_event(f, ev->step, text);
		break;
	case RUNNER_EV_CHECKPOINT:
		snprintf(text, sizeof(text), "checkpoint: %s", t);
		put_event(f, ev->step, text);
		break;
	case RUNNER_EV_WARNING:
		snprintf(text, sizeof(text), "warning: %s", t);
		put_event(f, ev->step, text);
		break;
	default:
		put_event(f, ev->step, t);
		break;
	}
	fflush(f);
}

static const char *
step_id(const struct runner_prompt *p)
{
	if (p->step != NULL && p->step->id.s != NULL)
		return p->step->id.s;
	/* cards asked before any step cosign the resume of a log */
	return p->need == RUNNER_NEED_CARD ? "resume" :
	    "(before the first step)";
}

const char *
batch_param_value(const struct batch_opts *o, const char *name)
{
	const char *v = NULL;
	size_t i;

	for (i = 0; i < o->nsets; i++)		/* the last --set wins */
		if (strcmp(o->sets[i].name, name) == 0)
			v = o->sets[i].value;
	if (v != NULL)
		return v;
	if (o->answers != NULL && (v = answers_param(o->answers, name)) !=
	    NULL)
		return v;
	for (i = 0; i < o->npresets; i++)
		if (strcmp(o->presets[i].name, name) == 0)
			return o->presets[i].value;
	return NULL;
}

static const char *
param_source(const struct batch_opts *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->nsets; i++)
		if (strcmp(o->sets[i].name, name) == 0)
			return "--set";
	if (o->answers != NULL && answers_param(o->answers, name) != NULL)
		return o->answers->file;
	for (i = 0; i < o->npresets; i++)
		if (strcmp(o->presets[i].name, name) == 0)
			return "the rehearsal sandbox";
	return "the default";
}

/* Reads one PIN line from the descriptor into b->pin.  0, or -1 with a
 * reason in why (no PIN text in it). */
static int
read_pin_line(struct batch *b, char *why, size_t whysz)
{
	ssize_t n;
	size_t len = 0;
	uint8_t ch;

	kr_cleanse(b->pin, ANSWERS_PIN_MAX + 1);
	b->pinlen = 0;
	for (;;) {
		n = read(b->o->pin_fd, &ch, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, whysz, "cannot read PINs from fd %d: %s",
			    b->o->pin_fd, strerror(errno));
			return -1;
		}
		if (n == 0) {
			if (len == 0) {
				snprintf(why, whysz, "no more PINs on fd %d "
				    "(%zu read)", b->o->pin_fd, b->pins_read);
				return -1;
			}
			break;
		}
		if (ch == '\n')
			break;
		if (len >= ANSWERS_PIN_MAX) {
			snprintf(why, whysz, "PIN %zu on fd %d is longer than "
			    "%d bytes", b->pins_read + 1, b->o->pin_fd,
			    ANSWERS_PIN_MAX);
			ch = 0;
			return -1;
		}
		b->pin[len++] = ch;
	}
	ch = 0;
	if (len > 0 && b->pin[len - 1] == '\r')
		b->pin[--len] = 0;
	if (len == 0) {
		snprintf(why, whysz, "PIN %zu on fd %d is empty",
		    b->pins_read + 1, b->o->pin_fd);
		return -1;
	}
	b->pinlen = len;
	b->pins_read++;
	return 0;
}

/* The PIN of card (1-based) into b->pin: the descriptor's next line, or
 * the answers file's pins[card - 1]. */
static int
get_pin(struct batch *b, const struct runner_prompt *p, int card,
    const char *what)
{
	const struct answers *a = b->o->answers;
	char why[256];

	if (b->o->pin_fd >= 0) {
		if (read_pin_line(b, why, sizeof(why)) != 0) {
			cli_warnx("step '%s' needs the PIN of %s: %s",
			    step_id(p), what, why);
			return EX_DATAERR;
		}
		return 0;
	}
	if (card < 1 || (size_t)card > a->npins) {
		cli_warnx("step '%s' needs the PIN of %s: not in the answers "
		    "file (%zu PINs)%s", step_id(p), what, a->npins,
		    p->rehearsal ? "" : "; give PINs on --pin-fd");
		return EX_DATAERR;
	}
	kr_cleanse(b->pin, ANSWERS_PIN_MAX + 1);
	memcpy(b->pin, a->pins[card - 1].pin, a->pins[card - 1].len);
	b->pinlen = a->pins[card - 1].len;
	return 0;
}

/* The path of card number `card', from the runner's default path of the
 * next card ("DIR/card-2"): its trailing number replaced. */
static int
card_path(const char *def, int card, char *out, size_t outsz)
{
	size_t n;

	if (def == NULL)
		return -1;
	n = strlen(def);
	while (n > 0 && def[n - 1] >= '0' && def[n - 1] <= '9')
		n--;
	if (n == strlen(def))
		return -1;
	if ((size_t)snprintf(out, outsz, "%.*s%d", (int)n, def, card) >= outsz)
		return -1;
	return 0;
}

/* Was the previous answer refused?  Then this prompt repeats it. */
static int
refused(const struct batch *b, const struct runner_prompt *p)
{
	if (p->message == NULL || b->last_need != p->need ||
	    b->last_step != p->step_index)
		return 0;
	switch (p->need) {
	case RUNNER_NEED_PARAM:
	case RUNNER_NEED_SIGNOFF:
		return p->name != NULL && strcmp(p->name, b->last_name) == 0;
	case RUNNER_NEED_NEW_PIN:
		return p->card == b->last_card;
	case RUNNER_NEED_CARD:
		return p->cards_presented == b->last_presented;
	default:
		return 1;
	}
}

static void
remember(struct batch *b, const struct runner_prompt *p, int card)
{
	if (b->last_need != p->need || b->last_step != p->step_index)
		b->retries = 0;
	b->last_need = p->need;
	b->last_step = p->step_index;
	snprintf(b->last_name, sizeof(b->last_name), "%s",
	    p->name != NULL ? p->name : "");
	b->last_card = card;
	b->last_presented = p->cards_presented;
}

static int
answer_param(struct batch *b, const struct runner_prompt *p,
    struct runner_answer *a)
{
	const char *name = p->name != NULL ? p->name : "?";
	const char *v, *msg;
	char pfx[160];

	if (refused(b, p)) {
		/* the runner's message may name the parameter already */
		msg = p->message;
		snprintf(pfx, sizeof(pfx), "parameter '%s': ", name);
		if (strncmp(msg, pfx, strlen(pfx)) == 0)
			msg += strlen(pfx);
		cli_warnx("parameter '%s' needed by step '%s': %s (value from "
		    "%s)", name, step_id(p), msg, param_source(b->o, name));
		return EX_DATAERR;
	}
	if ((v = batch_param_value(b->o, name)) == NULL && (v = p->def) ==
	    NULL) {
		cli_warnx("parameter '%s' needed by step '%s': not in the "
		    "answers file", name, step_id(p));
		return EX_DATAERR;
	}
	fprintf(b->o->out, "[%s] parameter %s = ", step_id(p), name);
	put_clean(b->o->out, v);
	fprintf(b->o->out, " (%s)\n", param_source(b->o, name));
	a->value = v;
	return 0;
}

static int
answer_ack(struct batch *b, const struct runner_prompt *p,
    struct runner_answer *a)
{
	if (refused(b, p)) {
		cli_warnx("step '%s': %s", step_id(p), p->message);
		return EX_DATAERR;
	}
	if (p->step != NULL && p->step->optional &&
	    answers_skips(b->o->answers, p->step->id.s)) {
		fprintf(b->o->out, "[%s] skipped (%s)\n", step_id(p),
		    b->o->answers->file);
		a->value = "skip";
	}
	return 0;
}

static int
answer_confirm(struct batch *b, const struct runner_prompt *p,
    struct runner_answer *a)
{
	const char *v = NULL;

	if (refused(b, p)) {
		cli_warnx("step '%s': the confirmation was refused: %s",
		    step_id(p), p->message);
		return EX_DATAERR;
	}
	if (p->step != NULL)
		v = answers_confirm(b->o->answers, p->step->id.s);
	if (v == NULL && b->o->answers->confirm_all)
		v = p->expect;
	if (v == NULL) {
		cli_warnx("step '%s' needs the confirmation '%s' typed: not in "
		    "the answers file (confirm: true, or confirm: {%s: TEXT})",
		    step_id(p), p->expect != NULL ? p->expect : "",
		    step_id(p));
		return EX_DATAERR;
	}
	a->value = v;
	return 0;
}

static int
answer_signoff(struct batch *b, const struct runner_prompt *p,
    struct runner_answer *a)
{
	const char *role = p->name != NULL ? p->name : "?";
	const char *v;

	if (refused(b, p)) {
		cli_warnx("step '%s': the sign-off by role '%s' was refused: %s",
		    step_id(p), role, p->message);
		return EX_DATAERR;
	}
	if ((v = answers_signoff(b->o->answers, role)) == NULL) {
		cli_warnx("step '%s' needs a sign-off by role '%s': not in the "
		    "answers file (signoff: {%s: NAME}%s)", step_id(p), role,
		    role, strcmp(role, "witness") == 0 ? " or witnesses: "
		    "[NAME]" : "");
		return EX_DATAERR;
	}
	fprintf(b->o->out, "[%s] signed off for %s by ", step_id(p), role);
	put_clean(b->o->out, v);
	fputc('\n', b->o->out);
	a->value = v;
	return 0;
}

/* new-world adopting a token: its current PIN (p->token_pin says which),
 * read from --pin-fd only: it is no card's, and no answers file holds it. */
static int
answer_token_pin(struct batch *b, const struct runner_prompt *p,
    struct runner_answer *a)
{
	char why[256];

	if (refused(b, p)) {
		cli_warnx("step '%s': %s was refused: %s", step_id(p),
		    p->token_pin, p->message);
		return EX_DATAERR;
	}
	if (b->o->pin_fd < 0) {
		cli_warnx("step '%s' needs %s: give it on --pin-fd (after the "
		    "new cards' PINs)", step_id(p), p->token_pin);
		return EX_DATAERR;
	}
	fprintf(b->o->out, "[%s] %s: typed once by its holders, under "
	    "witness\n", step_id(p), p->token_pin);
	fflush(b->o->out);
	if (read_pin_line(b, why, sizeof(why)) != 0) {
		cli_warnx("step '%s' needs %s: %s", step_id(p), p->token_pin,
		    why);
		return EX_DATAERR;
	}
	fprintf(b->o->out, "[%s] %s: entered (hidden)\n", step_id(p),
	    p->token_pin);
	a->pin = b->pin;
	a->pin_len = b->pinlen;
	return 0;
}

static int
answer_new_pin(struct batch *b, const struct runner_prompt *p,
    struct runner_answer *a)
{
	char what[64];
	int rc;

	if (p->card == 0 && p->token_pin != NULL)
		return answer_token_pin(b, p, a);

	if (refused(b, p) && b->o->pin_fd < 0) {
		cli_warnx("step '%s': the PIN for new card %d was refused: %s",
		    step_id(p), p->card, p->message);
		return EX_DATAERR;
	}
	if (refused(b, p))	/* the next line of --pin-fd is the next try */
		cli_warnx("step '%s': the PIN for new card %d was refused: %s; "
		    "reading the next PIN from fd %d", step_id(p), p->card,
		    p->message, b->o->pin_fd);
	/* A token an interrupted attempt initialised: its cards' PINs, said
	 * before the first is read. */
	if (p->attempt_pins != NULL && p->card == 1) {
		fprintf(b->o->out, "[%s] %s\n", step_id(p), p->attempt_pins);
		fflush(b->o->out);
	}
	/* The rule, before the PIN is read (the runner refuses a shorter
	 * one, with that reason). */
	if (p->pin_min > 0) {
		fprintf(b->o->out, "[%s] new card %d of %d: PIN (at least %d "
		    "characters)\n", step_id(p), p->card, p->quorum_n,
		    p->pin_min);
		fflush(b->o->out);
	}
	snprintf(what, sizeof(what), "new card %d of %d", p->card,
	    p->quorum_n);
	if ((rc = get_pin(b, p, p->card, what)) != 0)
		return rc;
	fprintf(b->o->out, "[%s] new card %d of %d: PIN entered (hidden)\n",
	    step_id(p), p->card, p->quorum_n);
	a->pin = b->pin;
	a->pin_len = b->pinlen;
	return 0;
}

static int
answer_card(struct batch *b, const struct runner_prompt *p,
    struct runner_answer *a, char *path, size_t pathsz, int *cardp)
{
	const struct answers *ans = b->o->answers;
	char what[64];
	int card, rc;

	if (refused(b, p)) {
		/* A custodian whose PIN was refused types it again: from
		 * --pin-fd the next line, in a rehearsal the same answer. */
		if ((b->o->pin_fd < 0 && !(p->rehearsal &&
		    strstr(p->message, "wrong PIN") != NULL)) ||
		    ++b->retries >= CARD_RETRIES) {
			cli_warnx("step '%s' failed: %s", step_id(p),
			    p->message);
			return KR_EXIT_FAILED;
		}
	} else
		b->retries = 0;
	if (p->cards_presented < 0 || p->cards_presented >= CEREMONY_QUORUM_MAX)
		card = 0;
	else if (ans->ncards > 0)
		card = (size_t)p->cards_presented < ans->ncards ?
		    ans->cards[p->cards_presented] : 0;
	else
		card = p->cards_presented + 1;
	if (card == 0) {
		cli_warnx("step '%s' needs %d cards: 'cards' in the answers "
		    "file lists only %zu", step_id(p), p->cards_needed,
		    ans->ncards);
		return EX_DATAERR;
	}
	if (card_path(p->def, card, path, pathsz) != 0) {
		cli_warnx("step '%s': no path for card %d", step_id(p), card);
		return EX_DATAERR;
	}
	snprintf(what, sizeof(what), "card %d", card);
	if ((rc = get_pin(b, p, card, what)) != 0)
		return rc;
	fprintf(b->o->out, "[%s] presenting card %d (%d of %d needed), PIN "
	    "hidden\n", step_id(p), card, p->cards_presented + 1,
	    p->cards_needed);
	if (p->pin_pad && p->cards_presented + 1 == p->cards_needed)
		fprintf(b->o->out, "[%s] PIN pad: the token's PIN is typed on "
		    "the reader's pad when it asks, never here\n", step_id(p));
	a->value = path;
	a->pin = b->pin;
	a->pin_len = b->pinlen;
	*cardp = card;
	return 0;
}

static int
answer_decision(struct batch *b, const struct runner_prompt *p,
    struct runner_answer *a)
{
	const char *reason = NULL;

	if (p->step != NULL)
		reason = answers_exception(b->o->answers, p->step->id.s);
	if (reason == NULL || refused(b, p)) {
		cli_warnx("step '%s' failed: %s", step_id(p),
		    p->message != NULL ? p->message : "(no reason given)");
		/* an I/O error keeps its status (74): the same command
		 * resumes once the disk is fixed */
		return p->code == KR_EIO || p->code == KR_ENOMEM ?
		    kr_exit_status(p->code) : KR_EXIT_FAILED;
	}
	fprintf(b->o->out, "[%s] failed: ", step_id(p));
	put_clean(b->o->out, p->message != NULL ? p->message : "");
	fprintf(b->o->out, "\n[%s] exception recorded: ", step_id(p));
	put_clean(b->o->out, reason);
	fputc('\n', b->o->out);
	a->decision = RUNNER_EXCEPTION;
	a->value = reason;
	return 0;
}

int
batch_run(struct runner *r, const struct batch_opts *o)
{
	struct batch b;
	struct runner_prompt p;
	struct runner_answer a;
	struct kr_err e;
	char path[4096];
	int rc = 0, card;

	memset(&b, 0, sizeof(b));
	b.o = o;
	b.r = r;
	if ((b.pin = kr_secure_malloc(ANSWERS_PIN_MAX + 1)) == NULL) {
		cli_warnx("out of secure memory");
		return EX_IOERR;
	}
	for (;;) {
		kr_err_clear(&e);
		memset(&p, 0, sizeof(p));
		if ((rc = runner_next(r, &p, &e)) != 0) {
			rc = cli_fail(&e);
			break;
		}
		memset(&a, 0, sizeof(a));
		a.need = p.need;
		card = 0;
		switch (p.need) {
		case RUNNER_NEED_PARAM:
			rc = answer_param(&b, &p, &a);
			break;
		case RUNNER_NEED_ACK:
			rc = answer_ack(&b, &p, &a);
			break;
		case RUNNER_NEED_CONFIRM:
			rc = answer_confirm(&b, &p, &a);
			break;
		case RUNNER_NEED_NEW_PIN:
			rc = answer_new_pin(&b, &p, &a);
			card = p.card;
			break;
		case RUNNER_NEED_CARD:
			rc = answer_card(&b, &p, &a, path, sizeof(path), &card);
			break;
		case RUNNER_NEED_SIGNOFF:
			rc = answer_signoff(&b, &p, &a);
			break;
		case RUNNER_NEED_DECISION:
			rc = answer_decision(&b, &p, &a);
			break;
		case RUNNER_DONE:
			if (p.summary != NULL) {
				fputc('\n', o->out);
				put_clean(o->out, p.summary);
				if (p.summary[0] != '\0' &&
				    p.summary[strlen(p.summary) - 1] != '\n')
					fputc('\n', o->out);
			}
			rc = 0;
			goto out;
		case RUNNER_FAILED:
			cli_warnx("the ceremony failed: %s", p.message != NULL ?
			    p.message : "(no reason given)");
			/* an error (I/O 74...) keeps its own status */
			rc = p.code != 0 ? kr_exit_status(p.code) :
			    KR_EXIT_FAILED;
			goto out;
		default:
			cli_warnx("unknown request %d from the runner",
			    (int)p.need);
			rc = EX_SOFTWARE;
			goto out;
		}
		if (rc != 0)
			break;
		if (p.step != NULL && b.noted_step != p.step_index + 1) {
			a.note = answers_note(o->answers, p.step->id.s);
			b.noted_step = p.step_index + 1;
		}
		remember(&b, &p, card);
		fflush(o->out);
		kr_err_clear(&e);
		rc = runner_answer(r, &a, &e);
		kr_cleanse(b.pin, ANSWERS_PIN_MAX + 1);
		b.pinlen = 0;
		if (rc != 0) {
			rc = cli_fail(&e);
			break;
		}
	}
out:
	/* a write error on the output is an error (74), never a success */
	if ((fflush(o->out) != 0 || ferror(o->out)) && rc == 0) {
		cli_warnx("standard output: %s", strerror(errno));
		rc = EX_IOERR;
	}
	kr_secure_free(b.pin, ANSWERS_PIN_MAX + 1);
	return rc;
}
