/*
 * step-set-mode.c: the `set-mode' step type.
 *
 * Puts the security module into initialization, operational or
 * maintenance mode.
 */
#include <stddef.h>

#include "step.h"

static const char *const mode_values[] = {
	"I", "O", "M", "initialization", "operational", "maintenance",
	NULL
};

static const struct step_key keys[] = {
	{ "mode", STEP_ENUM, 1, mode_values, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

const struct step_type step_set_mode = {
	"set-mode", keys, NULL, NULL,
};
