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
 */
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

static void
draw_new(struct tui *t, int y, int x, int w)
{
	const struct runner_prompt *p = &t->p;
	const char *err = t->msg_err ? t->msg : p->message;

	tui_putf(y, x, w, tui_attr(t, TC_TITLE), "New card %d of %d (quorum "
	    "%d/%d): its custodian's PIN", p->card, p->quorum_n,
	    p->quorum_k, p->quorum_n);
	tui_put(y + 1, x, w, tui_attr(t, TC_NORMAL), "Only the custodian "
	    "looks; the PIN shows as *.");
	tui_put(y + 2, x, 12, tui_attr(t, TC_NORMAL), t->pin_stage == 0 ?
	    "PIN:" : "PIN again:");
	tui_secret_draw(t, y + 2, x + 12, w - 12 < 30 ? w - 12 : 30,
	    t->pin_stage == 0 ? t->pinlen : t->pin2len, t->focus != 1 &&
	    !t->busy && t->ov == TO_NONE);
	if (err != NULL && err[0] != '\0') {
		draw_msg(t, y + 3, x, w, err, tui_attr(t, TC_ERR));
		tui_secret_draw(t, y + 2, x + 12, w - 12 < 30 ? w - 12 : 30,
		    t->pin_stage == 0 ? t->pinlen : t->pin2len,
		    t->focus != 1 && !t->busy && t->ov == TO_NONE);
	}
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
	} else if (p->step != NULL && p->step->checkpoint &&
	    t->marks[p->step_index] == TM_DONE) {
		snprintf(msg, sizeof(msg), "Checkpoint after step %s: %d of "
		    "%d cards cosign the log up to here, so that no one can "
		    "rewrite it later.", p->step->id.s, p->cards_needed,
		    p->quorum_n);
		draw_msg(t, y + 3, x, w, msg, tui_attr(t, TC_WARN));
	} else if (p->tries_left > 0 && p->def_card > 0) {
		snprintf(msg, sizeof(msg), "%d %s left for card %d; its "
		    "custodian types the PIN.", p->tries_left,
		    p->tries_left == 1 ? "try" : "tries", p->def_card);
		draw_msg(t, y + 3, x, w, msg, tui_attr(t, TC_DIM));
	} else
		draw_msg(t, y + 3, x, w, "Check the card's number; its "
		    "custodian types the PIN.", tui_attr(t, TC_DIM));
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
	if (t->p.need == RUNNER_NEED_NEW_PIN)
		draw_new(t, y + 1, x, w);
	else
		draw_card(t, y + 1, x, w);
	return t->p.need == RUNNER_NEED_NEW_PIN ? 5 : 6;
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
