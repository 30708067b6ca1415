/* SPDX-License-Identifier: ISC */
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
 * Drawing primitives are in tui-draw.c, field editing in tui-field.c.
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

const char *
tui_step_id(const struct tui *t)
{
	if (t->have_p && t->p.step != NULL)
		return t->p.step->id.s;
	return t->p.need == RUNNER_NEED_CARD ? "resume" : "-";
}

/* One key.  Below 80x24 (paused) only a resize and Ctrl-C act: the first
 * Ctrl-C asks, the second sets quit and is returned; every other key is
 * swallowed (ERR). */
int
tui_getkey(struct tui *t)
{
	int ch;

	ch = getch();
	if (got_sig != 0) {
		if (got_sig == SIGINT) {
			got_sig = 0;
			ch = TUI_KEY_CTRL('c');
		} else
			t->sig = got_sig;
	}
	if (ch == ERR || ch == KEY_RESIZE ||
	    (COLS >= TUI_MIN_COLS && LINES >= TUI_MIN_LINES)) {
		if (ch == KEY_RESIZE && COLS >= TUI_MIN_COLS &&
		    LINES >= TUI_MIN_LINES)
			t->small_quit = 0;
		return ch;
	}
	if (ch != TUI_KEY_CTRL('c'))
		return ERR;
	if (!t->small_quit) {
		t->small_quit = 1;
		tui_too_small(t);
		return ERR;
	}
	t->quit = 1;
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

/* The marks, the module's mode and the genesis fingerprint, from the
 * runner's own state (runner_state): true after any resume. */
static void
update_state(struct tui *t)
{
	struct runner_state st;
	size_t i;

	memset(&st, 0, sizeof(st));
	st.steps = t->steps;
	runner_state(t->r, &st);
	for (i = 0; i < t->c->nsteps; i++) {
		switch (t->steps[i]) {
		case RUNNER_STEP_DONE:
			t->marks[i] = TM_DONE;
			break;
		case RUNNER_STEP_SKIPPED:
			t->marks[i] = TM_SKIPPED;
			break;
		case RUNNER_STEP_EXCEPTION:
			t->marks[i] = TM_EXCEPTION;
			break;
		case RUNNER_STEP_FAILED:
			t->marks[i] = TM_FAILED;
			break;
		case RUNNER_STEP_TODO:
		default:
			t->marks[i] = i == st.cur && !st.resume_pending ?
			    TM_CURRENT : TM_PENDING;
			break;
		}
	}
	if (t->have_p && t->p.need == RUNNER_NEED_DECISION &&
	    t->p.step != NULL)
		t->marks[t->p.step_index] = TM_FAILED;
	t->mode = st.mode;
	t->cur = st.cur;
	snprintf(t->station, sizeof(t->station), "%s", st.station != NULL ?
	    st.station : "");
	if (st.genesis[0] == '\0' || kr_hex_group(st.genesis, 8, 0,
	    t->genesis, sizeof(t->genesis)) < 0)
		snprintf(t->genesis, sizeof(t->genesis), "(not known yet)");
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
			return KR_EXIT_FAILED;
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
			update_state(t);
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
		if ((ch = tui_getkey(t)) == ERR || ch == KEY_RESIZE ||
		    t->quit)
			continue;
		tui_main_key(t, ch);
	}
}

/* A deliberate quit is recorded as such (runner_stop), not left to look
 * like a crash; returns the exit status. */
static int
record_quit(struct tui *t, int rc)
{
	struct kr_err e;

	if (!t->quit || rc != 1 || t->r == NULL)
		return rc;
	kr_err_clear(&e);
	if (runner_stop(t->r, &e) != 0) {
		fprintf(stderr, "keyrite: %s\n", e.msg);
		return kr_exit_status(e.code);
	}
	return rc;
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
	    (t.steps = calloc(t.c->nsteps + 1, sizeof(*t.steps))) == NULL ||
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
		rc = KR_EXIT_FAILED;
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
	tui_colors_init(&t);

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
	update_state(&t);
	if ((rc = apply_sets(&t)) != 0)
		goto end;
	if ((rc = tui_welcome_begin(&t)) != 0)
		goto end;
	rc = loop(&t);
end:
	restore_terminal();
	rc = record_quit(&t, rc);
	if (t.quit && rc == KR_EXIT_FAILED) {
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
	free(t.steps);
	return rc;
}
