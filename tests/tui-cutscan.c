/* SPDX-License-Identifier: ISC */
/*
 * tui-cutscan: finds words cut at a pane edge in captured wizard screens.
 *
 *   tui-cutscan COLS SCREENS [-c] VOCAB...
 *
 * SCREENS holds tmux captures (`capture-pane -p'), one screen after the
 * other, each followed by a line "=====".  Every VOCAB file gives the
 * words the wizard may show whole: the ceremony file, the run's log,
 * transcript, summary and report, and (after -c, for the files that
 * follow) only the string literals of C sources, the wizard's and the
 * runner's own texts.  A word is a run of ASCII letters and digits,
 * compared without case.
 *
 * The edges of the panes are found in each screen: a vertical line (a
 * column of the same border glyph, `│' or `|', on two rows or more)
 * separates two panes, and the screen's own left and right margins bound
 * the outer ones.  A pane's text may end one column before its right
 * edge or leave one blank column (a dialog's padding).  Two things are
 * cuts:
 *
 *   - a letter or digit on both sides of a border glyph: a word that
 *     runs across a border;
 *   - the text that touches an edge (the last word before a right edge,
 *     the first after a left edge) is not a whole word of the vocabulary:
 *     a word truncated at the edge ("the cards in the se"), or the rest of
 *     one hard-broken across two lines.  At a right edge the whole text
 *     between blanks must also be one the vocabulary holds as such (with
 *     case), unless it ends where a line may break (after `/', `,', `-',
 *     `)' ...) or is a number: so "F" cut from "F1" is found although
 *     "f" is a word.  A text that ends (or starts) with an ellipsis (`…'
 *     or `...') is shortened on purpose and passes; so does a group of
 *     eight hex digits (hashes are shown in such groups).
 *
 * Each finding is printed as "screen N row R col C: ..." with the row;
 * the exit status is 1 when there is any, 0 when none, 2 on a usage
 * or input error.  A cut that leaves a whole word itself ("Administrator
 * Card" cut from "... Card Set") cannot be told from text by a capture
 * alone; the vocabulary check finds every other one.  C sources are read
 * for their string literals only (comments and character constants
 * skipped), so that code does not count as words.
 */
#define _XOPEN_SOURCE 700

#include <ctype.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define MAXCOLS		512
#define MAXROWS		256
#define VOCAB_BITS	18
#define VOCAB_SIZE	(1u << VOCAB_BITS)

static char *vocab[VOCAB_SIZE];	/* words */
static char *tokens[VOCAB_SIZE];	/* whole texts between blanks */

/* Words are compared without case (a station is shown in capitals),
 * whole texts with it. */
static int
fold(char **set, int c)
{
	return set == vocab ? tolower(c) : c;
}

static unsigned
hash(char **set, const char *s, size_t n)
{
	unsigned h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)fold(set, (unsigned char)s[i])) *
		    16777619u;
	return h & (VOCAB_SIZE - 1);
}

static int
word_eq(char **set, const char *w, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] == '\0' || w[i] != fold(set, (unsigned char)s[i]))
			return 0;
	return w[n] == '\0';
}

static int
set_has(char **set, const char *s, size_t n)
{
	unsigned h = hash(set, s, n);

	while (set[h] != NULL) {
		if (word_eq(set, set[h], s, n))
			return 1;
		h = (h + 1) & (VOCAB_SIZE - 1);
	}
	return 0;
}

static int
vocab_has(const char *s, size_t n)
{
	return set_has(vocab, s, n);
}

static size_t nvocab, ntokens;

static void
set_add(char **set, size_t *count, const char *s, size_t n)
{
	unsigned h;
	size_t i;
	char *w;

	if (n == 0 || set_has(set, s, n))
		return;
	if (*count + 1 >= VOCAB_SIZE / 2) {
		fprintf(stderr, "tui-cutscan: vocabulary too large\n");
		exit(2);
	}
	if ((w = malloc(n + 1)) == NULL) {
		fprintf(stderr, "tui-cutscan: out of memory\n");
		exit(2);
	}
	for (i = 0; i < n; i++)
		w[i] = (char)fold(set, (unsigned char)s[i]);
	w[n] = '\0';
	h = hash(set, s, n);
	while (set[h] != NULL)
		h = (h + 1) & (VOCAB_SIZE - 1);
	set[h] = w;
	(*count)++;
}

static void
vocab_add(const char *s, size_t n)
{
	set_add(vocab, &nvocab, s, n);
}

static int
is_wc(int c)
{
	return c < 0x80 && isalnum(c);
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
vocab_text(const char *s, size_t n)
{
	size_t i = 0, j;

	while (i < n) {
		while (i < n && is_blank((unsigned char)s[i]))
			i++;
		for (j = i; j < n && !is_blank((unsigned char)s[j]); j++)
			;
		set_add(tokens, &ntokens, s + i, j - i);
		i = j;
	}
	i = 0;
	while (i < n) {
		while (i < n && !is_wc((unsigned char)s[i]))
			i++;
		for (j = i; j < n && is_wc((unsigned char)s[j]); j++)
			;
		vocab_add(s + i, j - i);
		i = j;
	}
}

/* The string literals of a C source: "...", escapes skipped; a format
 * directive (%s, %zu, %-14s) is not a word. */
static void
vocab_c(const char *s, size_t n)
{
	size_t i = 0, j, k;
	char *lit;

	if ((lit = malloc(n + 1)) == NULL)
		exit(2);
	while (i < n) {
		if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
			for (i += 2; i + 1 < n && !(s[i] == '*' &&
			    s[i + 1] == '/'); i++)
				;
			i += 2;
			continue;
		}
		if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (s[i] == '\'') {
			for (i++; i < n && s[i] != '\''; i++)
				if (s[i] == '\\')
					i++;
			i++;
			continue;
		}
		if (s[i] != '"') {
			i++;
			continue;
		}
		for (j = i + 1, k = 0; j < n && s[j] != '"'; j++) {
			if (s[j] == '\\' && j + 1 < n) {
				lit[k++] = ' ';
				j++;
				continue;
			}
			if (s[j] == '%') {
				lit[k++] = ' ';
				while (j + 1 < n && strchr("-+ #0123456789.*lzhjt",
				    s[j + 1]) != NULL)
					j++;
				j++;
				continue;
			}
			lit[k++] = s[j];
		}
		vocab_text(lit, k);
		i = j + 1;
	}
	free(lit);
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, len = 0, got;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		if (len + 65536 > cap) {
			cap = (len + 65536) * 2;
			if ((buf = realloc(buf, cap)) == NULL)
				exit(2);
		}
		if ((got = fread(buf + len, 1, cap - len - 1, f)) == 0)
			break;
		len += got;
	}
	fclose(f);
	buf[len] = '\0';
	*n = len;
	return buf;
}

/* One screen row as cells: the character (its first byte when ASCII,
 * else 0x80 + a code for the glyphs that matter) and its text. */
struct cell {
	wchar_t	wc;
};

static struct cell scr[MAXROWS][MAXCOLS];
static int rows, cols, findings;
static char rowtext[MAXROWS][MAXCOLS * 4 + 2];

static void
put_row(int r, const char *line)
{
	mbstate_t st;
	wchar_t wc;
	size_t k, n = strlen(line);
	int c = 0, w;

	snprintf(rowtext[r], sizeof(rowtext[r]), "%s", line);
	memset(&st, 0, sizeof(st));
	for (c = 0; c < cols; c++)
		scr[r][c].wc = L' ';
	c = 0;
	while (n > 0 && c < cols) {
		k = mbrtowc(&wc, line, n, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof(st));
			wc = L'?';
			k = 1;
		}
		/* a rule (box drawing other than the vertical line) is not
		 * text: the scroll mark on a panel's rule stands alone */
		scr[r][c].wc = wc >= 0x2500 && wc <= 0x257f && wc != 0x2502 ?
		    L' ' : wc;
		if ((w = wcwidth(wc)) < 1)
			w = 1;
		c += w;
		line += k;
		n -= k;
	}
}

static int
is_border_glyph(wchar_t wc)
{
	return wc == L'\x2502' || wc == L'|';
}

/* A border: the glyph with the same one above or below it. */
static int
is_border(int r, int c)
{
	wchar_t wc;

	if (c < 0 || c >= cols || !is_border_glyph(wc = scr[r][c].wc))
		return 0;
	return (r > 0 && scr[r - 1][c].wc == wc) ||
	    (r + 1 < rows && scr[r + 1][c].wc == wc);
}

static int
blank(int r, int c)
{
	return c < 0 || c >= cols || scr[r][c].wc == L' ';
}

static int
wcell(int r, int c)
{
	return c >= 0 && c < cols && scr[r][c].wc < 0x80 &&
	    is_wc((int)scr[r][c].wc);
}

static int
is_hexgroup(const char *s, size_t n)
{
	size_t i;

	if (n != 8)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

static void
report(int screen, int r, int c, const char *what, const char *w, size_t n)
{
	findings++;
	printf("screen %d row %d col %d: %s '%.*s'\n    |%s|\n", screen, r,
	    c, what, (int)n, w, rowtext[r]);
}

/* The cells [a, b] of row r as ASCII (other glyphs as '~'). */
static size_t
cells(int r, int a, int b, char *out, size_t outsz)
{
	size_t n = 0;
	int c;

	for (c = a; c <= b && n + 1 < outsz; c++) {
		wchar_t wc = scr[r][c].wc;

		if (wc == L'\x2026') {		/* an ellipsis */
			out[n++] = '.';
			if (n + 2 < outsz) {
				out[n++] = '.';
				out[n++] = '.';
			}
		} else
			out[n++] = wc < 0x80 ? (char)wc : '~';
	}
	out[n] = '\0';
	return n;
}

/* The text ending at column e of row r (a right edge). */
static void
check_end(int screen, int r, int e, int exact)
{
	char tok[MAXCOLS * 3 + 8];
	size_t n, i;
	int a = e;

	if (blank(r, e) || is_border(r, e))
		return;
	while (a > 0 && !blank(r, a - 1) && !is_border(r, a - 1))
		a--;
	n = cells(r, a, e, tok, sizeof(tok));
	if (n >= 3 && strcmp(tok + n - 3, "...") == 0)
		return;
	/* touching the edge: the whole text between blanks must be known,
	 * unless it ends where a line may break, or is a number */
	for (i = 0; i < n && !is_wc((unsigned char)tok[i]); i++)
		;
	if (i == n)
		return;		/* a rule, a mark */
	if (exact && !set_has(tokens, tok, n) &&
	    strchr("/,=&?;)].:-", tok[n - 1]) == NULL &&
	    strspn(tok, "0123456789") != n && !is_hexgroup(tok, n)) {
		report(screen, r, e, "not a whole text at a pane's right edge:",
		    tok, n);
		return;
	}
	/* the last word of the text */
	i = n;
	while (i > 0 && !is_wc((unsigned char)tok[i - 1]))
		i--;
	n = i;
	while (i > 0 && is_wc((unsigned char)tok[i - 1]))
		i--;
	if (n == i || vocab_has(tok + i, n - i) || is_hexgroup(tok + i, n - i))
		return;
	report(screen, r, e, "not a whole word at a pane's right edge:",
	    tok + i, n - i);
}

/* The text starting at column b of row r (a left edge). */
static void
check_start(int screen, int r, int b)
{
	char tok[MAXCOLS * 3 + 8];
	size_t n, i, j;
	int e = b;

	if (blank(r, b) || is_border(r, b))
		return;
	while (e + 1 < cols && !blank(r, e + 1) && !is_border(r, e + 1))
		e++;
	n = cells(r, b, e, tok, sizeof(tok));
	if (strncmp(tok, "...", 3) == 0)
		return;
	for (i = 0; i < n && !is_wc((unsigned char)tok[i]); i++)
		;
	for (j = i; j < n && is_wc((unsigned char)tok[j]); j++)
		;
	if (i == j || vocab_has(tok + i, j - i) || is_hexgroup(tok + i, j - i))
		return;
	report(screen, r, b, "not a whole word at a pane's left edge:",
	    tok + i, j - i);
}

static void
scan_screen(int screen)
{
	int r, c;

	for (r = 0; r < rows; r++) {
		/* the screen's margins */
		check_end(screen, r, cols - 1, 1);
		if (blank(r, cols - 1))
			check_end(screen, r, cols - 2, 1);
		check_start(screen, r, 0);
		if (blank(r, 0))
			check_start(screen, r, 1);
		for (c = 0; c < cols; c++) {
			if (!is_border(r, c))
				continue;
			if (wcell(r, c - 1) && wcell(r, c + 1))
				report(screen, r, c, "a word across a border:",
				    "", 0);
			check_end(screen, r, c - 1, 1);
			if (blank(r, c - 1))
				check_end(screen, r, c - 2, 1);
			check_start(screen, r, c + 1);
			if (blank(r, c + 1))
				check_start(screen, r, c + 2);
		}
	}
}

int
main(int argc, char **argv)
{
	FILE *f;
	char line[MAXCOLS * 4 + 2], *buf;
	size_t n;
	int i, c_only = 0, screen = 0, nscreens = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: tui-cutscan COLS SCREENS [-c] "
		    "VOCAB...\n");
		return 2;
	}
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL &&
	    setlocale(LC_CTYPE, "en_US.UTF-8") == NULL) {
		fprintf(stderr, "tui-cutscan: no UTF-8 locale\n");
		return 2;
	}
	cols = atoi(argv[1]);
	if (cols < 10 || cols > MAXCOLS) {
		fprintf(stderr, "tui-cutscan: bad COLS\n");
		return 2;
	}
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0) {
			c_only = 1;
			continue;
		}
		if ((buf = slurp(argv[i], &n)) == NULL) {
			fprintf(stderr, "tui-cutscan: %s: cannot read\n",
			    argv[i]);
			return 2;
		}
		if (c_only)
			vocab_c(buf, n);
		else
			vocab_text(buf, n);
		free(buf);
	}
	if ((f = fopen(argv[2], "r")) == NULL) {
		fprintf(stderr, "tui-cutscan: %s: cannot read\n", argv[2]);
		return 2;
	}
	rows = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "=====") == 0) {
			scan_screen(++screen);
			nscreens++;
			rows = 0;
			continue;
		}
		if (rows < MAXROWS)
			put_row(rows++, line);
	}
	fclose(f);
	if (rows > 0) {
		scan_screen(++screen);
		nscreens++;
	}
	printf("tui-cutscan: %d screens, %zu words known, %d cuts\n",
	    nscreens, nvocab + ntokens, findings);
	return findings > 0 ? 1 : 0;
}
