/* SPDX-License-Identifier: ISC */
/*
 * step-instruction.c: the `instruction' step type.
 *
 * A manual step: the operator reads the instructions, works through the
 * checklist and, when `confirm' is set, types the phrase to confirm.  Each
 * checklist item is then noted in the log, ticked.
 */
#include <stddef.h>
#include <stdio.h>

#include "step.h"
#include "step-ctx.h"

static const struct step_key keys[] = {
	{ "checklist", STEP_LIST, 0, NULL, 0, 0 },
	{ "confirm", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

/* ACK after the checklist (shown as INFO lines); then the typed
 * confirmation when `confirm' is set. */
static int
run(struct step_ctx *ctx)
{
	const char *const *items;
	const char *confirm;
	size_t n, i;
	int rc;

	if ((rc = step_arg(ctx, "confirm", &confirm)) != 0 ||
	    (rc = step_arg_list(ctx, "checklist", &items, &n)) != 0)
		return rc;
	if ((rc = step_need_ack(ctx)) != 0) {
		for (i = 0; i < n; i++)
			step_info(ctx, "[ ] %s", items[i]);
		return rc;
	}
	if (confirm != NULL && (rc = step_need_confirm(ctx, confirm)) != 0)
		return rc;
	/* the room's paperwork in the log: each item ticked */
	for (i = 0; i < n; i++)
		if ((rc = step_note(ctx, "[x] %s", items[i])) != 0)
			return rc;
	if (n > 0)
		snprintf(ctx->detail, sizeof(ctx->detail), "%zu checklist "
		    "item%s confirmed", n, n == 1 ? "" : "s");
	return 0;
}

const struct step_type step_instruction = {
	"instruction", keys, NULL, run,
};
