/* SPDX-License-Identifier: ISC */
/*
 * tui-draw.c: the wizard's drawing primitives: attributes and colours,
 * UTF-8 text clipped to a width, word wrap, lines, the header, the keys
 * row, the main layout and the too-small screen.
 *
 * Drawing goes through tui_put(), which decodes UTF-8 (an invalid byte or
 * a control character shows as '?') and clips to a width, so text from
 * the ceremony or the log never moves the cursor.  Under LANG=C the marks
 * and lines are ASCII; NO_COLOR or a monochrome terminal uses bold and
 * reverse video only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui-int.h"

attr_t
tui_attr(const struct tui *t, enum tui_color c)
{
	return t->attrs[c];
}

/* Attributes: colours unless NO_COLOR or a monochrome terminal. */
void
tui_colors_init(struct tui *t)
{
	const char *nc = getenv("NO_COLOR");

	t->attrs[TC_NORMAL] = A_NORMAL;
	t->attrs[TC_HEADER] = A_REVERSE;
	t->attrs[TC_REHEARSAL] = A_REVERSE | A_BOLD;
	t->attrs[TC_OK] = A_BOLD;
	t->attrs[TC_ERR] = A_BOLD;
	t->attrs[TC_WARN] = A_BOLD;
	t->attrs[TC_CURRENT] = A_REVERSE;
	t->attrs[TC_DIM] = A_NORMAL;
	t->attrs[TC_FIELD] = A_UNDERLINE;
	t->attrs[TC_TITLE] = A_BOLD;
	if ((nc != NULL && nc[0] != '\0') || !has_colors() ||
	    start_color() == ERR || COLORS < 8)
		return;
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE);
	init_pair(2, COLOR_BLACK, COLOR_YELLOW);
	init_pair(3, COLOR_GREEN, -1);
	init_pair(4, COLOR_RED, -1);
	init_pair(5, COLOR_YELLOW, -1);
	init_pair(6, COLOR_CYAN, -1);
	t->color = 1;
	t->attrs[TC_HEADER] = COLOR_PAIR(1) | A_BOLD;
	t->attrs[TC_REHEARSAL] = COLOR_PAIR(2) | A_BOLD;
	t->attrs[TC_OK] = COLOR_PAIR(3) | A_BOLD;
	t->attrs[TC_ERR] = COLOR_PAIR(4) | A_BOLD;
	t->attrs[TC_WARN] = COLOR_PAIR(5) | A_BOLD;
	t->attrs[TC_CURRENT] = COLOR_PAIR(6) | A_BOLD | A_REVERSE;
}

const char *
tui_mark_str(const struct tui *t, enum tui_mark m)
{
	static const char *const u[] = { "\xc2\xb7", "\xe2\x96\xb6",
	    "\xe2\x9c\x93", "\xe2\x9c\x97", "-", "!" };
	static const char *const a[] = { ".", ">", "+", "x", "-", "!" };

	if ((unsigned)m > TM_EXCEPTION)
		m = TM_PENDING;
	return t->utf8 ? u[m] : a[m];
}

/* Decodes one character: its width (0 for a combining one), or -1 with
 * a '?' to show. */
static size_t
decode(const char *s, size_t n, mbstate_t *st, wchar_t *wc, int *w)
{
	size_t k;

	k = mbrtowc(wc, s, n, st);
	if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
		memset(st, 0, sizeof(*st));
		*wc = L'?';
		*w = 1;
		return 1;
	}
	/* C0, C1 and the bidirectional controls (which would reorder what
	 * the witness reads) show as '?' */
	if (*wc < 0x20 || *wc == 0x7f || (*wc >= 0x80 && *wc < 0xa0) ||
	    (*wc >= 0x202a && *wc <= 0x202e) || (*wc >= 0x2066 &&
	    *wc <= 0x2069) || *wc == 0x200e || *wc == 0x200f ||
	    *wc == 0x061c) {
		*wc = L'?';
		*w = 1;
		return k;
	}
	if ((*w = wcwidth(*wc)) < 0) {
		*wc = L'?';
		*w = 1;
	}
	return k;
}

int
tui_textw(const char *s, size_t n)
{
	mbstate_t st;
	wchar_t wc;
	size_t k;
	int w, total = 0;

	memset(&st, 0, sizeof(st));
	while (n > 0 && *s != '\0') {
		k = decode(s, n, &st, &wc, &w);
		total += w;
		s += k;
		n -= k;
	}
	return total;
}

/* Draws at most n bytes of s in w columns; returns the columns used. */
int
tui_putn(int y, int x, int w, attr_t a, const char *s, size_t n)
{
	wchar_t buf[256];
	mbstate_t st;
	wchar_t wc;
	size_t k, nb = 0;
	int cw, used = 0;

	if (w <= 0)
		return 0;
	memset(&st, 0, sizeof(st));
	attrset(a);
	move(y, x);
	while (n > 0 && *s != '\0') {
		k = decode(s, n, &st, &wc, &cw);
		if (used + cw > w)
			break;
		buf[nb++] = wc;
		used += cw;
		s += k;
		n -= k;
		if (nb == sizeof(buf) / sizeof(buf[0]) - 1) {
			buf[nb] = L'\0';
			addnwstr(buf, (int)nb);
			nb = 0;
		}
	}
	buf[nb] = L'\0';
	if (nb > 0)
		addnwstr(buf, (int)nb);
	attrset(A_NORMAL);
	return used;
}

int
tui_put(int y, int x, int w, attr_t a, const char *s)
{
	return tui_putn(y, x, w, a, s, strlen(s));
}

/* A path in w columns: when too wide, its start gives way to "..." (an
 * ellipsis under UTF-8) so that the file name stays. */
int
tui_put_path(const struct tui *t, int y, int x, int w, attr_t a,
    const char *path)
{
	const char *s = path, *dots = t->utf8 ? "\xe2\x80\xa6" : "...";
	int dw = t->utf8 ? 1 : 3, used;

	if (tui_textw(path, strlen(path)) <= w)
		return tui_put(y, x, w, a, path);
	while (*s != '\0' && tui_textw(s, strlen(s)) > w - dw)
		s++;
	while ((*s & 0xc0) == 0x80)
		s++;
	/* start at a directory boundary when there is one */
	if (strchr(s, '/') != NULL && *s != '/')
		s = strchr(s, '/');
	used = tui_put(y, x, dw, a, dots);
	return used + tui_put(y, x + used, w - used, a, s);
}

int
tui_putf(int y, int x, int w, attr_t a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return tui_put(y, x, w, a, buf);
}

size_t
tui_wrap(const char *s, int w, struct tui_line *lines, size_t max)
{
	mbstate_t st;
	wchar_t wc;
	const char *p, *start, *brk, *pbrk;
	size_t count = 0, k;
	int cw, used;

	if (w < 1)
		w = 1;
	p = s;
	while (*p != '\0') {
		start = p;
		brk = pbrk = NULL;
		used = 0;
		memset(&st, 0, sizeof(st));
		while (*p != '\0' && *p != '\n') {
			k = decode(p, strlen(p), &st, &wc, &cw);
			if (used + cw > w)
				break;
			if (*p == ' ')
				brk = p;
			else if (strchr("/,=&?;)-", *p) != NULL)
				pbrk = p + 1;
			used += cw;
			p += k;
		}
		if (*p != '\0' && *p != '\n' && brk != NULL && brk > start) {
			if (count < max) {
				lines[count].s = start;
				lines[count].n = (size_t)(brk - start);
			}
			count++;
			p = brk + 1;
			continue;
		}
		/* a word wider than the line (a URL, a path): broken after a
		 * slash or a comma, never inside a name */
		if (*p != '\0' && *p != '\n' && pbrk != NULL && pbrk > start &&
		    pbrk < p) {
			if (count < max) {
				lines[count].s = start;
				lines[count].n = (size_t)(pbrk - start);
			}
			count++;
			p = pbrk;
			continue;
		}
		if (count < max) {
			lines[count].s = start;
			lines[count].n = (size_t)(p - start);
		}
		count++;
		if (*p == '\n')
			p++;
	}
	return count;
}

void
tui_hline(const struct tui *t, int y, int x, int w)
{
	int i;

	move(y, x);
	for (i = 0; i < w; i++)
		addstr(t->utf8 ? "\xe2\x94\x80" : "-");
}

void
tui_vline(const struct tui *t, int y, int x, int h)
{
	int i;

	for (i = 0; i < h; i++)
		mvaddstr(y + i, x, t->utf8 ? "\xe2\x94\x82" : "|");
}

/* s in w columns; when too wide, cut at the last word that fits and
 * ended with an ellipsis ("..." under LANG=C). */
int
tui_put_short(const struct tui *t, int y, int x, int w, attr_t a,
    const char *s)
{
	const char *dots = t->utf8 ? "\xe2\x80\xa6" : "...";
	int dw = t->utf8 ? 1 : 3;
	size_t n = strlen(s);

	if (tui_textw(s, n) <= w)
		return tui_put(y, x, w, a, s);
	if (w <= dw)
		return tui_put(y, x, w, a, dots);
	while (n > 0 && tui_textw(s, n) > w - dw)
		n--;
	while (n > 0 && (s[n] & 0xc0) == 0x80)
		n--;
	if (memchr(s, ' ', n) != NULL)
		while (n > 0 && s[n] != ' ')
			n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == ':' ||
	    s[n - 1] == ','))
		n--;
	n = (size_t)tui_putn(y, x, w - dw, a, s, n);
	return (int)n + tui_put(y, x + (int)n, dw, a, dots);
}

/* s wrapped at words in up to max rows of w columns; when it needs more,
 * the last row ends with an ellipsis.  Returns the rows used (at least
 * one). */
int
tui_put_wrapped(const struct tui *t, int y, int x, int w, attr_t a,
    const char *s, int max)
{
	struct tui_line wl[8];
	size_t n, i;

	if (max > 8)
		max = 8;
	if (max < 1 || (n = tui_wrap(s, w, wl, 8)) == 0)
		return 1;
	for (i = 0; i < n && (int)i < max; i++) {
		if ((int)i == max - 1 && n > (size_t)max)
			tui_put_short(t, y + (int)i, x, w, a, wl[i].s);
		else
			tui_putn(y + (int)i, x, w, a, wl[i].s, wl[i].n);
	}
	return (int)i;
}

/* Row 0: keyrite, the ceremony, LIVE or REHEARSAL on the right. */
void
tui_header(struct tui *t, const char *right)
{
	const char *mark = t->ro->rehearsal ? " REHEARSAL " : " LIVE ";
	char title[512];
	int cols = COLS, mw = (int)strlen(mark), rw;

	attrset(tui_attr(t, TC_HEADER));
	mvhline(0, 0, ' ', cols);
	rw = right != NULL ? tui_textw(right, strlen(right)) : 0;
	snprintf(title, sizeof(title), "keyrite: %s", t->c->title.s != NULL ?
	    t->c->title.s : t->c->id.s);
	tui_put_short(t, 0, 1, cols - mw - rw - 4, tui_attr(t, TC_HEADER),
	    title);
	if (right != NULL)
		tui_put(0, cols - mw - rw - 2, rw, tui_attr(t, TC_HEADER),
		    right);
	tui_put(0, cols - mw, mw, t->ro->rehearsal ?
	    tui_attr(t, TC_REHEARSAL) : tui_attr(t, TC_HEADER), mark);
}

/* The last row: what the keys do now. */
void
tui_keys(struct tui *t, const char *keys)
{
	move(LINES - 1, 0);
	clrtoeol();
	if (!t->busy && t->ov != TO_HELP)
		t->keys_now = keys;
	tui_put(LINES - 1, 1, COLS - 2, tui_attr(t, TC_DIM), t->busy ?
	    "working..." : keys);
}

void
tui_layout(struct tui_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->rows = LINES;
	l->cols = COLS;
	l->list_w = COLS >= 120 ? 30 : 24;
	l->log_h = LINES >= 40 ? 9 : 5;		/* title row + lines */
	l->body_y = 2;
	l->log_y = LINES - 2 - l->log_h;
	l->body_h = l->log_y - l->body_y;
	l->right_x = l->list_w + 2;
	l->right_w = COLS - l->right_x - 1;
}

/* Below 80x24 the wizard pauses: this screen, and no key but Ctrl-C
 * (twice: tui_getkey) and a resize acts. */
int
tui_too_small(struct tui *t)
{
	struct tui_line wl[12];
	char text[512];
	size_t n, i;

	if (COLS >= TUI_MIN_COLS && LINES >= TUI_MIN_LINES)
		return 0;
	erase();
	curs_set(0);
	tui_put(0, 0, COLS, tui_attr(t, TC_REHEARSAL),
	    t->ro->rehearsal ? "REHEARSAL" : "LIVE");
	snprintf(text, sizeof(text), "Paused: the terminal is %dx%d; the "
	    "wizard needs %dx%d. Make it larger to go on (nothing typed is "
	    "lost); no other key acts meanwhile.\n\n%s", COLS, LINES,
	    TUI_MIN_COLS, TUI_MIN_LINES, t->small_quit ? "Press Ctrl-C "
	    "again to leave the wizard; the log stays unsealed." :
	    "Ctrl-C leaves the wizard (it asks once more).");
	n = tui_wrap(text, COLS - 2, wl, 12);
	for (i = 0; i < n && i < 12 && (int)i + 2 < LINES; i++)
		tui_putn(2 + (int)i, 1, COLS - 2, i + 1 == n ?
		    tui_attr(t, TC_WARN) : tui_attr(t, TC_NORMAL), wl[i].s,
		    wl[i].n);
	refresh();
	return 1;
}
