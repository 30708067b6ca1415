/*
 * step-show-command.c: the `show-command' step type.
 *
 * Shows a command for the operator to run elsewhere (for example
 * the cloud upload), exactly, with a copyable rendering.
 */
#include <stddef.h>

#include "step.h"

static const char *const shell_values[] = {
	"powershell", "az", "sh", "cmd", NULL
};

static const struct step_key keys[] = {
	{ "command", STEP_STRING, 1, NULL, 0, 0 },
	{ "shell", STEP_ENUM, 0, shell_values, 0, 0 },
	{ "note", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

const struct step_type step_show_command = {
	"show-command", keys, NULL, NULL,
};
