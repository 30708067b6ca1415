/* SPDX-License-Identifier: ISC */
/*
 * tui-main.c: the main screen.
 *
 *   row 0        keyrite: <title>                      step 9/22  REHEARSAL
 *   row 1        Station: DISCONNECTED   Module: I (initialization)
 *   body         the step list with marks | the step's title, instructions
 *                and output (scrollable), then the prompt panel
 *   log pane     the last events
 *   last rows    a message (an error in red), the keys
 *
 * The plain prompts live here: a parameter (a form field with the default
 * or the sandbox's value filled in, checked as typed on Enter with the
 * ceremony's own rules, the message inline), an acknowledgement (an
 * optional step can be skipped) and a sign-off.  The other panels are in
 * tui-card.c, tui-confirm.c and tui-dialog.c.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "err.h"
#include "tui-int.h"

static const char *
mode_name(int m)
{
	switch (m) {
	case 'I':
		return "I (initialization)";
	case 'O':
		return "O (operational)";
	case 'M':
		return "M (maintenance)";
	default:
		return "- (not known)";
	}
}

static const char *
preset(const struct tui *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->to->npresets; i++)
		if (strcmp(t->to->presets[i].name, name) == 0)
			return t->to->presets[i].value;
	return NULL;
}

void
tui_main_prompt(struct tui *t, int repeat)
{
	const struct runner_prompt *p = &t->p;
	const char *v = NULL;
	size_t i;

	t->msg[0] = '\0';
	t->msg_err = 0;
	t->sub = 0;
	tui_pins_clear(t);
	if (p->step != NULL && t->shown_step != p->step_index + 1) {
		t->shown_step = p->step_index + 1;
		t->scroll = 0;
	}
	if (p->need == RUNNER_NEED_SIGNOFF || (p->need == RUNNER_NEED_CARD &&
	    p->cards_presented == 0 && p->step != NULL &&
	    p->step->checkpoint))
		t->scroll = INT_MAX;	/* the result, for the witness */
	t->focus = 0;
	switch (p->need) {
	case RUNNER_NEED_PARAM:
		if (!repeat) {
			if ((v = preset(t, p->name)) == NULL)
				v = p->def;
			tui_field_set(&t->in, v);
			tui_pick_init(t, v);
		}
		if (tui_pick_active(t))
			t->focus = 1;	/* a list: no text field */
		break;
	case RUNNER_NEED_SIGNOFF:
		if (!repeat) {
			if (p->name != NULL && strcmp(p->name, "witness") == 0)
				v = t->witness;
			else if (p->name != NULL &&
			    strcmp(p->name, "operator") == 0)
				v = t->operator_name;
			tui_field_set(&t->in, v);
		}
		break;
	case RUNNER_NEED_CONFIRM:
		if (!repeat)
			tui_field_set(&t->in, NULL);
		break;
	case RUNNER_NEED_CARD:
		if (p->cards_presented == 0 && !repeat)
			for (i = 0; i < sizeof(t->accepted) /
			    sizeof(t->accepted[0]); i++)
				t->accepted[i] = t->unusable[i] = 0;
		tui_card_default(t);
		if (tui_checkpoint_pending(t)) {
			t->focus = 1;	/* the announcement: no field */
			t->scroll = 0;
		}
		break;
	case RUNNER_NEED_DECISION:
		tui_field_set(&t->in, NULL);
		t->focus = 1;
		break;
	case RUNNER_NEED_NEW_PIN:
		break;
	case RUNNER_NEED_ACK:
	default:
		t->focus = 1;
		break;
	}
}

/* The step list, the current one kept in view. */
static void
draw_list(struct tui *t, const struct tui_layout *l)
{
	size_t i, first = 0, cur = t->have_p && t->p.step != NULL ?
	    t->p.step_index : 0;
	int row;
	attr_t a;

	if ((int)t->c->nsteps > l->body_h && cur > (size_t)l->body_h / 2)
		first = cur - (size_t)l->body_h / 2;
	if (first + (size_t)l->body_h > t->c->nsteps &&
	    (int)t->c->nsteps > l->body_h)
		first = t->c->nsteps - (size_t)l->body_h;
	for (i = first, row = 0; i < t->c->nsteps && row < l->body_h;
	    i++, row++) {
		a = tui_attr(t, TC_NORMAL);
		switch (t->marks[i]) {
		case TM_DONE:
			a = tui_attr(t, TC_OK);
			break;
		case TM_FAILED:
			a = tui_attr(t, TC_ERR);
			break;
		case TM_EXCEPTION:
		case TM_SKIPPED:
			a = tui_attr(t, TC_WARN);
			break;
		default:
			break;
		}
		tui_put(l->body_y + row, 1, 2, a, tui_mark_str(t,
		    t->marks[i]));
		tui_put(l->body_y + row, 3, l->list_w - 3, t->have_p &&
		    t->p.step != NULL && i == cur ? tui_attr(t, TC_CURRENT) :
		    tui_attr(t, TC_NORMAL), t->c->steps[i].id.s);
	}
}

static int
panel_height(const struct tui *t)
{
	switch (t->p.need) {
	case RUNNER_NEED_PARAM:
		return tui_pick_active(t) ? 4 + tui_pick_height(t) : 5;
	case RUNNER_NEED_SIGNOFF:
		return 4;
	case RUNNER_NEED_ACK:
		return 2;
	case RUNNER_NEED_CONFIRM:
		return 5;
	case RUNNER_NEED_NEW_PIN:
		return 7;
	case RUNNER_NEED_CARD:
		return tui_checkpoint_pending(t) ? 5 : 6;
	case RUNNER_NEED_DECISION:
		return 7;
	default:
		return 0;
	}
}

static void
draw_plain(struct tui *t, int y, int x, int w)
{
	const struct runner_prompt *p = &t->p;
	const struct ceremony_param *pm;
	const char *err = t->msg_err ? t->msg : p->message;
	struct tui_line wl[2];
	char hint[256];
	size_t i;
	int n;

	tui_hline(t, y, x, w);
	y++;
	switch (p->need) {
	case RUNNER_NEED_PARAM:
		snprintf(hint, sizeof(hint), "Parameter %s: %s", p->name,
		    p->prompt != NULL ? p->prompt : "");
		n = (int)tui_wrap(hint, w, wl, 2);
		for (i = 0; i < 2 && (int)i < n; i++)
			tui_putn(y + (int)i, x, w, tui_attr(t, TC_TITLE),
			    wl[i].s, wl[i].n);
		y++;
		if (tui_pick_active(t)) {
			tui_pick_draw(t, y + 1, x, w);
			y += tui_pick_height(t) - 1;
			tui_put_short(t, y + 2, x, w, err != NULL &&
			    err[0] != '\0' ? tui_attr(t, TC_ERR) :
			    tui_attr(t, TC_DIM), err != NULL && err[0] != '\0' ?
			    err : "Up/Down choose, Enter picks the value "
			    "highlighted");
			break;
		}
		tui_put(y + 1, x, 2, tui_attr(t, TC_NORMAL), ">");
		tui_field_draw(t, y + 1, x + 2, w - 2, &t->in, 0);
		if (err != NULL && err[0] != '\0') {
			tui_put_short(t, y + 2, x, w, tui_attr(t, TC_ERR), err);
			break;
		}
		hint[0] = '\0';
		if ((pm = ceremony_param_find(t->c, p->name)) != NULL &&
		    pm->choices.n > 0) {
			n = snprintf(hint, sizeof(hint), "choices:");
			for (i = 0; i < pm->choices.n && n > 0 &&
			    (size_t)n < sizeof(hint); i++)
				n += snprintf(hint + n, sizeof(hint) - (size_t)n,
				    " %s", pm->choices.v[i].s);
		} else if (pm != NULL && pm->table != NULL)
			snprintf(hint, sizeof(hint), "one of the %zu ids of "
			    "table '%s' (F1 lists them)", pm->table->nrows,
			    pm->table->name.s);
		else if (p->def != NULL)
			snprintf(hint, sizeof(hint), "default: %s", p->def);
		if (p->def != NULL && hint[0] == 'd' &&
		    tui_textw(hint, strlen(hint)) > w)
			snprintf(hint, sizeof(hint), "default: the value filled "
			    "in above (Ctrl-U clears it)");
		tui_put_short(t, y + 2, x, w, tui_attr(t, TC_DIM), hint);
		break;
	case RUNNER_NEED_SIGNOFF:
		tui_putf(y, x, w, tui_attr(t, TC_TITLE), "Sign-off by the %s "
		    "(the name of the person):", p->name);
		tui_put(y + 1, x, 2, tui_attr(t, TC_NORMAL), ">");
		tui_field_draw(t, y + 1, x + 2, w - 2, &t->in, 0);
		if (err != NULL && err[0] != '\0')
			tui_put(y + 2, x, w, tui_attr(t, TC_ERR), err);
		break;
	case RUNNER_NEED_ACK:
		if (p->step != NULL && p->step->optional)
			tui_putf(y, x, w, tui_attr(t, TC_TITLE), "Optional "
			    "step %s: Enter runs it, s skips it",
			    p->step->id.s);
		else
			tui_put(y, x, w, tui_attr(t, TC_TITLE), "Do the step, "
			    "then press Enter to record it as done");
		break;
	default:
		break;
	}
}

static int
draw_panel(struct tui *t, int y, int x, int w)
{
	switch (t->p.need) {
	case RUNNER_NEED_NEW_PIN:
	case RUNNER_NEED_CARD:
		return tui_card_draw(t, y, x, w);
	case RUNNER_NEED_CONFIRM:
		return tui_confirm_draw(t, y, x, w);
	case RUNNER_NEED_DECISION:
		return tui_dialog_draw(t, y, x, w);
	default:
		draw_plain(t, y, x, w);
		return 0;
	}
}

/* Places the cursor in the focused field (the panels drew it). */
static void
place_cursor(struct tui *t, int y, int x, int w)
{
	curs_set(0);
	if (t->busy || t->ov != TO_NONE)
		return;
	if (t->p.need == RUNNER_NEED_PARAM)
		y++;
	switch (t->p.need) {
	case RUNNER_NEED_PARAM:
	case RUNNER_NEED_SIGNOFF:
		if (t->focus == 0 && !tui_pick_active(t))
			tui_field_draw(t, y + 2, x + 2, w - 2, &t->in, 1);
		break;
	default:
		break;
	}
}

/* Joins the lines of a paragraph (the YAML keeps the author's line
 * breaks) in the first n bytes of s; blank lines, indented lines and list
 * items keep theirs. */
static void
reflow(char *s, size_t n)
{
	size_t i;
	char c;

	for (i = 0; i + 1 < n; i++) {
		if (s[i] != '\n' || i == 0 || s[i - 1] == '\n')
			continue;
		c = s[i + 1];
		if (c == '\n' || c == ' ' || c == '\t' || c == '-' ||
		    c == '*' || c == '$' || c == '[' || (c >= '0' && c <= '9'))
			continue;
		s[i] = ' ';
	}
}

/* The step's text in h rows; returns the scroll state: 1 when there is
 * more above, 2 more below (or both). */
static int
draw_text(struct tui *t, int y, int x, int w, int h)
{
	struct tui_line *wl;
	const struct runner_prompt *p = &t->p;
	char *res = NULL, *text, *folded, why[1024];
	const char *instr = p->instructions;
	size_t n, i, len, max = 2000;
	int first;

	if (h <= 0)
		return 0;
	if (tui_checkpoint_pending(t)) {
		tui_checkpoint_why(t, why, sizeof(why));
		instr = why;
	}
	if (p->step != NULL)
		tui_result_text(t, p->step_index, &res);
	len = (instr != NULL ? strlen(instr) : 0) +
	    (res != NULL ? strlen(res) : 0) + 4;
	if ((text = malloc(len)) == NULL || (wl = calloc(max,
	    sizeof(*wl))) == NULL) {
		free(text);
		free(res);
		return 0;
	}
	snprintf(text, len, "%s%s%s", instr != NULL ? instr : "",
	    res != NULL && instr != NULL ? "\n" : "", res != NULL ? res : "");
	if (instr != NULL && instr == p->instructions)
		reflow(text, strlen(instr));
	if ((folded = tui_fold_hashes(text, w)) != NULL) {
		free(text);
		text = folded;
	}
	n = tui_wrap(text, w, wl, max);
	if (n > max)
		n = max;
	if (t->scroll > (int)n - h)
		t->scroll = (int)n - h;
	if (t->scroll < 0)
		t->scroll = 0;
	first = t->scroll;
	for (i = 0; (int)i < h && (size_t)first + i < n; i++)
		tui_putn(y + (int)i, x, w, tui_attr(t, TC_NORMAL),
		    wl[first + i].s, wl[first + i].n);
	free(wl);
	free(text);
	free(res);
	return (first > 0 ? 1 : 0) | ((size_t)first + (size_t)h < n ? 2 : 0);
}

/* The scroll mark ("[more]") at the right of the panel's rule, the
 * cursor left where it was. */
static void
draw_more(struct tui *t, int y, int x, int w, int more)
{
	char mark[32];
	int cy, cx, mw;

	if (more == 0)
		return;
	getyx(stdscr, cy, cx);
	snprintf(mark, sizeof(mark), "[%s%s]", more & 1 ? (t->utf8 ?
	    "\xe2\x86\x91" : "^") : "", more & 2 ? (t->utf8 ?
	    "\xe2\x86\x93more" : "v more") : "more");
	mw = tui_textw(mark, strlen(mark));
	tui_put(y, x + w - mw - 1, mw, tui_attr(t, TC_DIM), mark);
	move(cy, cx);
}

/* The step's title in up to two rows, wrapped at words; a longer title
 * ends its second row with an ellipsis.  Returns the rows used. */
static int
draw_title(struct tui *t, int y, int x, int w, const char *title)
{
	return tui_put_wrapped(t, y, x, w, tui_attr(t, TC_TITLE), title, 2);
}

static const char *
keys_for(const struct tui *t)
{
	if (tui_pick_active(t))
		return "Up/Down choose  Enter pick  j/k scroll  n note  l log  "
		    "F1 help  q quit";
	switch (t->p.need) {
	case RUNNER_NEED_PARAM:
	case RUNNER_NEED_SIGNOFF:
	case RUNNER_NEED_CONFIRM:
		return t->focus == 0 ? "Enter accept  Ctrl-U clear  "
		    "Up/Down scroll  Esc leave  F1 help  Ctrl-C quit" :
		    "Enter accept  Tab field  j/k scroll  n note  l log  "
		    "? help  q quit";
	case RUNNER_NEED_NEW_PIN:
	case RUNNER_NEED_CARD:
		if (tui_checkpoint_pending(t))
			return "Enter present the cards  j/k scroll  l log  "
			    "? help  q quit";
		return t->focus != 1 ? "Enter present  Tab card/PIN  "
		    "Up/Down scroll  Esc leave  F1 help  Ctrl-C quit" :
		    "Enter present  Tab field  j/k scroll  l log  ? help  "
		    "q quit";
	case RUNNER_NEED_ACK:
		return t->p.step != NULL && t->p.step->optional ?
		    "Enter run  s skip  j/k scroll  n note  l log  ? help  "
		    "q quit" :
		    "Enter done  j/k scroll  n note  l log  ? help  q quit";
	case RUNNER_NEED_DECISION:
		return t->sub == 1 ? "Enter record  Esc back  F1 help  "
		    "Ctrl-C quit" : "r retry  e exception  a abort  j/k "
		    "scroll  l log  ? help  q quit";
	default:
		return "";
	}
}

void
tui_main_draw(struct tui *t)
{
	struct tui_layout l;
	const struct runner_prompt *p = &t->p;
	char right[64], station[64], cptitle[256];
	const char *m;
	size_t i;
	int ph, ty, th, tr, more = 0;

	if (tui_too_small(t))
		return;
	if (t->ov == TO_HELP) {
		tui_help_draw(t);
		refresh();
		return;
	}
	if (t->ov == TO_LOG) {
		tui_log_view(t);
		curs_set(0);
		refresh();
		return;
	}
	erase();
	tui_layout(&l);
	right[0] = '\0';
	if (t->have_p && p->step != NULL)
		snprintf(right, sizeof(right), "step %zu/%zu",
		    p->step_index + 1, t->c->nsteps);
	else if (t->cur < t->c->nsteps)
		snprintf(right, sizeof(right), "step %zu/%zu", t->cur + 1,
		    t->c->nsteps);
	tui_header(t, right);
	station[0] = '\0';
	m = t->have_p && p->station != NULL ? p->station : t->station;
	for (i = 0; m[i] != '\0' && i + 1 < sizeof(station); i++)
		station[i] = (char)toupper((unsigned char)m[i]);
	station[i] = '\0';
	tui_putf(1, 1, COLS - 2, tui_attr(t, TC_TITLE), "Station: %-14s "
	    "Module: %s", station[0] != '\0' ? station : "-",
	    mode_name(t->mode));
	tui_vline(t, l.body_y, l.list_w, l.body_h);
	draw_list(t, &l);

	if (t->have_p) {
		if (tui_checkpoint_pending(t))
			snprintf(cptitle, sizeof(cptitle), "Checkpoint after "
			    "step %s: the card quorum cosigns the log",
			    p->step->id.s);
		tr = draw_title(t, l.body_y, l.right_x, l.right_w,
		    p->step == NULL ? "Resume the ceremony: the card quorum "
		    "cosigns the resumed log" : tui_checkpoint_pending(t) ?
		    cptitle : p->title != NULL ? p->title : p->step->id.s);
		ph = panel_height(t);
		ty = l.body_y + tr;
		th = l.body_h - tr - ph;
		more = draw_text(t, ty, l.right_x, l.right_w, th);
		draw_panel(t, l.body_y + l.body_h - ph, l.right_x, l.right_w);
	}
	tui_log_pane(t, &l);
	m = t->msg[0] != '\0' ? t->msg : NULL;
	if (m != NULL)
		tui_put_short(t, LINES - 2, 1, COLS - 2, t->msg_err ?
		    tui_attr(t, TC_ERR) : tui_attr(t, TC_NORMAL), m);
	if (m == NULL && t->fault[0] != '\0' && t->have_p &&
	    p->step != NULL && t->fault_step == p->step_index + 1) {
		tui_put_short(t, LINES - 2, 1, COLS - 2, tui_attr(t, TC_WARN),
		    t->fault);
		m = t->fault;
	}
	if (t->note[0] != '\0' && m == NULL) {
		snprintf(right, sizeof(right), "note for this step: ");
		tui_put(LINES - 2, 1, COLS - 2, tui_attr(t, TC_DIM), right);
		tui_put_short(t, LINES - 2, 1 + (int)strlen(right), COLS - 2 -
		    (int)strlen(right), tui_attr(t, TC_DIM), t->note);
	}
	tui_keys(t, keys_for(t));
	ph = t->have_p ? panel_height(t) : 0;
	if (t->ov == TO_QUIT || t->ov == TO_NOTE) {
		draw_more(t, l.body_y + l.body_h - ph, l.right_x, l.right_w,
		    more);
		tui_dialog_overlay(t);
	} else if (t->have_p) {
		place_cursor(t, l.body_y + l.body_h - ph, l.right_x,
		    l.right_w);
		if (p->need == RUNNER_NEED_CARD || p->need ==
		    RUNNER_NEED_NEW_PIN || p->need == RUNNER_NEED_CONFIRM ||
		    p->need == RUNNER_NEED_DECISION)
			draw_panel(t, l.body_y + l.body_h - ph, l.right_x,
			    l.right_w);
		draw_more(t, l.body_y + l.body_h - ph, l.right_x, l.right_w,
		    more);
	}
	if (t->busy)
		curs_set(0);
	refresh();
}

static void
answer_plain(struct tui *t)
{
	struct runner_answer a;
	const struct ceremony_param *pm;
	struct kr_err e;
	const char *v = t->in.buf;

	memset(&a, 0, sizeof(a));
	switch (t->p.need) {
	case RUNNER_NEED_PARAM:
		if (v[0] == '\0' && t->p.def != NULL)
			v = t->p.def;
		kr_err_clear(&e);
		if ((pm = ceremony_param_find(t->c, t->p.name)) != NULL &&
		    ceremony_param_check(pm, v, &e) != 0) {
			snprintf(t->msg, sizeof(t->msg), "%s", e.msg);
			t->msg_err = 1;
			t->focus = 0;
			return;
		}
		a.value = v;
		break;
	case RUNNER_NEED_SIGNOFF:
		if (v[0] == '\0') {
			snprintf(t->msg, sizeof(t->msg), "type the name of the "
			    "%s who signs off", t->p.name);
			t->msg_err = 1;
			t->focus = 0;
			return;
		}
		a.value = v;
		break;
	default:
		break;
	}
	tui_submit(t, &a);
}

static int
plain_key(struct tui *t, int ch)
{
	struct runner_answer a;

	if (tui_is_enter(ch)) {
		answer_plain(t);
		return 1;
	}
	switch (t->p.need) {
	case RUNNER_NEED_PARAM:
	case RUNNER_NEED_SIGNOFF:
		if (t->focus == 0 && tui_field_key(&t->in, ch)) {
			if (t->msg_err)
				t->msg[0] = '\0';
			t->msg_err = 0;
			return 1;
		}
		break;
	case RUNNER_NEED_ACK:
		if (ch == 's' && t->p.step != NULL && t->p.step->optional) {
			memset(&a, 0, sizeof(a));
			a.value = "skip";
			tui_submit(t, &a);
			return 1;
		}
		if (ch == 's') {
			snprintf(t->msg, sizeof(t->msg), "s: step '%s' is "
			    "required and cannot be skipped; do it, then press "
			    "Enter", tui_step_id(t));
			t->msg_err = 1;
			return 1;
		}
		break;
	default:
		break;
	}
	return 0;
}

static int
prompt_key(struct tui *t, int ch)
{
	switch (t->p.need) {
	case RUNNER_NEED_NEW_PIN:
	case RUNNER_NEED_CARD:
		return tui_card_key(t, ch);
	case RUNNER_NEED_CONFIRM:
		return tui_confirm_key(t, ch);
	case RUNNER_NEED_DECISION:
		return tui_dialog_key(t, ch);
	default:
		return plain_key(t, ch);
	}
}

static int
has_field(const struct tui *t)
{
	switch (t->p.need) {
	case RUNNER_NEED_PARAM:
		return !tui_pick_active(t);
	case RUNNER_NEED_SIGNOFF:
	case RUNNER_NEED_CONFIRM:
	case RUNNER_NEED_NEW_PIN:
		return 1;
	case RUNNER_NEED_CARD:
		return !tui_checkpoint_pending(t);
	case RUNNER_NEED_DECISION:
		return t->sub == 1;
	default:
		return 0;
	}
}

int
tui_main_key(struct tui *t, int ch)
{
	int page = LINES / 3;

	if (ch == KEY_F(1) && t->ov != TO_HELP) {
		tui_help_open(t);
		return 1;
	}
	switch (t->ov) {
	case TO_HELP:
		return tui_help_key(t, ch);
	case TO_LOG:
		if (ch == TUI_KEY_CTRL('c'))
			t->ov = TO_QUIT;
		return tui_log_key(t, ch);
	case TO_QUIT:
	case TO_NOTE:
		return tui_dialog_overlay_key(t, ch);
	default:
		break;
	}
	if (ch == TUI_KEY_CTRL('c')) {
		t->ov = TO_QUIT;
		return 1;
	}
	if (t->have_p && tui_pick_key(t, ch))
		return 1;
	switch (ch) {
	case KEY_UP:
		t->scroll--;
		return 1;
	case KEY_DOWN:
		t->scroll++;
		return 1;
	case KEY_PPAGE:
		t->scroll -= page;
		return 1;
	case KEY_NPAGE:
		t->scroll += page;
		return 1;
	default:
		break;
	}
	if (!t->have_p)
		return 0;
	if (prompt_key(t, ch))
		return 1;
	switch (ch) {
	case TUI_KEY_ESC:
		t->focus = 1;
		return 1;
	case '\t':
		if (has_field(t))
			t->focus = t->focus == 1 ? 0 : 1;
		return 1;
	case 'j':
		t->scroll++;
		return 1;
	case 'k':
		t->scroll--;
		return 1;
	case '?':
		tui_help_open(t);
		return 1;
	case 'q':
		t->ov = TO_QUIT;
		return 1;
	case 'l':
		t->ov = TO_LOG;
		t->logscroll = 0;
		return 1;
	case 'n':
		if (t->p.step != NULL) {
			tui_field_set(&t->note_in, t->note);
			t->ov = TO_NOTE;
		}
		return 1;
	default:
		return 0;
	}
}
