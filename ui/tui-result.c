/* SPDX-License-Identifier: ISC */
/*
 * tui-result.c: what a step did, and the failure screen.
 *
 * A step's result is its own events from the log (tui-log.c): the lines it
 * showed (commands, hashes, checklist items), `Result: SUCCESS' or its
 * detail, each artifact with its SHA-256 in groups of eight for the
 * witness to read aloud, card results and the checkpoint.  The main screen
 * shows it under the step's instructions, so the witness signs off while
 * looking at it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tui-int.h"

static int
is_hash_at(const char *s)
{
	int g, i;

	for (g = 0; g < 8; g++) {
		for (i = 0; i < 8; i++)
			if (!((s[g * 9 + i] >= '0' && s[g * 9 + i] <= '9') ||
			    (s[g * 9 + i] >= 'a' && s[g * 9 + i] <= 'f')))
				return 0;
		if (g < 7 && s[g * 9 + 8] != ' ')
			return 0;
	}
	return 1;
}

static char *
fold_once(const char *s, int w)
{
	const char *line, *nl, *p, *h;
	char *out, *o;
	size_t n, len = strlen(s);
	int col;

	/* every fold adds at most a newline and w + 4 spaces */
	if ((out = malloc(len * 2 + (len / 71 + 1) * ((size_t)w + 8) +
	    1)) == NULL)
		return NULL;
	o = out;
	for (line = s; *line != '\0'; line = nl) {
		nl = strchr(line, '\n');
		nl = nl != NULL ? nl + 1 : line + strlen(line);
		n = (size_t)(nl - line);
		h = NULL;
		if (tui_textw(line, n) > w)
			for (p = line; p + 71 <= nl; p++)
				if ((p == line || p[-1] == ' ') &&
				    is_hash_at(p)) {
					h = p;
					break;
				}
		if (h == NULL) {
			memcpy(o, line, n);
			o += n;
			continue;
		}
		col = tui_textw(line, (size_t)(h - line));
		if (col + 35 > w) {
			/* the hash under the text, indented */
			memcpy(o, line, (size_t)(h - line));
			o += h - line;
			while (o > out && o[-1] == ' ')
				o--;
			memcpy(o, "\n    ", 5);
			o += 5;
			col = 4;
		} else {
			memcpy(o, line, (size_t)(h - line));
			o += h - line;
		}
		memcpy(o, h, 35);
		o += 35;
		*o++ = '\n';
		memset(o, ' ', (size_t)col);
		o += col;
		memcpy(o, h + 36, (size_t)(nl - (h + 36)));
		o += nl - (h + 36);
	}
	*o = '\0';
	return out;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int
is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* s with each run of exactly 64 hex digits (a SHA-256 not grouped yet)
 * split into groups of eight, as the witness reads them; malloc'd. */
static char *
group_bare(const char *s)
{
	size_t len = strlen(s), i, j, k, n = 0;
	char *out;

	if ((out = malloc(len + len / 64 * 7 + 1)) == NULL)
		return NULL;
	for (i = 0; i < len;) {
		for (j = i; j < len && is_hex(s[j]); j++)
			;
		if (j - i == 64 && (i == 0 || !is_alnum(s[i - 1])) &&
		    !is_alnum(s[j])) {
			for (k = 0; k < 64; k++) {
				if (k > 0 && k % 8 == 0)
					out[n++] = ' ';
				out[n++] = s[i + k];
			}
			i = j;
			continue;
		}
		if (j == i)
			j++;
		memcpy(out + n, s + i, j - i);
		n += j - i;
		i = j;
	}
	out[n] = '\0';
	return out;
}

char *
tui_fold_hashes(const char *s, int w)
{
	char *a, *b, *g;
	int i;

	if ((g = group_bare(s)) == NULL)
		return NULL;
	a = fold_once(g, w);
	free(g);
	if (a == NULL)
		return NULL;
	/* a line may hold two hashes (got ..., expected ...) */
	for (i = 0; i < 3 && strcmp(a, s) != 0; i++) {
		if ((b = fold_once(a, w)) == NULL)
			break;
		if (strcmp(a, b) == 0) {
			free(b);
			break;
		}
		free(a);
		a = b;
	}
	return a;
}

size_t
tui_result_text(struct tui *t, size_t step, char **out)
{
	char *buf = NULL, *nb;
	size_t i, len = 0, cap = 0, n, lines = 0;
	const char *pfx;

	*out = NULL;
	for (i = 0; i < t->nlog; i++) {
		const struct tui_logline *l = &t->log[i];

		if (l->step != step || l->kind == RUNNER_EV_STEP_START)
			continue;
		pfx = l->kind == RUNNER_EV_STEP_RESULT &&
		    strncmp(l->text, "Result:", 7) != 0 &&
		    strcmp(l->text, "skipped") != 0 ? "Result: " : "";
		n = strlen(pfx) + strlen(l->text) + 2;
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			if ((nb = realloc(buf, cap)) == NULL)
				break;
			buf = nb;
		}
		len += (size_t)snprintf(buf + len, cap - len, "%s%s\n", pfx,
		    l->text);
		lines++;
	}
	*out = buf;
	return lines;
}

/* The ceremony stopped for good: the reason and what to do. */
int
tui_result_failed(struct tui *t)
{
	struct tui_line wl[32];
	const char *msg = t->p.message != NULL ? t->p.message :
	    "(no reason given)";
	size_t n, i;
	int ch, y;

	for (;;) {
		if (t->sig != 0)
			return 128 + t->sig;
		if (t->ov == TO_HELP && !tui_too_small(t)) {
			tui_help_draw(t);
			refresh();
		} else if (!tui_too_small(t)) {
			erase();
			tui_header(t, NULL);
			tui_put(2, 2, COLS - 4, tui_attr(t, TC_ERR),
			    "Result: FAILED");
			n = tui_wrap(msg, COLS - 4, wl, 32);
			for (i = 0, y = 4; i < n && i < 32 && y < LINES - 8;
			    i++, y++)
				tui_putn(y, 2, COLS - 4, tui_attr(t, TC_NORMAL),
				    wl[i].s, wl[i].n);
			y++;
			tui_put(y++, 2, COLS - 4, tui_attr(t, TC_NORMAL),
			    "The ceremony cannot go on. The log keeps every "
			    "entry up to here;");
			tui_put(y++, 2, COLS - 4, tui_attr(t, TC_NORMAL),
			    "check it with `keyrite audit verify LOG' and "
			    "record the failure in the minutes.");
			tui_keys(t, "Enter or q: leave the wizard   F1 help");
			refresh();
		}
		if ((ch = tui_help_screen_key(t, 1)) == ERR)
			continue;
		if (tui_is_enter(ch) || ch == 'q' || ch == TUI_KEY_ESC ||
		    ch == TUI_KEY_CTRL('c'))
			return t->p.code != 0 ? kr_exit_status(t->p.code) : 1;
	}
}
