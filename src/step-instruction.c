/*
 * step-instruction.c: the `instruction' step type.
 *
 * A manual step: the operator reads the instructions, works through the
 * checklist and, when `confirm' is set, types the phrase to confirm.
 */
#include <stddef.h>

#include "step.h"

static const struct step_key keys[] = {
	{ "checklist", STEP_LIST, 0, NULL, 0, 0 },
	{ "confirm", STEP_STRING, 0, NULL, 0, 0 },
	{ NULL, STEP_STRING, 0, NULL, 0, 0 },
};

const struct step_type step_instruction = {
	"instruction", keys, NULL, NULL,
};
