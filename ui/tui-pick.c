/* SPDX-License-Identifier: ISC */
/*
 * tui-pick.c: a parameter with a fixed set of values (a `choice' with its
 * choices, or one whose values are a table's row ids, such as the region)
 * is picked from a list, not typed: Up/Down (Home/End, PgUp/PgDn) move,
 * Enter picks; the default (or the sandbox's value) is highlighted first
 * and marked, and a table row shows its description (display_name, or
 * its other cells).  The value picked is kept in t->in, so the answer goes
 * through the same check as a typed one.
 */
#include <stdio.h>
#include <string.h>

#include "tui-int.h"

static const struct ceremony_param *
param(const struct tui *t)
{
	const struct ceremony_param *pm;

	if (!t->have_p || t->p.need != RUNNER_NEED_PARAM || t->p.name == NULL ||
	    (pm = ceremony_param_find(t->c, t->p.name)) == NULL)
		return NULL;
	if (pm->table != NULL && pm->table->nrows > 0)
		return pm;
	if (pm->choices.n > 0)
		return pm;
	return NULL;
}

int
tui_pick_active(const struct tui *t)
{
	return param(t) != NULL;
}

static size_t
count(const struct ceremony_param *pm)
{
	if (pm->table != NULL && pm->table->nrows > 0)
		return pm->table->nrows;
	return pm->choices.n;
}

static const char *
value(const struct ceremony_param *pm, size_t i)
{
	const char *v;

	if (pm->table != NULL && pm->table->nrows > 0) {
		v = pm->table->rows[i].cells[pm->table->id_col].s;
		return v != NULL ? v : "";
	}
	return pm->choices.v[i].s != NULL ? pm->choices.v[i].s : "";
}

/* A table row's description: display_name or description, else its
 * other short cells. */
static void
describe(const struct ceremony_param *pm, size_t i, char *out, size_t sz)
{
	const struct ceremony_table *tb = pm->table;
	const char *c;
	size_t k, n = 0;

	out[0] = '\0';
	if (tb == NULL || tb->nrows == 0)
		return;
	if ((c = ceremony_row_cell(tb, &tb->rows[i], "display_name")) != NULL ||
	    (c = ceremony_row_cell(tb, &tb->rows[i], "description")) != NULL) {
		snprintf(out, sz, "%s", c);
		return;
	}
	for (k = 0; k < tb->ncolumns && n < sz; k++) {
		c = tb->rows[i].cells[k].s;
		if (k == tb->id_col || c == NULL || strlen(c) > 24)
			continue;
		n += (size_t)snprintf(out + n, sz - n, "%s%s", n > 0 ? ", " :
		    "", c);
	}
}

void
tui_pick_init(struct tui *t, const char *v)
{
	const struct ceremony_param *pm = param(t);
	size_t i;

	t->pick = 0;
	if (pm == NULL)
		return;
	for (i = 0; v != NULL && i < count(pm); i++)
		if (strcmp(value(pm, i), v) == 0) {
			t->pick = i;
			break;
		}
	tui_field_set(&t->in, value(pm, t->pick));
}

int
tui_pick_height(const struct tui *t)
{
	const struct ceremony_param *pm = param(t);
	size_t n;

	if (pm == NULL)
		return 0;
	n = count(pm);
	return n > 6 ? 6 : (int)n;
}

void
tui_pick_draw(struct tui *t, int y, int x, int w)
{
	const struct ceremony_param *pm = param(t);
	const char *def = t->p.def;
	char desc[256], line[512];
	size_t n, i, first = 0;
	int h = tui_pick_height(t), row, idw = 0, k;

	if (pm == NULL)
		return;
	n = count(pm);
	for (i = 0; i < n; i++)
		if ((k = tui_textw(value(pm, i), strlen(value(pm, i)))) > idw)
			idw = k;
	if (idw > w / 2)
		idw = w / 2;
	if (t->pick >= (size_t)h)
		first = t->pick - (size_t)h + 1;
	for (row = 0, i = first; row < h && i < n; row++, i++) {
		describe(pm, i, desc, sizeof(desc));
		snprintf(line, sizeof(line), "%s %-*s %s%s",
		    i == t->pick ? ">" : " ", idw, value(pm, i), desc,
		    def != NULL && strcmp(def, value(pm, i)) == 0 ?
		    " (default)" : "");
		attrset(i == t->pick ? tui_attr(t, TC_CURRENT) :
		    tui_attr(t, TC_NORMAL));
		mvhline(y + row, x, ' ', w);
		tui_put_short(t, y + row, x, w, i == t->pick ?
		    tui_attr(t, TC_CURRENT) : tui_attr(t, TC_NORMAL), line);
	}
	if (first > 0)
		tui_put(y, x + w - 3, 3, tui_attr(t, TC_DIM), t->utf8 ?
		    " \xe2\x86\x91" : " ^");
	if (first + (size_t)h < n)
		tui_put(y + h - 1, x + w - 3, 3, tui_attr(t, TC_DIM),
		    t->utf8 ? " \xe2\x86\x93" : " v");
}

int
tui_pick_key(struct tui *t, int ch)
{
	const struct ceremony_param *pm = param(t);
	size_t n;

	if (pm == NULL || (n = count(pm)) == 0)
		return 0;
	switch (ch) {
	case KEY_UP:
		if (t->pick > 0)
			t->pick--;
		break;
	case KEY_DOWN:
		if (t->pick + 1 < n)
			t->pick++;
		break;
	case KEY_HOME:
		t->pick = 0;
		break;
	case KEY_END:
		t->pick = n - 1;
		break;
	case KEY_PPAGE:
		t->pick = t->pick > 6 ? t->pick - 6 : 0;
		break;
	case KEY_NPAGE:
		t->pick = t->pick + 6 < n ? t->pick + 6 : n - 1;
		break;
	default:
		return 0;
	}
	tui_field_set(&t->in, value(pm, t->pick));
	if (t->msg_err)
		t->msg[0] = '\0';
	t->msg_err = 0;
	return 1;
}
