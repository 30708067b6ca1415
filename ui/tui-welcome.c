/* SPDX-License-Identifier: ISC */
/*
 * tui-welcome.c: the first screen.  The ceremony's title, id and version,
 * the SHA-256 of the ceremony file (the witnesses compare it with the
 * reviewed runbook), LIVE or REHEARSAL, then the operator's and the
 * witness's names (the operator is the log's actor; the witness's name is
 * filled in for witness sign-offs).  Once the runner has opened the log,
 * the same screen shows the log's genesis fingerprint in groups to read
 * aloud and write in the minutes.
 */
#include <stdio.h>
#include <string.h>

#include "tui-int.h"

/* Hash groups "aaaaaaaa bbbbbbbb ...": one line when it fits, else two
 * lines of four groups.  Returns the rows used. */
static int
put_groups(struct tui *t, int y, int x, const char *g)
{
	int w = COLS - x - 1;

	if ((int)strlen(g) <= w || strlen(g) < 36) {
		tui_put(y, x, w, tui_attr(t, TC_TITLE), g);
		return 1;
	}
	tui_putn(y, x, w, tui_attr(t, TC_TITLE), g, 35);
	tui_put(y + 1, x, w, tui_attr(t, TC_TITLE), g + 36);
	return 2;
}

static void
draw(struct tui *t, int stage, struct tui_field *f, int focus)
{
	int y = 2, x = 16, i;
	const char *resumed = NULL;
	size_t k;

	if (tui_too_small(t))
		return;
	erase();
	curs_set(0);
	tui_header(t, "welcome");
	tui_put(y, 2, 14, tui_attr(t, TC_NORMAL), "Ceremony");
	y += tui_put_wrapped(t, y, x, COLS - x - 1, tui_attr(t, TC_TITLE),
	    t->c->title.s != NULL ? t->c->title.s : t->c->id.s, 2);
	tui_put(y, 2, 14, tui_attr(t, TC_NORMAL), "Id, version");
	tui_putf(y++, x, COLS - x - 1, tui_attr(t, TC_NORMAL), "%s, version %s",
	    t->c->id.s, t->c->version.s != NULL ? t->c->version.s : "1");
	tui_put(y, 2, 14, tui_attr(t, TC_NORMAL), "File");
	tui_put_path(t, y++, x, COLS - x - 1, tui_attr(t, TC_NORMAL),
	    t->ro->ceremony_path != NULL ? t->ro->ceremony_path : "-");
	tui_put(y, 2, 14, tui_attr(t, TC_NORMAL), "File SHA-256");
	y += put_groups(t, y, x, t->file_sha);
	tui_put(y, 2, 14, tui_attr(t, TC_NORMAL), "Run");
	if (t->ro->rehearsal)
		tui_put(y++, x, COLS - x - 1, tui_attr(t, TC_REHEARSAL),
		    " REHEARSAL: simulated module and vault, nothing is live ");
	else
		tui_put(y++, x, COLS - x - 1, tui_attr(t, TC_WARN),
		    "LIVE: this ceremony makes real keys");
	if (t->to->scenario != NULL) {
		tui_put(y, 2, 14, tui_attr(t, TC_NORMAL), "Scenario");
		y += tui_put_wrapped(t, y, x, COLS - x - 1,
		    tui_attr(t, TC_WARN), t->to->scenario, 2);
	}
	y++;
	tui_put(y, 2, 14, tui_attr(t, TC_NORMAL), "Operator");
	if (stage == 0)
		tui_field_draw(t, y++, x, 40, &f[0], 0);
	else
		tui_put(y++, x, COLS - x - 1, tui_attr(t, TC_NORMAL),
		    t->operator_name);
	tui_put(y, 2, 14, tui_attr(t, TC_NORMAL), "Witness");
	if (stage == 0)
		tui_field_draw(t, y++, x, 40, &f[1], 0);
	else
		tui_put(y++, x, COLS - x - 1, tui_attr(t, TC_NORMAL),
		    t->witness);
	y++;
	if (stage == 0) {
		tui_put(y, 2, COLS - 4, tui_attr(t, TC_NORMAL), "Witnesses: "
		    "compare the file's SHA-256 with the reviewed runbook.");
		if (t->msg[0] != '\0')
			tui_put(LINES - 2, 1, COLS - 2, tui_attr(t, TC_ERR),
			    t->msg);
		tui_keys(t, "type the names   Enter next   Tab other field   "
		    "F1 help   Ctrl-C leave");
		i = focus;
		tui_field_draw(t, y - 3 + i, x, 40, &f[i], 1);
		refresh();
		return;
	}
	tui_put(y, 2, 14, tui_attr(t, TC_NORMAL), "Log genesis");
	y += put_groups(t, y, x, t->genesis);
	for (k = 0; k < t->nlog; k++)
		if (strncmp(t->log[k].text, "resumed", 7) == 0)
			resumed = t->log[k].text;
	if (resumed != NULL) {
		tui_put(y, 2, 14, tui_attr(t, TC_NORMAL), "Resumed");
		y += tui_put_wrapped(t, y, x, COLS - x - 1,
		    tui_attr(t, TC_WARN), resumed, 2);
	}
	y++;
	tui_put(y, 2, COLS - 4, tui_attr(t, TC_NORMAL), "Write the genesis "
	    "fingerprint in the minutes; the witness reads it aloud.");
	tui_keys(t, "Enter begin   F1 help   Ctrl-C leave");
	refresh();
}

int
tui_welcome_names(struct tui *t)
{
	struct tui_field f[2];
	int ch, focus = 0;

	memset(f, 0, sizeof(f));
	for (;;) {
		if (t->ov == TO_HELP && !tui_too_small(t)) {
			tui_help_draw(t);
			refresh();
		} else
			draw(t, 0, f, focus);
		ch = tui_getkey(t);
		if (t->sig != 0)
			return 128 + t->sig;
		if (ch == ERR || ch == KEY_RESIZE)
			continue;
		if (t->ov == TO_HELP && ch != TUI_KEY_CTRL('c')) {
			tui_help_key(t, ch);
			continue;
		}
		if (ch == TUI_KEY_CTRL('c')) {
			t->quit = 1;
			return 1;
		}
		if (ch == KEY_F(1)) {
			tui_help_open(t);
			continue;
		}
		if (ch == '\t' || ch == KEY_DOWN || ch == KEY_UP) {
			focus = !focus;
			continue;
		}
		if (tui_is_enter(ch)) {
			t->msg[0] = '\0';
			if (f[focus].len == 0) {
				snprintf(t->msg, sizeof(t->msg), "type the %s's "
				    "name", focus == 0 ? "operator" :
				    "witness");
				continue;
			}
			if (focus == 0) {
				focus = 1;
				continue;
			}
			if (f[0].len == 0) {
				focus = 0;
				continue;
			}
			snprintf(t->operator_name, sizeof(t->operator_name),
			    "%.127s", f[0].buf);
			snprintf(t->witness, sizeof(t->witness), "%.127s",
			    f[1].buf);
			return 0;
		}
		tui_field_key(&f[focus], ch);
	}
}

int
tui_welcome_begin(struct tui *t)
{
	int ch;

	for (;;) {
		if (t->ov == TO_HELP && !tui_too_small(t))
			tui_help_draw(t), refresh();
		else
			draw(t, 1, NULL, 0);
		/* Ctrl-C in the help only closes it */
		ch = tui_help_screen_key(t, 0);
		if (t->sig != 0)
			return 128 + t->sig;
		if (ch == ERR)
			continue;
		if (ch == TUI_KEY_CTRL('c')) {
			t->quit = 1;
			return 1;
		}
		if (ch == '?')
			tui_help_open(t);
		if (tui_is_enter(ch))
			return 0;
	}
}
