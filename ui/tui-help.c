/* SPDX-License-Identifier: ISC */
/*
 * tui-help.c: help (F1 on every screen, or ? outside a field): what the
 * screen under it is for and its keys, the current step's or parameter's
 * help text from the ceremony, the choices of a parameter, what the marks
 * mean and all the keys.  Scrollable; Esc, q or F1 goes back to the
 * screen it came from (the log view or a dialog included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui-int.h"

static void
append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);
	char *nb;

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		if ((nb = realloc(*buf, *cap)) == NULL)
			return;
		*buf = nb;
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* What the screen under help is for, and its keys. */
static void
screen_text(struct tui *t, char **buf, size_t *len, size_t *cap)
{
	const struct runner_prompt *p = &t->p;
	const char *keys = t->keys_now;
	char line[1200];

	line[0] = '\0';
	if (t->help_back == TO_QUIT)
		keys = "y quit   n or Esc go on";
	else if (t->help_back == TO_NOTE)
		keys = "Enter keep   Esc cancel   Ctrl-U clear";
	if (t->help_back == TO_QUIT)
		snprintf(line, sizeof(line), "This screen: quitting the wizard. "
		    "The log stays unsealed; the dialog says how to resume.\n");
	else if (t->help_back == TO_NOTE)
		snprintf(line, sizeof(line), "This screen: a note on the step. "
		    "It goes in the log with the step's next answer.\n");
	else if (t->help_back == TO_LOG)
		snprintf(line, sizeof(line), "This screen: the whole event log "
		    "of this run, newest at the bottom.\n");
	else if (t->have_p && p->need == RUNNER_DONE)
		snprintf(line, sizeof(line), "This screen: the end of the "
		    "ceremony; its log is sealed. Copy the summary's lines into "
		    "the paper minutes; the witness reads each hash aloud in "
		    "groups of eight. The files this run leaves (log, "
		    "transcript, summary%s) are listed at the end; `keyrite "
		    "audit verify LOG' with the anchors from the minutes checks "
		    "the log later. The summary is printed on the terminal "
		    "again when the wizard closes.\n", t->ro->rehearsal ?
		    ", the trainer's report" : "");
	else if (t->have_p && p->need == RUNNER_FAILED)
		snprintf(line, sizeof(line), "This screen: the ceremony stopped "
		    "for good (%.600s). The log keeps every entry up to here "
		    "and stays unsealed: check it with `keyrite audit verify "
		    "LOG' and record the failure in the minutes. Nothing more "
		    "can be done in this run.\n", p->message != NULL ?
		    p->message : "no reason given");
	else if (t->have_p && p->need == RUNNER_NEED_DECISION)
		snprintf(line, sizeof(line), "This screen: step %s failed "
		    "(%.600s). The people in the room decide: r retries the "
		    "step once the cause is fixed; e records an exception with "
		    "a reason, which goes in the log and the minutes, and goes "
		    "on; a aborts the ceremony, after a confirmation.\n",
		    tui_step_id(t), p->message != NULL ? p->message : "");
	append(buf, len, cap, line);
	if (keys != NULL && keys[0] != '\0') {
		snprintf(line, sizeof(line), "Keys on this screen: %s\n\n",
		    keys);
		append(buf, len, cap, line);
	}
}

static char *
help_text(struct tui *t)
{
	const struct runner_prompt *p = &t->p;
	const struct ceremony_param *pm = NULL;
	char *buf = NULL, line[512];
	size_t len = 0, cap = 0, i;

	append(&buf, &len, &cap, "");
	screen_text(t, &buf, &len, &cap);
	if (t->have_p && p->step != NULL) {
		snprintf(line, sizeof(line), "Step %zu of %zu: %s (%s)\n",
		    p->step_index + 1, t->c->nsteps, p->title != NULL ?
		    p->title : "", p->step->id.s);
		append(&buf, &len, &cap, line);
		if (p->need != RUNNER_NEED_PARAM && p->help != NULL) {
			append(&buf, &len, &cap, "\n");
			append(&buf, &len, &cap, p->help);
		}
	}
	if (t->have_p && p->need == RUNNER_NEED_PARAM && p->name != NULL &&
	    (pm = ceremony_param_find(t->c, p->name)) != NULL) {
		snprintf(line, sizeof(line), "\nParameter %s (%s): %s\n",
		    p->name, ceremony_ptype_name(pm->type), p->prompt != NULL ?
		    p->prompt : "");
		append(&buf, &len, &cap, line);
		if (p->help != NULL)
			append(&buf, &len, &cap, p->help);
		if (pm->choices.n > 0 || pm->table != NULL)
			append(&buf, &len, &cap, "\nChoices:");
		for (i = 0; i < pm->choices.n; i++) {
			snprintf(line, sizeof(line), " %s", pm->choices.v[i].s);
			append(&buf, &len, &cap, line);
		}
		for (i = 0; pm->table != NULL && i < pm->table->nrows; i++) {
			snprintf(line, sizeof(line), " %s",
			    pm->table->rows[i].cells[pm->table->id_col].s);
			append(&buf, &len, &cap, line);
		}
		append(&buf, &len, &cap, "\n");
	}
	snprintf(line, sizeof(line), "\nMarks: %s done  %s current  %s to do  "
	    "%s failed  %s skipped  %s exception\n",
	    tui_mark_str(t, TM_DONE), tui_mark_str(t, TM_CURRENT),
	    tui_mark_str(t, TM_PENDING), tui_mark_str(t, TM_FAILED),
	    tui_mark_str(t, TM_SKIPPED), tui_mark_str(t, TM_EXCEPTION));
	append(&buf, &len, &cap, line);
	append(&buf, &len, &cap,
	    "\nKeys\n"
	    "In a text field (a value, a name, a card number, a PIN) every "
	    "letter and ? is typed into the field; only these act there:\n"
	    "  Enter        accept the value, present the card\n"
	    "  Tab          move between the field and the text (card "
	    "number and PIN)\n"
	    "  Esc          leave the field (then the letter keys below "
	    "act); close help, the log or a dialog\n"
	    "  Ctrl-U       clear the field\n"
	    "  Up/Down      scroll the instructions (in a list of values: "
	    "choose)\n"
	    "  PgUp/PgDn    scroll a page\n"
	    "  F1           this help (on every screen)\n"
	    "  Ctrl-C       quit after a confirmation, which says how to "
	    "resume\n"
	    "Outside a field, also:\n"
	    "  Enter        mark the step done; pick the value highlighted\n"
	    "  j/k          scroll the instructions\n"
	    "  s            skip an optional step (a required one says why "
	    "not)\n"
	    "  n            add a note to the step (logged)\n"
	    "  l            the whole event log\n"
	    "  ?            this help\n"
	    "  q            quit, as Ctrl-C\n"
	    "Below 80x24 the wizard pauses: only Ctrl-C (twice) and "
	    "making the terminal larger act.\n"
	    "\nA failed step offers: r retry, e exception (with a reason), "
	    "a abort.\n");
	return buf;
}

void
tui_help_open(struct tui *t)
{
	if (t->ov == TO_HELP)
		return;
	t->help_back = t->ov;
	t->ov = TO_HELP;
	t->helpscroll = 0;
}

void
tui_help_draw(struct tui *t)
{
	struct tui_line *wl;
	char *text;
	size_t n, i, max = 1000;
	int h = LINES - 3;

	erase();
	tui_header(t, "help");
	curs_set(0);
	if ((text = help_text(t)) == NULL)
		return;
	if ((wl = calloc(max, sizeof(*wl))) == NULL) {
		free(text);
		return;
	}
	n = tui_wrap(text, COLS - 4, wl, max);
	if (n > max)
		n = max;
	if (t->helpscroll > (int)n - h)
		t->helpscroll = (int)n - h;
	if (t->helpscroll < 0)
		t->helpscroll = 0;
	for (i = 0; (int)i < h && (size_t)t->helpscroll + i < n; i++)
		tui_putn(2 + (int)i, 2, COLS - 4, tui_attr(t, TC_NORMAL),
		    wl[t->helpscroll + i].s, wl[t->helpscroll + i].n);
	tui_keys(t, "Up/Down/PgUp/PgDn scroll   Esc, q or F1 back");
	free(wl);
	free(text);
}

int
tui_help_key(struct tui *t, int ch)
{
	switch (ch) {
	case KEY_UP:
	case 'k':
		t->helpscroll--;
		break;
	case KEY_DOWN:
	case 'j':
		t->helpscroll++;
		break;
	case KEY_PPAGE:
		t->helpscroll -= LINES - 4;
		break;
	case KEY_NPAGE:
		t->helpscroll += LINES - 4;
		break;
	case TUI_KEY_ESC:
	case 'q':
	case '?':
	case KEY_F(1):
		t->ov = t->help_back;
		t->help_back = TO_NONE;
		break;
	case TUI_KEY_CTRL('c'):
		t->ov = TO_QUIT;
		t->help_back = TO_NONE;
		break;
	default:
		return 0;
	}
	return 1;
}

int
tui_help_screen_key(struct tui *t, int help_ctrl_c)
{
	int ch = tui_getkey(t);

	if (ch == ERR || ch == KEY_RESIZE)
		return ERR;
	if (t->ov == TO_HELP) {
		tui_help_key(t, ch);
		if (t->ov != TO_QUIT)
			return ERR;
		t->ov = TO_NONE;
		return help_ctrl_c ? TUI_KEY_CTRL('c') : ERR;
	}
	if (ch == KEY_F(1)) {
		tui_help_open(t);
		return ERR;
	}
	return ch;
}
