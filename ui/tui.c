/*
 * tui.c: the wizard's loop and the terminal (tui.h).
 *
 * The loop asks the runner for the next prompt, lets the screens draw it
 * and turn keys into an answer, and answers.  Everything is redrawn from
 * struct tui after every key (curses sends only the difference), so a
 * resize (KEY_RESIZE from curses' own SIGWINCH handler) loses nothing
 * typed.  SIGINT asks like q; SIGTERM and SIGHUP end the wizard through
 * the normal exit path, which restores the terminal; the keys are read
 * with a timeout so that a signal is seen within a quarter second.
 *
 * Drawing goes through tui_put(), which decodes UTF-8 (an invalid byte or
 * a control character shows as '?') and clips to a width, so text from
 * the ceremony or the log never moves the cursor.  Under LANG=C the marks
 * and lines are ASCII; NO_COLOR or a monochrome terminal uses bold and
 * reverse video only.
 */
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <wchar.h>

#include "batch.h"
#include "cli.h"
#include "codec.h"
#include "err.h"
#include "secmem.h"
#include "tui-int.h"

static volatile sig_atomic_t got_sig;
static int curses_on;

static void
on_signal(int sig)
{
	got_sig = sig;
}

static void
restore_terminal(void)
{
	if (curses_on) {
		curs_set(1);
		endwin();
		curses_on = 0;
	}
}

attr_t
tui_attr(const struct tui *t, enum tui_color c)
{
	return t->attrs[c];
}

static void
setup_colors(struct tui *t)
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
	if (*wc < 0x20 || *wc == 0x7f || (*wc >= 0x80 && *wc < 0xa0)) {
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
	const char *p, *start, *brk;
	size_t count = 0, k;
	int cw, used;

	if (w < 1)
		w = 1;
	p = s;
	while (*p != '\0') {
		start = p;
		brk = NULL;
		used = 0;
		memset(&st, 0, sizeof(st));
		while (*p != '\0' && *p != '\n') {
			k = decode(p, strlen(p), &st, &wc, &cw);
			if (used + cw > w)
				break;
			if (*p == ' ')
				brk = p;
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

/* Row 0: keyrite, the ceremony, LIVE or REHEARSAL on the right. */
void
tui_header(struct tui *t, const char *right)
{
	const char *mark = t->ro->rehearsal ? " REHEARSAL " : " LIVE ";
	int cols = COLS, mw = (int)strlen(mark), rw;

	attrset(tui_attr(t, TC_HEADER));
	mvhline(0, 0, ' ', cols);
	rw = right != NULL ? tui_textw(right, strlen(right)) : 0;
	tui_putf(0, 1, cols - mw - rw - 4, tui_attr(t, TC_HEADER),
	    "keyrite: %s", t->c->title.s != NULL ? t->c->title.s :
	    t->c->id.s);
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

int
tui_too_small(struct tui *t)
{
	if (COLS >= TUI_MIN_COLS && LINES >= TUI_MIN_LINES)
		return 0;
	erase();
	tui_put(0, 0, COLS, tui_attr(t, TC_REHEARSAL),
	    t->ro->rehearsal ? "REHEARSAL" : "LIVE");
	tui_putf(LINES / 2, 0, COLS, tui_attr(t, TC_ERR),
	    "terminal too small (need %dx%d, have %dx%d)", TUI_MIN_COLS,
	    TUI_MIN_LINES, COLS, LINES);
	refresh();
	return 1;
}

void
tui_field_set(struct tui_field *f, const char *s)
{
	snprintf(f->buf, sizeof(f->buf), "%s", s != NULL ? s : "");
	f->len = strlen(f->buf);
}

/* The field's tail that fits in w - 1 columns, then the cursor. */
void
tui_field_draw(struct tui *t, int y, int x, int w, const struct tui_field *f,
    int focused)
{
	const char *s = f->buf;
	int used;

	attrset(tui_attr(t, TC_FIELD));
	mvhline(y, x, ' ', w);
	while (tui_textw(s, strlen(s)) > w - 1)
		s++;
	while ((*s & 0xc0) == 0x80)
		s++;
	used = tui_put(y, x, w - 1, tui_attr(t, TC_FIELD), s);
	if (focused) {
		move(y, x + used);
		curs_set(1);
	}
}

void
tui_secret_draw(struct tui *t, int y, int x, int w, size_t len, int focused)
{
	int i, n = (int)len;

	attrset(tui_attr(t, TC_FIELD));
	mvhline(y, x, ' ', w);
	if (n > w - 1)
		n = w - 1;
	for (i = 0; i < n; i++)
		mvaddch(y, x + i, '*');
	attrset(A_NORMAL);
	if (focused) {
		move(y, x + n);
		curs_set(1);
	}
}

int
tui_is_enter(int ch)
{
	return ch == '\r' || ch == '\n' || ch == KEY_ENTER;
}

static int
is_backspace(int ch)
{
	return ch == KEY_BACKSPACE || ch == 127 || ch == 8;
}

/* Edits a field: printable bytes (UTF-8 comes byte by byte), backspace
 * (a whole character), Ctrl-U.  1 when the key was used. */
int
tui_field_key(struct tui_field *f, int ch)
{
	if (is_backspace(ch)) {
		while (f->len > 0 && (f->buf[f->len - 1] & 0xc0) == 0x80)
			f->len--;
		if (f->len > 0)
			f->len--;
		f->buf[f->len] = '\0';
		return 1;
	}
	if (ch == TUI_KEY_CTRL('u')) {
		f->len = 0;
		f->buf[0] = '\0';
		return 1;
	}
	if (ch >= 0x20 && ch <= 0xff && ch != 0x7f) {
		if (f->len + 1 < sizeof(f->buf)) {
			f->buf[f->len++] = (char)ch;
			f->buf[f->len] = '\0';
		}
		return 1;
	}
	return 0;
}

int
tui_secret_key(uint8_t *buf, size_t *len, int ch)
{
	if (is_backspace(ch)) {
		if (*len > 0)
			buf[--*len] = 0;
		return 1;
	}
	if (ch == TUI_KEY_CTRL('u')) {
		kr_cleanse(buf, TUI_PIN_MAX);
		*len = 0;
		return 1;
	}
	if (ch >= 0x20 && ch <= 0xff && ch != 0x7f) {
		if (*len < TUI_PIN_MAX)
			buf[(*len)++] = (uint8_t)ch;
		return 1;
	}
	return 0;
}

void
tui_pins_clear(struct tui *t)
{
	if (t->pin != NULL)
		kr_cleanse(t->pin, TUI_PIN_MAX);
	if (t->pin2 != NULL)
		kr_cleanse(t->pin2, TUI_PIN_MAX);
	t->pinlen = t->pin2len = 0;
	t->pin_stage = 0;
}

const char *
tui_step_id(const struct tui *t)
{
	if (t->have_p && t->p.step != NULL)
		return t->p.step->id.s;
	return t->p.need == RUNNER_NEED_CARD ? "resume" : "-";
}

int
tui_getkey(struct tui *t)
{
	int ch;

	ch = getch();
	if (got_sig != 0) {
		if (got_sig == SIGINT) {
			got_sig = 0;
			return TUI_KEY_CTRL('c');
		}
		t->sig = got_sig;
	}
	return ch;
}

/* Answers the runner; the PINs are cleansed whatever happens. */
int
tui_submit(struct tui *t, struct runner_answer *a)
{
	struct kr_err e;
	int rc;

	kr_err_clear(&e);
	a->need = t->p.need;
	if (t->note[0] != '\0' && t->p.step != NULL)
		a->note = t->note;
	/* the prompt's strings may change inside runner_answer: the screen
	 * drawn meanwhile (events) must not use them */
	t->busy = 1;
	t->have_p = 0;
	tui_main_draw(t);
	rc = runner_answer(t->r, a, &e);
	tui_pins_clear(t);
	memset(a, 0, sizeof(*a));
	t->busy = 0;
	t->note[0] = '\0';
	t->have_p = 0;
	if (rc != 0) {
		restore_terminal();
		t->fatal = cli_fail(&e);
		return t->fatal;
	}
	return 0;
}

/* SHA-256(0x00 || first line): the genesis fingerprint (audit-log.md). */
static void
read_genesis(struct tui *t)
{
	FILE *f;
	char *line = NULL, *buf = NULL, hex[65];
	size_t cap = 0;
	ssize_t n;
	uint8_t h[32];

	snprintf(t->genesis, sizeof(t->genesis), "(not readable)");
	if ((f = fopen(t->ro->log_path, "r")) == NULL)
		return;
	if ((n = getline(&line, &cap, f)) > 0 && line[n - 1] == '\n') {
		n--;
		if ((buf = malloc((size_t)n + 1)) != NULL) {
			buf[0] = 0;
			memcpy(buf + 1, line, (size_t)n);
			if (kr_sha256(buf, (size_t)n + 1, h) == 0 &&
			    kr_hex_encode(h, 32, hex, sizeof(hex)) > 0)
				kr_hex_group(hex, 8, 0, t->genesis,
				    sizeof(t->genesis));
		}
	}
	free(buf);
	free(line);
	fclose(f);
}

/* Gives --set values to the runner before they are asked. */
static int
apply_sets(struct tui *t)
{
	struct kr_err e;
	size_t i;
	int rc;

	for (i = 0; i < t->to->nsets; i++) {
		kr_err_clear(&e);
		if ((rc = runner_set_param(t->r, t->to->sets[i].name,
		    t->to->sets[i].value, &e)) != 0) {
			restore_terminal();
			return cli_fail(&e);
		}
	}
	return 0;
}

/* Marks: every step before the prompt's that is still pending was done
 * (in an earlier run, when resuming); the prompt's step is current. */
static void
update_marks(struct tui *t)
{
	size_t i;

	if (t->p.step == NULL)
		return;
	for (i = 0; i < t->p.step_index && i < t->c->nsteps; i++)
		if (t->marks[i] == TM_PENDING || t->marks[i] == TM_CURRENT)
			t->marks[i] = TM_DONE;
	if (t->p.need == RUNNER_NEED_DECISION)
		t->marks[t->p.step_index] = TM_FAILED;
	else if (t->marks[t->p.step_index] == TM_PENDING)
		t->marks[t->p.step_index] = TM_CURRENT;
	/* the module's mode: the last set-mode step passed */
	if (t->mode == NULL)
		for (i = 0; i < t->p.step_index; i++) {
			const struct ceremony_step *s = &t->c->steps[i];
			const struct ceremony_value *v;

			if (s->action.s != NULL &&
			    strcmp(s->action.s, "set-mode") == 0 &&
			    (v = ceremony_step_with(s, "mode")) != NULL &&
			    !v->is_list && t->marks[i] == TM_DONE)
				t->mode = v->scalar.s;
		}
}

static int
loop(struct tui *t)
{
	struct kr_err e;
	struct runner_prompt prev;
	int ch, rc, had = 0;

	memset(&prev, 0, sizeof(prev));
	for (;;) {
		if (t->sig != 0)
			return 128 + t->sig;
		if (t->fatal != 0)
			return t->fatal;
		if (t->quit)
			return 1;
		if (!t->have_p) {
			t->busy = 1;
			tui_main_draw(t);
			kr_err_clear(&e);
			if ((rc = runner_next(t->r, &t->p, &e)) != 0) {
				restore_terminal();
				return cli_fail(&e);
			}
			t->busy = 0;
			t->have_p = 1;
			update_marks(t);
			if (t->p.need == RUNNER_DONE)
				return tui_summary(t);
			if (t->p.need == RUNNER_FAILED)
				return tui_result_failed(t);
			tui_main_prompt(t, had && prev.need == t->p.need &&
			    prev.step_index == t->p.step_index &&
			    t->p.message != NULL);
			prev = t->p;
			had = 1;
		}
		tui_main_draw(t);
		if ((ch = tui_getkey(t)) == ERR || ch == KEY_RESIZE)
			continue;
		if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_LINES) {
			if (ch == TUI_KEY_CTRL('c'))
				t->ov = TO_QUIT;
			if (t->ov != TO_QUIT)
				continue;
		}
		tui_main_key(t, ch);
	}
}

int
tui_run(struct runner_opts *ro, const struct tui_opts *to)
{
	struct sigaction sa, old_int, old_term, old_hup;
	struct tui t;
	struct kr_err e;
	const char *cs;
	char hex[65];
	int rc;

	memset(&t, 0, sizeof(t));
	t.ro = ro;
	t.to = to;
	t.c = ro->c;
	if ((t.marks = calloc(t.c->nsteps + 1, sizeof(*t.marks))) == NULL ||
	    (t.pin = kr_secure_malloc(TUI_PIN_MAX)) == NULL ||
	    (t.pin2 = kr_secure_malloc(TUI_PIN_MAX)) == NULL) {
		cli_warnx("out of memory");
		rc = EX_IOERR;
		goto out;
	}
	kr_cleanse(t.pin, TUI_PIN_MAX);
	kr_cleanse(t.pin2, TUI_PIN_MAX);
	if (kr_hex_encode(ro->ceremony_sha256, 32, hex, sizeof(hex)) < 0 ||
	    kr_hex_group(hex, 8, 0, t.file_sha, sizeof(t.file_sha)) < 0)
		snprintf(t.file_sha, sizeof(t.file_sha), "?");

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	t.utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	got_sig = 0;

	if (initscr() == NULL) {
		cli_warnx("cannot open the terminal (TERM=%s)",
		    getenv("TERM") != NULL ? getenv("TERM") : "");
		rc = 1;
		goto sigs;
	}
	curses_on = 1;
	atexit(restore_terminal);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	timeout(250);
	setup_colors(&t);

	if ((rc = tui_welcome_names(&t)) != 0)
		goto end;
	ro->operator_name = t.operator_name;
	ro->on_event = tui_log_event;
	ro->event_arg = &t;
	kr_err_clear(&e);
	if ((rc = runner_open(ro, &t.r, &e)) != 0) {
		restore_terminal();
		if (rc == KR_ELOCKED)
			cli_warnx("%s (another run holds the state directory "
			    "%s)", e.msg, ro->state_dir);
		else
			cli_warnx("%s", e.msg);
		rc = kr_exit_status(rc);
		goto end;
	}
	read_genesis(&t);
	if ((rc = apply_sets(&t)) != 0)
		goto end;
	if ((rc = tui_welcome_begin(&t)) != 0)
		goto end;
	rc = loop(&t);
end:
	restore_terminal();
	/* a deliberate quit is recorded as such, not left to look like a
	 * crash */
	if (t.quit && rc == 1 && t.r != NULL && runner_stop(t.r, &e) != 0) {
		fprintf(stderr, "keyrite: %s\n", e.msg);
		rc = kr_exit_status(e.code);
	}
	if (t.quit && rc == 1) {
		if (t.have_p && t.p.step != NULL)
			fprintf(stderr, "keyrite: stopped at step '%s'; the log "
			    "is not sealed\n", t.p.step->id.s);
		else
			fprintf(stderr, "keyrite: stopped; the log is not "
			    "sealed\n");
		if (to->resume_hint != NULL)
			fprintf(stderr, "keyrite: to resume: %s\n",
			    to->resume_hint);
	} else if (t.sig != 0)
		fprintf(stderr, "keyrite: stopped by signal %d; the log is "
		    "not sealed\n", t.sig);
	if (rc == 0 && t.have_p && t.p.need == RUNNER_DONE &&
	    t.p.summary != NULL) {
		fputs(t.p.summary, stdout);
		if (t.p.summary[0] != '\0' &&
		    t.p.summary[strlen(t.p.summary) - 1] != '\n')
			fputc('\n', stdout);
	}
	runner_close(t.r);
sigs:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
out:
	tui_pins_clear(&t);
	if (t.pin != NULL)
		kr_secure_free(t.pin, TUI_PIN_MAX);
	if (t.pin2 != NULL)
		kr_secure_free(t.pin2, TUI_PIN_MAX);
	kr_cleanse(&t.in, sizeof(t.in));
	tui_log_free(&t);
	free(t.marks);
	return rc;
}
