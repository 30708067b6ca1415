/* SPDX-License-Identifier: ISC */
/*
 * step-show-command.c: the `show-command' step type.
 *
 * Shows a command for the operator to run elsewhere (for example
 * the cloud upload), exactly, with a copyable rendering.
 */
#include <stddef.h>
#include <stdio.h>

#include "step.h"
#include "step-ctx.h"

static const char *const shell_values[] = {
	"powershell", "az", "sh", "cmd", NULL
};

static const struct step_key keys[] = {
	{ "command", STEP_STRING, 1, NULL, 0, 0 },
	{ "shell", STEP_ENUM, 0, shell_values, 0, 0 },
	{ "note", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

/* Shows the command (INFO) for the operator to run, then ACK. */
static int
run(struct step_ctx *ctx)
{
	const char *cmd, *shell, *note;
	int rc;

	if ((rc = step_arg(ctx, "command", &cmd)) != 0 ||
	    (rc = step_arg(ctx, "shell", &shell)) != 0 ||
	    (rc = step_arg(ctx, "note", &note)) != 0)
		return rc;
	if ((rc = step_need_ack(ctx)) != 0) {
		step_info(ctx, "%s%s%s%s", shell ? "[" : "", shell ? shell : "",
		    shell ? "] " : "", cmd);
		if (note != NULL)
			step_info(ctx, "%s", note);
		return rc;
	}
	snprintf(ctx->detail, sizeof(ctx->detail), "%s", cmd);
	return 0;
}

const struct step_type step_show_command = {
	"show-command", keys, NULL, run,
};
