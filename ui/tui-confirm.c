/* SPDX-License-Identifier: ISC */
/*
 * tui-confirm.c: the confirmation of an irreversible step.  The operator
 * types the text the runner expects (the key's ident, a phrase), which
 * is shown above the field; nothing is filled in, and a mismatch is named
 * before the runner is asked.
 */
#include <stdio.h>
#include <string.h>

#include "tui-int.h"

int
tui_confirm_draw(struct tui *t, int y, int x, int w)
{
	const struct runner_prompt *p = &t->p;
	const char *err = t->msg_err ? t->msg : p->message;
	int focused = t->focus == 0 && !t->busy && t->ov == TO_NONE;

	tui_hline(t, y, x, w);
	tui_put(y + 1, x, w, tui_attr(t, TC_WARN), "This step cannot be "
	    "undone. To go on, type exactly:");
	tui_putf(y + 2, x + 2, w - 2, tui_attr(t, TC_TITLE), "%s",
	    p->expect != NULL ? p->expect : "");
	tui_put(y + 3, x, 2, tui_attr(t, TC_NORMAL), ">");
	if (err != NULL && err[0] != '\0')
		tui_put(y + 4, x, w, tui_attr(t, TC_ERR), err);
	tui_field_draw(t, y + 3, x + 2, w - 2, &t->in, focused);
	return 5;
}

int
tui_confirm_key(struct tui *t, int ch)
{
	struct runner_answer a;
	const char *expect = t->p.expect != NULL ? t->p.expect : "";

	if (tui_is_enter(ch)) {
		if (strcmp(t->in.buf, expect) != 0) {
			snprintf(t->msg, sizeof(t->msg), "that is not '%s': "
			    "type it exactly", expect);
			t->msg_err = 1;
			t->focus = 0;
			return 1;
		}
		memset(&a, 0, sizeof(a));
		a.value = t->in.buf;
		t->msg[0] = '\0';
		t->msg_err = 0;
		tui_submit(t, &a);
		return 1;
	}
	if (t->focus == 0 && tui_field_key(&t->in, ch)) {
		t->msg_err = 0;
		t->msg[0] = '\0';
		return 1;
	}
	return 0;
}
