/* SPDX-License-Identifier: ISC */
/*
 * tui-int.h: what the wizard's files share.  struct tui holds everything
 * the screens draw from: the ceremony, the runner's current prompt and
 * state (runner_state), what was typed, the step marks and the event log.
 * tui.c owns the terminal and the loop, tui-draw.c the drawing
 * primitives, tui-field.c the fields; each screen file draws one screen (or the prompt panel of
 * the main screen) and turns keys into edits or an answer.
 *
 * Invariant: the PIN buffers are secure memory, cleansed after every
 * answer and on every exit; nothing else ever holds a PIN.
 */
#ifndef KR_TUI_INT_H
#define KR_TUI_INT_H

#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "ceremony.h"
#include "runner.h"
#include "tui.h"

#define TUI_MIN_COLS	80
#define TUI_MIN_LINES	24
#define TUI_PIN_MAX	256
#define TUI_FIELD_MAX	512
#define TUI_LOG_MAX	4096

#define TUI_KEY_ESC	27
#define TUI_KEY_CTRL(c)	((c) & 0x1f)

enum tui_mark {
	TM_PENDING,
	TM_CURRENT,
	TM_DONE,
	TM_FAILED,
	TM_SKIPPED,
	TM_EXCEPTION,
};

enum tui_color {
	TC_NORMAL,
	TC_HEADER,
	TC_REHEARSAL,
	TC_OK,
	TC_ERR,
	TC_WARN,
	TC_CURRENT,
	TC_DIM,
	TC_FIELD,
	TC_TITLE,
	TC_MAX,
};

enum tui_overlay {
	TO_NONE,
	TO_HELP,
	TO_QUIT,
	TO_NOTE,
	TO_LOG,
};

/* A one-line text field (UTF-8 bytes). */
struct tui_field {
	char	buf[TUI_FIELD_MAX];
	size_t	len;
};

struct tui_logline {
	enum runner_event_kind	 kind;
	size_t			 step;		/* index, or SIZE_MAX */
	char			*text;
};

/* The rows and columns of the main screen. */
struct tui_layout {
	int	rows, cols;
	int	body_y, body_h;		/* between the status row and the log */
	int	list_w;			/* the step list */
	int	right_x, right_w;
	int	log_y, log_h;		/* the log pane (its title row first) */
};

struct tui {
	struct runner_opts	*ro;
	const struct tui_opts	*to;
	const struct ceremony	*c;
	struct runner		*r;
	int			 utf8, color;
	attr_t			 attrs[TC_MAX];

	enum tui_mark		*marks;
	enum runner_step_status	*steps;		/* runner_state()'s */
	int			 mode;		/* 'I', 'O', 'M' or 0: not known */
	size_t			 cur;		/* the runner's step */
	char			 station[64];	/* its station, or "" */
	char			 operator_name[128], witness[128];
	char			 genesis[96], file_sha[96];

	struct runner_prompt	 p;
	int			 have_p;
	int			 busy;		/* the runner is working */

	/* input */
	int			 focus;		/* 0: the field; 1: the text; 2: the
						   card number */
	struct tui_field	 in;		/* value, name, reason */
	struct tui_field	 cardno;
	size_t			 pick;		/* PARAM list: the row highlighted */
	uint8_t			*pin, *pin2;	/* secure, TUI_PIN_MAX */
	size_t			 pinlen, pin2len;
	int			 pin_stage;	/* NEW_PIN: 1 when typing it again */
	int			 sub;		/* DECISION: 0 menu, 1 reason, 2
						   abort? */
	char			 note[TUI_FIELD_MAX];
	struct tui_field	 note_in;
	char			 msg[512];	/* the wizard's own message */
	char			 fault[512];	/* an announced rehearsal fault */
	size_t			 fault_step;	/* +1: the step it struck in */
	int			 msg_err;
	int			 scroll, logscroll, helpscroll;
	enum tui_overlay	 ov;
	enum tui_overlay	 help_back;	/* where help goes back to */
	const char		*keys_now;	/* the keys row of the screen
						   under help */
	size_t			 cp_ack;	/* +1: the step whose checkpoint
						   announcement was read */
	int			 accepted[CEREMONY_QUORUM_MAX + 2];
	int			 unusable[CEREMONY_QUORUM_MAX + 2]; /* reported
						   damaged or missing */

	struct tui_logline	*log;
	size_t			 nlog;

	int			 quit;		/* 1: the operator quit */
	int			 small_quit;	/* paused (too small): Ctrl-C once */
	int			 fatal;		/* an exit status: the runner failed */
	size_t			 shown_step;	/* +1: the step the text shows */
	int			 sig;		/* a terminating signal */
};

/* tui-draw.c: drawing primitives. */
void	tui_colors_init(struct tui *t);
attr_t	tui_attr(const struct tui *t, enum tui_color c);
int	tui_put(int y, int x, int w, attr_t a, const char *s);
int	tui_putn(int y, int x, int w, attr_t a, const char *s, size_t n);
int	tui_putf(int y, int x, int w, attr_t a, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
int	tui_textw(const char *s, size_t n);
int	tui_put_short(const struct tui *t, int y, int x, int w, attr_t a,
	    const char *s);
int	tui_put_path(const struct tui *t, int y, int x, int w, attr_t a,
	    const char *path);
int	tui_put_wrapped(const struct tui *t, int y, int x, int w, attr_t a,
	    const char *s, int max);
void	tui_hline(const struct tui *t, int y, int x, int w);
void	tui_vline(const struct tui *t, int y, int x, int h);
void	tui_header(struct tui *t, const char *right);
void	tui_keys(struct tui *t, const char *keys);
void	tui_layout(struct tui_layout *l);
int	tui_too_small(struct tui *t);
const char *tui_mark_str(const struct tui *t, enum tui_mark m);

/* tui-field.c: field editing. */
void	tui_field_draw(struct tui *t, int y, int x, int w,
	    const struct tui_field *f, int focused);
void	tui_secret_draw(struct tui *t, int y, int x, int w, size_t len,
	    int focused);
int	tui_field_key(struct tui_field *f, int ch);
int	tui_secret_key(uint8_t *buf, size_t *len, int ch);
void	tui_field_set(struct tui_field *f, const char *s);
int	tui_is_enter(int ch);
void	tui_pins_clear(struct tui *t);

/* tui.c: the loop. */
int	tui_submit(struct tui *t, struct runner_answer *a);
const char *tui_step_id(const struct tui *t);

/* Wrapped text: up to max lines of at most w columns, broken at spaces
 * (a word wider than w after a slash, comma, '=', '-' or ')' in it, and
 * only a word with none of them is cut); returns the count (which may
 * exceed max: only max are stored). */
struct tui_line {
	const char	*s;
	size_t		 n;
};
size_t	tui_wrap(const char *s, int w, struct tui_line *lines, size_t max);

/* tui-welcome.c */
int	tui_welcome_names(struct tui *t);
int	tui_welcome_begin(struct tui *t);

/* tui-main.c: the main screen and the plain prompts (PARAM, ACK,
 * SIGNOFF). */
void	tui_main_draw(struct tui *t);
int	tui_main_key(struct tui *t, int ch);
void	tui_main_prompt(struct tui *t, int repeat);

/* The prompt panels: each draws in the box and returns the rows it used;
 * its key function returns 1 when it used the key. */
int	tui_card_draw(struct tui *t, int y, int x, int w);
/* A checkpoint's quorum is announced on a screen of its own (why the
 * cards cosign, how many) before the card panel: 1 while it is shown. */
int	tui_checkpoint_pending(const struct tui *t);
/* Its text (the why), into buf. */
void	tui_checkpoint_why(const struct tui *t, char *buf, size_t sz);
int	tui_card_key(struct tui *t, int ch);
/* The card number field's default: the runner's, unless that card was
 * accepted or reported damaged or missing, then the first other one. */
void	tui_card_default(struct tui *t);
int	tui_confirm_draw(struct tui *t, int y, int x, int w);
int	tui_confirm_key(struct tui *t, int ch);
int	tui_dialog_draw(struct tui *t, int y, int x, int w);
int	tui_dialog_key(struct tui *t, int ch);
void	tui_dialog_overlay(struct tui *t);
int	tui_dialog_overlay_key(struct tui *t, int ch);

/* tui-pick.c: a parameter with a fixed set of values, picked from a
 * list (the value picked is kept in t->in). */
int	tui_pick_active(const struct tui *t);
void	tui_pick_init(struct tui *t, const char *v);
int	tui_pick_height(const struct tui *t);
void	tui_pick_draw(struct tui *t, int y, int x, int w);
int	tui_pick_key(struct tui *t, int ch);

/* tui-result.c: a step's output (events, artifacts with SHA-256 in
 * groups of eight) as wrapped lines; the failure screen. */
size_t	tui_result_text(struct tui *t, size_t step, char **out);
/* s with every bare SHA-256 (64 hex digits) shown in groups of eight, and
 * each line wider than w that holds one folded after the fourth group
 * (the rest aligned under it); malloc'd or NULL. */
char	*tui_fold_hashes(const char *s, int w);
int	tui_result_failed(struct tui *t);

/* tui-log.c */
void	tui_log_event(void *arg, const struct runner_event *ev);
void	tui_log_pane(struct tui *t, const struct tui_layout *l);
void	tui_log_view(struct tui *t);
int	tui_log_key(struct tui *t, int ch);
void	tui_log_free(struct tui *t);

/* tui-help.c: F1 on every screen.  tui_help_open() shows help over the
 * current screen (an overlay such as the log or a dialog comes back when
 * help closes); the help names the keys of the screen under it. */
void	tui_help_open(struct tui *t);
void	tui_help_draw(struct tui *t);
int	tui_help_key(struct tui *t, int ch);
/* The next key for a screen with no overlay of its own (welcome, result,
 * summary), the help handled here: ERR when there is nothing for the
 * screen (a timeout, a resize, a key the help took, F1 opening the help):
 * it redraws and asks again.  Ctrl-C in the help closes the help and,
 * with help_ctrl_c, comes back as Ctrl-C (else as ERR). */
int	tui_help_screen_key(struct tui *t, int help_ctrl_c);

/* tui-summary.c */
int	tui_summary(struct tui *t);

/* tui.c: one key, with the terminal's resize and signals handled (-1 on
 * a timeout). */
int	tui_getkey(struct tui *t);

#endif
