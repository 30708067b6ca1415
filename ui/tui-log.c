/* SPDX-License-Identifier: ISC */
/*
 * tui-log.c: the runner's events as a live pane under the main screen and
 * as a full-screen view (l).  Every event is kept (up to TUI_LOG_MAX
 * lines) with its step, so the main screen can show a step's own output
 * (tui-result.c).  The events also keep the step marks up to date while
 * the runner works (the loop then takes them from runner_state).  Nothing secret reaches an event (runner.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "tui-int.h"

static size_t
step_index(const struct tui *t, const char *id)
{
	size_t i;

	if (id == NULL)
		return SIZE_MAX;
	for (i = 0; i < t->c->nsteps; i++)
		if (t->c->steps[i].id.s != NULL &&
		    strcmp(t->c->steps[i].id.s, id) == 0)
			return i;
	return SIZE_MAX;
}

static void
add(struct tui *t, enum runner_event_kind kind, size_t step,
    const char *text)
{
	struct tui_logline *l;
	size_t i;

	if (t->log == NULL && (t->log = calloc(TUI_LOG_MAX,
	    sizeof(*t->log))) == NULL)
		return;
	if (t->nlog == TUI_LOG_MAX) {
		free(t->log[0].text);
		for (i = 1; i < TUI_LOG_MAX; i++)
			t->log[i - 1] = t->log[i];
		t->nlog--;
	}
	l = &t->log[t->nlog];
	if ((l->text = strdup(text)) == NULL)
		return;
	l->kind = kind;
	l->step = step;
	t->nlog++;
}

static void
note_result(struct tui *t, size_t i, const char *text)
{
	if (strcmp(text, "skipped") == 0) {
		t->marks[i] = TM_SKIPPED;
		return;
	}
	/* a failure is marked when the decision is asked (tui.c) */
	t->marks[i] = TM_DONE;
}

void
tui_log_event(void *arg, const struct runner_event *ev)
{
	struct tui *t = arg;
	char groups[128], text[1400];
	const char *s = ev->text != NULL ? ev->text : "";
	size_t i = step_index(t, ev->step);

	switch (ev->kind) {
	case RUNNER_EV_STEP_START:
		if (i != SIZE_MAX)
			t->marks[i] = TM_CURRENT;
		snprintf(text, sizeof(text), "start: %s", s);
		break;
	case RUNNER_EV_STEP_RESULT:
		if (i != SIZE_MAX)
			note_result(t, i, s);
		snprintf(text, sizeof(text), "%s", s);
		break;
	case RUNNER_EV_ARTIFACT:
		if (ev->sha256 == NULL || kr_hex_group(ev->sha256, 8, 0,
		    groups, sizeof(groups)) < 0)
			snprintf(groups, sizeof(groups), "%s",
			    ev->sha256 != NULL ? ev->sha256 : "?");
		snprintf(text, sizeof(text), "wrote %s (SHA-256)\n  %s", s,
		    groups);
		break;
	case RUNNER_EV_CHECKPOINT:
		snprintf(text, sizeof(text), "checkpoint: %s", s);
		break;
	case RUNNER_EV_WARNING:
		snprintf(text, sizeof(text), "warning: %s", s);
		break;
	case RUNNER_EV_FAULT:
		/* announced by the scenario: for the trainer, on the
		 * message row while its step lasts */
		snprintf(t->fault, sizeof(t->fault), "%s", s);
		t->fault_step = i != SIZE_MAX ? i + 1 : t->cur + 1;
		snprintf(text, sizeof(text), "%s", s);
		break;
	case RUNNER_EV_CARD:
	case RUNNER_EV_INFO:
	default:
		snprintf(text, sizeof(text), "%s", s);
		break;
	}
	if (ev->kind == RUNNER_EV_CARD && strstr(s, ": accepted") != NULL) {
		int n = atoi(s + strcspn(s, "0123456789"));

		if (n > 0 && n <= CEREMONY_QUORUM_MAX)
			t->accepted[n] = 1;
	}
	if (ev->kind == RUNNER_EV_CARD && strncmp(s, "card ", 5) == 0 &&
	    (strstr(s, ": damaged") != NULL || strstr(s, ": missing") !=
	    NULL)) {
		int n = atoi(s + 5);

		if (n > 0 && n <= CEREMONY_QUORUM_MAX)
			t->unusable[n] = 1;
	}
	add(t, ev->kind, i, text);
	if (t->busy)
		tui_main_draw(t);
}

static attr_t
kind_attr(const struct tui *t, enum runner_event_kind k, const char *text)
{
	if (k == RUNNER_EV_WARNING || k == RUNNER_EV_FAULT)
		return tui_attr(t, TC_WARN);
	if (k == RUNNER_EV_STEP_RESULT && strncmp(text, "Result: SUCCESS",
	    15) == 0)
		return tui_attr(t, TC_OK);
	if (k == RUNNER_EV_CARD && strstr(text, "accepted") == NULL)
		return tui_attr(t, TC_ERR);
	return tui_attr(t, TC_NORMAL);
}

/* Wraps a log line with its hashes folded; *f is to be freed after the
 * lines are used. */
static size_t
wrap_line(const char *line, int w, struct tui_line *wl, size_t max,
    char **f)
{
	*f = tui_fold_hashes(line, w);
	return tui_wrap(*f != NULL ? *f : line, w, wl, max);
}

/* "[step] text" lines, wrapped to w, in `rows' rows: the last ones,
 * `back' rows up from the end. */
static void
draw_lines(struct tui *t, int y, int x, int w, int rows, int back)
{
	struct tui_line wl[64];
	char line[1600];
	const struct tui_logline *l;
	char *f;
	size_t i, n, k, total = 0;
	int row;

	i = t->nlog;
	while (i > 0 && (int)total < rows + back) {
		l = &t->log[i - 1];
		snprintf(line, sizeof(line), "[%s] %s", l->step != SIZE_MAX ?
		    t->c->steps[l->step].id.s : "-", l->text);
		n = wrap_line(line, w, wl, 64, &f);
		total += n < 64 ? n : 64;
		free(f);
		i--;
	}
	row = rows + back - (int)total;
	for (; i < t->nlog; i++) {
		l = &t->log[i];
		snprintf(line, sizeof(line), "[%s] %s", l->step != SIZE_MAX ?
		    t->c->steps[l->step].id.s : "-", l->text);
		n = wrap_line(line, w, wl, 64, &f);
		for (k = 0; k < n && k < 64; k++, row++)
			if (row >= 0 && row < rows)
				tui_putn(y + row, x, w, kind_attr(t, l->kind,
				    l->text), wl[k].s, wl[k].n);
		free(f);
	}
}

void
tui_log_pane(struct tui *t, const struct tui_layout *l)
{
	tui_hline(t, l->log_y, 0, l->cols);
	tui_put(l->log_y, 2, 20, tui_attr(t, TC_TITLE), " Log ");
	draw_lines(t, l->log_y + 1, 1, l->cols - 2, l->log_h - 1, 0);
}

void
tui_log_view(struct tui *t)
{
	int rows = LINES - 3;

	erase();
	tui_header(t, "log");
	if (t->logscroll < 0)
		t->logscroll = 0;
	draw_lines(t, 1, 1, COLS - 2, rows, t->logscroll);
	tui_keys(t, "Up/Down/PgUp/PgDn scroll   Esc or l back   F1 help");
}

int
tui_log_key(struct tui *t, int ch)
{
	int page = LINES - 4;

	switch (ch) {
	case KEY_UP:
	case 'k':
		t->logscroll++;
		break;
	case KEY_DOWN:
	case 'j':
		if (t->logscroll > 0)
			t->logscroll--;
		break;
	case KEY_PPAGE:
		t->logscroll += page;
		break;
	case KEY_NPAGE:
		t->logscroll = t->logscroll > page ? t->logscroll - page : 0;
		break;
	case TUI_KEY_ESC:
	case 'l':
	case 'q':
		t->ov = TO_NONE;
		t->logscroll = 0;
		break;
	default:
		return 0;
	}
	return 1;
}

void
tui_log_free(struct tui *t)
{
	size_t i;

	for (i = 0; i < t->nlog; i++)
		free(t->log[i].text);
	free(t->log);
	t->log = NULL;
	t->nlog = 0;
}
