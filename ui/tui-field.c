/* SPDX-License-Identifier: ISC */
/*
 * tui-field.c: field editing: one-line text fields and the secret (PIN)
 * fields, drawn and edited.  A secret field shows one '*' per byte typed
 * and lives in secure memory, cleansed by tui_pins_clear().
 */
#include <stdio.h>
#include <string.h>

#include "secmem.h"
#include "tui-int.h"

void
tui_field_set(struct tui_field *f, const char *s)
{
	snprintf(f->buf, sizeof(f->buf), "%s", s != NULL ? s : "");
	f->len = strlen(f->buf);
}

/* The field's tail that fits in w - 1 columns, then the cursor; when the
 * start does not fit, an ellipsis in the first column says so. */
void
tui_field_draw(struct tui *t, int y, int x, int w, const struct tui_field *f,
    int focused)
{
	const char *s = f->buf, *dots = t->utf8 ? "\xe2\x80\xa6" : "...";
	int used = 0, dw = t->utf8 ? 1 : 3;

	attrset(tui_attr(t, TC_FIELD));
	mvhline(y, x, ' ', w);
	if (tui_textw(s, strlen(s)) > w - 1) {
		while (*s != '\0' && tui_textw(s, strlen(s)) > w - 1 - dw)
			s++;
		while ((*s & 0xc0) == 0x80)
			s++;
		used = tui_put(y, x, dw, tui_attr(t, TC_FIELD), dots);
	}
	used += tui_put(y, x + used, w - 1 - used, tui_attr(t, TC_FIELD), s);
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
