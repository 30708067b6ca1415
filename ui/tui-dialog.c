/* SPDX-License-Identifier: ISC */
/*
 * tui-dialog.c: the decisions and the small dialogs.
 *
 * A failed step asks for a decision in the main screen's panel: retry,
 * record an exception with a reason (the ceremony goes on, the log keeps
 * the reason), or abort (after a yes).  Over any screen: the quit dialog
 * (q or Ctrl-C; the log stays unsealed and the same command resumes it)
 * and the note dialog (n: a note the runner logs with the next answer).
 */
#include <stdio.h>
#include <string.h>

#include "tui-int.h"

int
tui_dialog_draw(struct tui *t, int y, int x, int w)
{
	struct tui_line wl[2];
	const char *msg = t->p.message != NULL ? t->p.message : "";
	const char *err = t->msg_err ? t->msg : NULL;
	size_t n, i;

	tui_hline(t, y, x, w);
	tui_put(y + 1, x, w, tui_attr(t, TC_ERR), "Result: FAILED");
	n = tui_wrap(msg, w, wl, 2);
	for (i = 0; i < n && i < 2; i++)
		tui_putn(y + 2 + (int)i, x, w, tui_attr(t, TC_ERR), wl[i].s,
		    wl[i].n);
	switch (t->sub) {
	case 1:
		tui_put(y + 4, x, w, tui_attr(t, TC_TITLE), "Reason for the "
		    "exception (it goes in the log and the minutes):");
		tui_put(y + 5, x, 2, tui_attr(t, TC_NORMAL), ">");
		if (err != NULL)
			tui_put(y + 6, x, w, tui_attr(t, TC_ERR), err);
		tui_field_draw(t, y + 5, x + 2, w - 2, &t->in, !t->busy &&
		    t->ov == TO_NONE);
		break;
	case 2:
		tui_put(y + 4, x, w, tui_attr(t, TC_WARN), "Abort the "
		    "ceremony? It stops for good; the log keeps the entries.");
		tui_put(y + 5, x, w, tui_attr(t, TC_TITLE), "y abort   n go "
		    "back");
		break;
	default:
		tui_put(y + 4, x, w, tui_attr(t, TC_NORMAL), "r  retry the "
		    "step once the cause is fixed");
		tui_put(y + 5, x, w, tui_attr(t, TC_NORMAL), "e  record an "
		    "exception with a reason and go on");
		tui_put(y + 6, x, w, tui_attr(t, TC_NORMAL), "a  abort the "
		    "ceremony");
		break;
	}
	return 7;
}

int
tui_dialog_key(struct tui *t, int ch)
{
	struct runner_answer a;

	memset(&a, 0, sizeof(a));
	switch (t->sub) {
	case 1:
		if (tui_is_enter(ch)) {
			if (t->in.buf[0] == '\0') {
				snprintf(t->msg, sizeof(t->msg), "an exception "
				    "needs a reason");
				t->msg_err = 1;
				return 1;
			}
			a.decision = RUNNER_EXCEPTION;
			a.value = t->in.buf;
			if (t->p.step != NULL)
				t->marks[t->p.step_index] = TM_EXCEPTION;
			t->msg_err = 0;
			t->msg[0] = '\0';
			tui_submit(t, &a);
			return 1;
		}
		if (ch == TUI_KEY_ESC) {
			t->sub = 0;
			t->focus = 1;
			return 1;
		}
		if (tui_field_key(&t->in, ch)) {
			t->msg_err = 0;
			t->msg[0] = '\0';
			return 1;
		}
		return 0;
	case 2:
		if (ch == 'y' || ch == 'Y') {
			a.decision = RUNNER_ABORT;
			tui_submit(t, &a);
		} else if (ch == 'n' || ch == 'N' || ch == TUI_KEY_ESC)
			t->sub = 0;
		else
			return 0;
		return 1;
	default:
		switch (ch) {
		case 'r':
			a.decision = RUNNER_RETRY;
			tui_submit(t, &a);
			return 1;
		case 'e':
			t->sub = 1;
			t->focus = 0;
			tui_field_set(&t->in, NULL);
			return 1;
		case 'a':
			t->sub = 2;
			return 1;
		default:
			return 0;
		}
	}
}

static void
draw_box(struct tui *t, int y, int x, int h, int w)
{
	int i;

	for (i = 0; i < h; i++) {
		attrset(A_NORMAL);
		mvhline(y + i, x, ' ', w);
	}
	tui_hline(t, y, x, w);
	tui_hline(t, y + h - 1, x, w);
	tui_vline(t, y + 1, x, h - 2);
	tui_vline(t, y + 1, x + w - 1, h - 2);
}

/* The quit dialog's text: what stays and, truthfully, how to resume. */
static void
quit_text(const struct tui *t, char *buf, size_t sz)
{
	if (t->to->resume_hint != NULL)
		snprintf(buf, sz, "The log stays unsealed and keeps every step "
		    "done. To resume here, run:\n%s", t->to->resume_hint);
	else
		snprintf(buf, sz, "The log stays unsealed, but this rehearsal's "
		    "folder is removed (--discard): it cannot be resumed.");
}

void
tui_dialog_overlay(struct tui *t)
{
	struct tui_line wl[16];
	char text[2048];
	int w = COLS - 4 < 72 ? COLS - 4 : 72, h, y, x, i, n;

	if (t->ov == TO_QUIT) {
		quit_text(t, text, sizeof(text));
		n = (int)tui_wrap(text, w - 4, wl, 16);
		if (n > 16)
			n = 16;
		if (n > LINES - 6)
			n = LINES - 6;
		h = n + 5;
		y = (LINES - h) / 2;
		x = (COLS - w) / 2;
		draw_box(t, y, x, h, w);
		tui_put(y, x + 2, w - 4, tui_attr(t, TC_TITLE),
		    " Quit the wizard? ");
		for (i = 0; i < n; i++)
			tui_putn(y + 2 + i, x + 2, w - 4, t->to->resume_hint !=
			    NULL ? tui_attr(t, TC_NORMAL) : tui_attr(t, TC_WARN),
			    wl[i].s, wl[i].n);
		tui_put(y + h - 2, x + 2, w - 4, tui_attr(t, TC_TITLE),
		    "y quit    n or Esc go on    F1 help");
		curs_set(0);
		return;
	}
	h = 8;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	draw_box(t, y, x, h, w);
	tui_putf(y, x + 2, w - 4, tui_attr(t, TC_TITLE),
	    " A note on step %s ", tui_step_id(t));
	tui_put(y + 2, x + 2, w - 4, tui_attr(t, TC_NORMAL),
	    "It goes in the log with the step's next answer.");
	tui_put(y + 5, x + 2, w - 4, tui_attr(t, TC_DIM),
	    "Enter keep    Esc cancel    Ctrl-U clear    F1 help");
	tui_field_draw(t, y + 3, x + 2, w - 4, &t->note_in, 1);
}

int
tui_dialog_overlay_key(struct tui *t, int ch)
{
	if (t->ov == TO_QUIT) {
		if (ch == 'y' || ch == 'Y')
			t->quit = 1;
		else if (ch != 'n' && ch != 'N' && ch != TUI_KEY_ESC &&
		    ch != 'q')
			return 0;
		t->ov = TO_NONE;
		return 1;
	}
	if (tui_is_enter(ch)) {
		snprintf(t->note, sizeof(t->note), "%s", t->note_in.buf);
		t->ov = TO_NONE;
		return 1;
	}
	if (ch == TUI_KEY_ESC) {
		t->ov = TO_NONE;
		return 1;
	}
	return tui_field_key(&t->note_in, ch);
}
