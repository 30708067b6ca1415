/* SPDX-License-Identifier: ISC */
/*
 * tui-card.c: the card panel of the main screen.
 *
 * A new card (new-world): the custodian chooses the card's PIN and types
 * it twice; the two must match before the runner sees it.  Presenting a
 * card: which one is wanted ("card 2 of 2 needed, quorum 2/3"), the cards
 * found beside the default one and those accepted so far, the card number
 * (the runner's default filled in) and the PIN.  The runner checks each
 * card at once; its refusal ("card 2: wrong PIN") comes back with the same
 * prompt and shows here, and the custodian types the PIN again.
 *
 * PINs are typed into secure memory (tui.c), shown as '*' and never
 * anything else, and cleansed by tui_submit() after the answer.  After
 * any error the focus is back in the PIN field; the card number field
 * takes digits only (two at most), so a PIN typed there by mistake is
 * refused, not shown.  The number defaults to the first card neither
 * accepted nor reported damaged or missing in this quorum.
 *
 * A checkpoint's quorum (the cards cosign the log after a step marked
 * `checkpoint') is first announced on its own: which step, how many
 * cards, and why; Enter then opens the card panel.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "fsutil.h"
#include "tui-int.h"

/* The path of card number n: the runner's default path of the next card
 * ("DIR/card-2") with its trailing number replaced. */
static int
card_path(const char *def, int n, char *out, size_t outsz)
{
	size_t len;

	if (def == NULL)
		return -1;
	len = strlen(def);
	while (len > 0 && def[len - 1] >= '0' && def[len - 1] <= '9')
		len--;
	if (len == strlen(def))
		return -1;
	if ((size_t)snprintf(out, outsz, "%.*s%d", (int)len, def, n) >= outsz)
		return -1;
	return 0;
}

void
tui_card_default(struct tui *t)
{
	const struct runner_prompt *p = &t->p;
	int i, n = p->def_card;

	if (n > 0 && (t->accepted[n] || t->unusable[n]))
		for (n = 0, i = 1; i <= p->quorum_n &&
		    i <= CEREMONY_QUORUM_MAX; i++)
			if (!t->accepted[i] && !t->unusable[i]) {
				n = i;
				break;
			}
	if (n > 0)
		snprintf(t->cardno.buf, sizeof(t->cardno.buf), "%d", n);
	else
		t->cardno.buf[0] = '\0';
	t->cardno.len = strlen(t->cardno.buf);
}

int
tui_checkpoint_pending(const struct tui *t)
{
	const struct runner_prompt *p = &t->p;

	return t->have_p && p->need == RUNNER_NEED_CARD && p->step != NULL &&
	    p->step->checkpoint && p->cards_presented == 0 &&
	    (t->marks[p->step_index] == TM_DONE ||
	    t->marks[p->step_index] == TM_EXCEPTION) &&
	    t->cp_ack != p->step_index + 1;
}

void
tui_checkpoint_why(const struct tui *t, char *buf, size_t sz)
{
	const struct runner_prompt *p = &t->p;

	snprintf(buf, sz, "Step %s is done, and a checkpoint follows it. %d "
	    "of the %d custodians now present their cards, and the cards "
	    "cosign the log up to here.\n\nWhy: once the cards have cosigned "
	    "it, no one can rewrite or cut what the log says was done up to "
	    "this point, not the operator, not whoever holds this workstation "
	    "later, without the cards themselves; `keyrite audit verify' "
	    "checks these signatures for the auditor.\n\nEach custodian types "
	    "the PIN of their own card, out of sight of the others.",
	    p->step->id.s, p->cards_needed, p->quorum_n);
}

/* The announcement's panel. */
static void
draw_checkpoint(struct tui *t, int y, int x, int w)
{
	const struct runner_prompt *p = &t->p;
	char title[256];
	int n;

	snprintf(title, sizeof(title), "Cosign the checkpoint after %s: "
	    "present %d of %d cards", p->step->id.s, p->cards_needed,
	    p->quorum_n);
	n = tui_put_wrapped(t, y, x, w, tui_attr(t, TC_TITLE), title, 2);
	tui_put(y + n + 1, x, w, tui_attr(t, TC_NORMAL), "Press Enter, then "
	    "each custodian presents their card in turn.");
}

/* The error (or hint) under the fields, in up to two lines. */
static void
draw_msg(struct tui *t, int y, int x, int w, const char *msg, attr_t a)
{
	struct tui_line wl[2];
	size_t n, i;

	n = tui_wrap(msg, w, wl, 2);
	for (i = 0; i < n && i < 2; i++)
		tui_putn(y + (int)i, x, w, a, wl[i].s, wl[i].n);
}

/* The holder of card n as new-world names them ("" when not named). */
static void
holder_of(const struct tui *t, int n, char *out, size_t sz)
{
	if (t->p.holders == NULL || n < 1 ||
	    ceremony_holder(t->p.holders, n, out, sz) != 0)
		out[0] = '\0';
}

/* The PIN rule, said before the PIN is typed. */
static void
pin_rule(const struct tui *t, char *buf, size_t sz)
{
	const struct runner_prompt *p = &t->p;

	if (p->pin_min >= RUNNER_PIN_MIN_LIVE || !p->rehearsal)
		snprintf(buf, sz, "The PIN: at least %d characters.",
		    p->pin_min);
	else
		snprintf(buf, sz, "The PIN: at least %d characters in this "
		    "rehearsal (%d in a live run).", p->pin_min,
		    RUNNER_PIN_MIN_LIVE);
}

static void
draw_new(struct tui *t, int y, int x, int w)
{
	const struct runner_prompt *p = &t->p;
	const char *err = t->msg_err ? t->msg : p->message;
	char holder[128], line[512];
	int n;

	holder_of(t, p->card, holder, sizeof(holder));
	if (p->card == 0 && p->token_pin != NULL) {
		/* adopt: a token PIN that exists, typed twice so that a typo
		 * never costs the token a try */
		snprintf(line, sizeof(line), "Adopting the token: %s",
		    p->token_pin);
		tui_put_short(t, y, x, w, tui_attr(t, TC_TITLE), line);
		snprintf(line, sizeof(line), "Its holders type it under "
		    "witness; keyrite replaces it at once by a random PIN "
		    "split onto the cards. Only they look; it shows as *.");
		tui_put_wrapped(t, y + 1, x, w, tui_attr(t, TC_NORMAL), line, 2);
		goto field;
	}
	if (holder[0] != '\0')
		snprintf(line, sizeof(line), "New card %d of %d (quorum %d/%d), "
		    "held by %s: its PIN", p->card, p->quorum_n, p->quorum_k,
		    p->quorum_n, holder);
	else
		snprintf(line, sizeof(line), "New card %d of %d (quorum %d/%d): "
		    "its custodian's PIN", p->card, p->quorum_n, p->quorum_k,
		    p->quorum_n);
	tui_put_short(t, y, x, w, tui_attr(t, TC_TITLE), line);
	pin_rule(t, line, sizeof(line));
	n = (int)strlen(line);
	snprintf(line + n, sizeof(line) - (size_t)n, " Only %s looks; it "
	    "shows as *.", holder[0] != '\0' ? holder : "its custodian");
	tui_put_wrapped(t, y + 1, x, w, tui_attr(t, TC_NORMAL), line, 2);
field:
	tui_put(y + 3, x, 12, tui_attr(t, TC_NORMAL), t->pin_stage == 0 ?
	    "PIN:" : "PIN again:");
	tui_secret_draw(t, y + 3, x + 12, w - 12 < 30 ? w - 12 : 30,
	    t->pin_stage == 0 ? t->pinlen : t->pin2len, t->focus != 1 &&
	    !t->busy && t->ov == TO_NONE);
	if (err != NULL && err[0] != '\0')
		draw_msg(t, y + 4, x, w, err, tui_attr(t, TC_ERR));
	else if (p->attempt_pins != NULL) {
		/* a token an interrupted attempt initialised: its cards */
		snprintf(line, sizeof(line), "Resuming: %s.", p->attempt_pins);
		draw_msg(t, y + 4, x, w, line, tui_attr(t, TC_NORMAL));
	} else
		return;
	/* the cursor back in the field */
	tui_secret_draw(t, y + 3, x + 12, w - 12 < 30 ? w - 12 : 30,
	    t->pin_stage == 0 ? t->pinlen : t->pin2len,
	    t->focus != 1 && !t->busy && t->ov == TO_NONE);
}

static void
draw_card(struct tui *t, int y, int x, int w)
{
	const struct runner_prompt *p = &t->p;
	const char *err = t->msg_err ? t->msg : p->message;
	char found[128], acc[128], path[4096], msg[600];
	int i, n, m;

	tui_putf(y, x, w, tui_attr(t, TC_TITLE), "Present a card: card %d "
	    "of %d needed, quorum %d/%d", p->cards_presented + 1,
	    p->cards_needed, p->quorum_k, p->quorum_n);
	n = snprintf(found, sizeof(found), "cards found:");
	m = snprintf(acc, sizeof(acc), "   accepted:");
	for (i = 1; i <= p->quorum_n && i <= CEREMONY_QUORUM_MAX; i++) {
		if (card_path(p->def, i, path, sizeof(path)) == 0 &&
		    kr_path_exists(path) && n > 0 && (size_t)n < sizeof(found))
			n += snprintf(found + n, sizeof(found) - (size_t)n,
			    " %d", i);
		if (t->accepted[i] && m > 0 && (size_t)m < sizeof(acc))
			m += snprintf(acc + m, sizeof(acc) - (size_t)m, " %d",
			    i);
	}
	tui_putf(y + 1, x, w, tui_attr(t, TC_NORMAL), "%s%s", found,
	    m > 13 ? acc : "   accepted: none yet");
	tui_put(y + 2, x, 6, tui_attr(t, TC_NORMAL), "Card:");
	tui_put(y + 2, x + 12, 6, tui_attr(t, TC_NORMAL), "PIN:");
	tui_field_draw(t, y + 2, x + 6, 4, &t->cardno, 0);
	tui_secret_draw(t, y + 2, x + 18, w - 18 < 30 ? w - 18 : 30,
	    t->pinlen, 0);
	if (err != NULL && err[0] != '\0') {
		if (p->tries_left > 0 && p->def_card > 0 &&
		    strstr(err, " left for card ") == NULL)
			snprintf(msg, sizeof(msg), "%s (%d %s left for card "
			    "%d)", err, p->tries_left, p->tries_left == 1 ?
			    "try" : "tries", p->def_card);
		else
			snprintf(msg, sizeof(msg), "%s", err);
		draw_msg(t, y + 3, x, w, msg, tui_attr(t, TC_ERR));
	} else {
		/* who holds the card in the field, and its tries */
		i = atoi(t->cardno.buf);
		holder_of(t, i, path, sizeof(path));
		/* a PIN pad token: its own PIN is never typed here */
		n = p->pin_pad ? snprintf(msg, sizeof(msg), "PIN pad: the "
		    "token's PIN is typed on the reader's pad when it asks. ") :
		    0;
		m = 0;
		if (path[0] != '\0')
			m = snprintf(msg + n, sizeof(msg) - (size_t)n, "Card %d "
			    "is held by %s, who types its PIN.", i, path);
		else
			m = snprintf(msg + n, sizeof(msg) - (size_t)n, "Check the "
			    "card's number; its custodian types the PIN.");
		m += n;
		if (p->tries_left > 0 && p->def_card > 0 && i == p->def_card &&
		    m > 0 && (size_t)m < sizeof(msg))
			snprintf(msg + m, sizeof(msg) - (size_t)m, " %d %s left "
			    "for card %d.", p->tries_left, p->tries_left == 1 ?
			    "try" : "tries", p->def_card);
		draw_msg(t, y + 3, x, w, msg, tui_attr(t, TC_DIM));
	}
	/* the cursor last */
	if (t->busy || t->ov != TO_NONE)
		return;
	if (t->focus == 2)
		tui_field_draw(t, y + 2, x + 6, 4, &t->cardno, 1);
	else if (t->focus == 0)
		tui_secret_draw(t, y + 2, x + 18, w - 18 < 30 ? w - 18 : 30,
		    t->pinlen, 1);
}

int
tui_card_draw(struct tui *t, int y, int x, int w)
{
	tui_hline(t, y, x, w);
	if (tui_checkpoint_pending(t))
		draw_checkpoint(t, y + 1, x, w);
	else if (t->p.need == RUNNER_NEED_NEW_PIN)
		draw_new(t, y + 1, x, w);
	else
		draw_card(t, y + 1, x, w);
	return t->p.need == RUNNER_NEED_NEW_PIN ? 7 : 6;
}

static void
fail(struct tui *t, const char *msg)
{
	snprintf(t->msg, sizeof(t->msg), "%s", msg);
	t->msg_err = 1;
}

static void
enter_new(struct tui *t)
{
	struct runner_answer a;

	if (t->pin_stage == 0) {
		if (t->pinlen == 0) {
			fail(t, "type the new card's PIN");
			return;
		}
		if (t->p.pin_min > 0 && t->pinlen < (size_t)t->p.pin_min) {
			tui_pins_clear(t);
			snprintf(t->msg, sizeof(t->msg), "too short: the PIN "
			    "needs at least %d characters; type a longer one",
			    t->p.pin_min);
			t->msg_err = 1;
			return;
		}
		t->pin_stage = 1;
		t->msg[0] = '\0';
		t->msg_err = 0;
		return;
	}
	if (t->pin2len != t->pinlen || CRYPTO_memcmp(t->pin, t->pin2,
	    t->pinlen) != 0) {
		tui_pins_clear(t);
		fail(t, "the two PINs differ: type the PIN again");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.pin = t->pin;
	a.pin_len = t->pinlen;
	t->msg[0] = '\0';
	t->msg_err = 0;
	tui_submit(t, &a);
}

static void
enter_card(struct tui *t)
{
	struct runner_answer a;
	char path[4096], *end;
	long n;

	n = strtol(t->cardno.buf, &end, 10);
	if (t->cardno.buf[0] == '\0' || *end != '\0' || n < 1 ||
	    n > t->p.quorum_n) {
		snprintf(t->msg, sizeof(t->msg), "no card %.8s: this set has "
		    "cards 1 to %d (Tab to the card number to change it)",
		    t->cardno.buf[0] != '\0' ? t->cardno.buf : "number",
		    t->p.quorum_n);
		t->msg_err = 1;
		tui_pins_clear(t);
		t->focus = 0;
		return;
	}
	if (card_path(t->p.def, (int)n, path, sizeof(path)) != 0) {
		fail(t, "no path for that card");
		t->focus = 0;
		return;
	}
	if (t->pinlen == 0) {
		fail(t, "type the card's PIN");
		t->focus = 0;
		return;
	}
	memset(&a, 0, sizeof(a));
	a.value = path;
	a.pin = t->pin;
	a.pin_len = t->pinlen;
	t->msg[0] = '\0';
	t->msg_err = 0;
	tui_submit(t, &a);
}

int
tui_card_key(struct tui *t, int ch)
{
	if (tui_checkpoint_pending(t)) {
		if (!tui_is_enter(ch))
			return 0;
		t->cp_ack = t->p.step_index + 1;
		t->focus = 0;		/* the PIN field */
		t->scroll = INT_MAX;
		return 1;
	}
	if (tui_is_enter(ch)) {
		if (t->p.need == RUNNER_NEED_NEW_PIN)
			enter_new(t);
		else
			enter_card(t);
		return 1;
	}
	if (ch == '\t' && t->p.need == RUNNER_NEED_CARD) {
		t->focus = t->focus == 0 ? 2 : 0;
		return 1;
	}
	if (t->focus == 1)
		return 0;
	if (t->focus == 2) {
		/* digits only: a PIN typed here is refused, never shown */
		if (ch >= 0x20 && ch <= 0xff && ch != 0x7f &&
		    (ch < '0' || ch > '9' || t->cardno.len >= 2)) {
			fail(t, "the card number takes digits only (Tab back "
			    "to the PIN)");
			return 1;
		}
		return tui_field_key(&t->cardno, ch);
	}
	if (t->p.need == RUNNER_NEED_NEW_PIN && t->pin_stage == 1)
		return tui_secret_key(t->pin2, &t->pin2len, ch);
	return tui_secret_key(t->pin, &t->pinlen, ch);
}
