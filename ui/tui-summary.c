/* SPDX-License-Identifier: ISC */
/*
 * tui-summary.c: the end of a sealed ceremony: Result: SUCCESS and the
 * runner's summary for the paper minutes (origin, genesis fingerprint,
 * seal size and root, the log file's SHA-256, every artifact's SHA-256 in
 * groups of eight) and the files the run leaves (log, transcript,
 * summary, the trainer's report), scrollable.  It is printed on standard output again
 * when the wizard ends, so it stays on the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui-int.h"

/* The summary, then the files the run leaves and where. */
static char *
with_files(const struct tui *t, const char *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	int d = -1;

	if (t->ro->rehearsal)
		d = runner_write_report(t->r);
	if (t->ro->scenario == NULL)
		d = -1;
	if ((f = open_memstream(&out, &len)) == NULL)
		return NULL;
	if (d > 0)
		fprintf(f, "Trainer: %d %s from the expected %s; the "
		    "report marks %s DIFFERS.\n\n", d, d == 1 ?
		    "response differs" : "responses differ", d == 1 ?
		    "one" : "ones", d == 1 ? "it" : "each");
	else if (d == 0)
		fprintf(f, "Trainer: every response as expected (see the "
		    "report).\n\n");
	fputs(s, f);
	if (t->to->kept) {
		fprintf(f, "\nThe files of this run:\n");
		fprintf(f, "  log:        %s\n", t->ro->log_path);
		fprintf(f, "  transcript: %s/transcript.txt\n", t->ro->out_dir);
		fprintf(f, "  summary:    %s/summary.txt\n", t->ro->out_dir);
		if (t->ro->rehearsal)
			fprintf(f, "  report:     %s/report.md (the trainer's "
			    "report)\n", t->ro->out_dir);
	} else
		fprintf(f, "\nThis rehearsal's folder is removed when the "
		    "wizard closes (--discard).\n");
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

int
tui_summary(struct tui *t)
{
	struct tui_line *wl;
	char *s, *folded = NULL;
	size_t n, i, max = 2000;
	int ch, h, scroll = 0;

	if ((s = with_files(t, t->p.summary != NULL ? t->p.summary : "")) ==
	    NULL)
		return 0;
	if ((wl = calloc(max, sizeof(*wl))) == NULL) {
		free(s);
		return 0;
	}
	for (;;) {
		if (t->sig != 0)
			break;
		if (t->ov == TO_HELP && !tui_too_small(t)) {
			tui_help_draw(t);
			refresh();
		} else if (!tui_too_small(t)) {
			erase();
			curs_set(0);
			tui_header(t, "sealed");
			tui_put(2, 2, COLS - 4, tui_attr(t, TC_OK),
			    "Result: SUCCESS - the ceremony is complete and its "
			    "log is sealed");
			tui_put(3, 2, COLS - 4, tui_attr(t, TC_NORMAL),
			    "Copy these lines into the paper minutes; the "
			    "witness reads the hashes aloud.");
			h = LINES - 6;
			free(folded);
			if ((folded = tui_fold_hashes(s, COLS - 4)) == NULL)
				break;
			n = tui_wrap(folded, COLS - 4, wl, max);
			if (n > max)
				n = max;
			if (scroll > (int)n - h)
				scroll = (int)n - h;
			if (scroll < 0)
				scroll = 0;
			for (i = 0; (int)i < h && (size_t)scroll + i < n; i++)
				tui_putn(5 + (int)i, 2, COLS - 4,
				    tui_attr(t, TC_NORMAL), wl[scroll + i].s,
				    wl[scroll + i].n);
			tui_keys(t, "Up/Down/PgUp/PgDn scroll   Enter or q "
			    "leave   F1 help");
			refresh();
		}
		/* Ctrl-C, here or in the help: leave */
		if ((ch = tui_help_screen_key(t, 1)) == ERR)
			continue;
		if (ch == KEY_UP || ch == 'k')
			scroll--;
		else if (ch == KEY_DOWN || ch == 'j')
			scroll++;
		else if (ch == KEY_PPAGE)
			scroll -= LINES - 7;
		else if (ch == KEY_NPAGE)
			scroll += LINES - 7;
		else if (tui_is_enter(ch) || ch == 'q' || ch == TUI_KEY_ESC ||
		    ch == TUI_KEY_CTRL('c'))
			break;
	}
	free(wl);
	free(folded);
	free(s);
	return t->sig != 0 ? 128 + t->sig : 0;
}
